"""The customer's pages of the help center: the front page and the language switch, Contact
us, "my data", report a problem with an order, and My requests.

Report a problem lives here because it opens a conversation (orders never imports helpdesk);
the order page links to it by URL. My requests lists every conversation of the customer
(chat, email, web form, phone), newest first, and shows one request's public messages with a
reply form; a reply to a resolved or closed request reopens it
(``services.conversations.request_reply``). Internal notes never show here: messages are read
through ``selectors.messages_visible_to`` with ``as_agent=False``.
"""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from accounts.choices import Topic
from accounts.downloads import content_disposition
from accounts.limits import Throttled, throttle
from accounts.services import user_set_language
from common.errors import NotFound
from faq.forms import SearchForm
from faq.selectors import category_tiles
from helpdesk.access import access_conversation
from helpdesk.attribution import source_article_for
from helpdesk.helpcenter.forms import ReplyForm, ReportProblemForm
from helpdesk.models import CLOSED_STATUSES, Channel
from helpdesk.selectors import customer_conversations, messages_visible_to
from helpdesk.services.availability import support_availability
from helpdesk.services.conversations import request_reply
from helpdesk.services.data_export import customer_data_export
from helpdesk.services.messages import message_payload
from helpdesk.services.order_problems import PROBLEM_TOPICS, OrderProblem, order_problem_report
from helpdesk.services.queue import chat_open_now
from helpdesk.services.routing import topics_without_agent
from orders.access import access_order

PAGE_SIZE = 20


def home(request):
    """The help center's front page: search and a tile per topic, linking to its category."""
    by_topic = {}
    for tile in category_tiles(language=translation.get_language()):
        by_topic.setdefault(tile.category.topic, tile)
    tiles = [(value, label, by_topic.get(value)) for value, label in Topic.choices]
    return render(request, "helpcenter/home.html", {"tiles": tiles, "search_form": SearchForm()})


@require_POST
def set_language(request):
    """Switch the interface language; a signed-in user keeps it as their preference."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    return response


def contact(request):
    """Contact us: every channel with its availability right now."""
    availability = support_availability()
    no_agent_topics: list = []
    labels = dict(Topic.choices)
    if availability.chat_available:
        # The same rule as the pre-chat form (``routing``), in the language a chat would have.
        language = (request.user.language if request.user.is_authenticated
                    else translation.get_language())
        no_agent_topics = [labels[t] for t in topics_without_agent(language=language)]
    return render(request, "helpcenter/contact.html", {
        "availability": availability, "no_agent_topics": no_agent_topics,
        # Nobody present takes any topic in this language: chat is not available to them.
        "chat_available": availability.chat_available and len(no_agent_topics) < len(labels),
    })


@never_cache
@require_GET
@login_required
def my_data(request):
    """Download everything stored about the signed-in user, as JSON."""
    data = customer_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = content_disposition(f"my-helpdesk-data-{stamp}.json")
    return response


# --- Report a problem with an order ---------------------------------------------------------


def _own_order(request, number):
    order = access_order(user=request.user, number=number)
    if order.customer_id != request.user.pk:
        raise NotFound(number)
    return order


@login_required
def report_problem(request, number):
    order = _own_order(request, number)
    initial = {"problem": request.GET.get("problem")} if request.GET.get(
        "problem") in OrderProblem.values else {}
    form = ReportProblemForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            throttle("web_request", request=request, account=request.user.pk)
            conversation = order_problem_report(
                customer=request.user, order=order, problem=form.cleaned_data["problem"],
                description=form.cleaned_data["description"],
                channel=form.cleaned_data["channel"],
                source_article_id=source_article_for(request),
            )
        except Throttled as exc:  # what they wrote stays in the form
            form.add_error(None, exc.message)
            status = 429
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("report_problem_sent", number=order.number,
                            reference=conversation.reference)
    chat_url = None
    problem = form["problem"].value()
    topic = PROBLEM_TOPICS.get(problem, PROBLEM_TOPICS[OrderProblem.NOT_RECEIVED])
    if chat_open_now(topic=topic, language=request.user.language):
        # "Chat now": the pre-chat form with this order and the problem's topic filled in.
        chat_url = reverse("chat:start") + "?" + urlencode({"order": order.number,
                                                             "topic": topic})
    return render(request, "orders/report_problem.html",
                  {"order": order, "form": form, "chat_url": chat_url}, status=status)


@login_required
def report_problem_sent(request, number, reference):
    conversation = access_conversation(user=request.user, reference=reference)
    if conversation.order is None or conversation.order.number != number:
        raise NotFound(reference)
    return render(request, "orders/report_problem_sent.html",
                  {"conversation": conversation, "order": conversation.order})


# --- My requests ----------------------------------------------------------------------------


def _own_request(request, reference):
    """The customer's own conversation; staff and everyone else get a 404 here."""
    if request.user.is_staff:
        raise NotFound(reference)
    conversation = access_conversation(user=request.user, reference=reference)
    if conversation.customer_id != request.user.pk:
        raise NotFound(reference)
    return conversation


@login_required
def request_list(request):
    conversations = (customer_conversations(user=request.user).select_related("order")
                     .order_by("-created_at", "-pk"))
    page = Paginator(conversations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "requests/list.html", {"page": page})


@login_required
def request_detail(request, reference):
    conversation = _own_request(request, reference)
    form = ReplyForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            throttle("web_reply", request=request, account=request.user.pk)
            request_reply(conversation=conversation, customer=request.user,
                          body=form.cleaned_data["body"],
                          client_id=form.cleaned_data["client_id"])
        except Throttled as exc:  # the reply stays in the form
            form.add_error(None, exc.message)
            status = 429
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error("body", exc.messages)
        else:
            return redirect("requests:detail", reference=conversation.reference)
    thread = [{**message_payload(m, list(m.attachments.all())), "when": m.created_at}
                for m in messages_visible_to(conversation=conversation, as_agent=False)]
    live_chat = (conversation.channel == Channel.CHAT
                 and conversation.status not in CLOSED_STATUSES)
    return render(request, "requests/detail.html", {
        "conversation": conversation, "thread": thread, "form": form,
        "live_chat": live_chat,
        "closed": conversation.status in CLOSED_STATUSES,
    }, status=status)
