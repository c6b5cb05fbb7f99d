"""Report a problem with an order: a short form on the order, then the request's reference.

It lives in helpdesk because it opens a conversation (orders never imports helpdesk); the
order page links here by URL.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.limits import Throttled, throttle
from helpdesk.access import NotFound as ConversationNotFound
from helpdesk.access import access_conversation
from helpdesk.attribution import source_article_for
from helpdesk.models import Channel
from helpdesk.services.conversations import MAX_BODY_LENGTH
from helpdesk.services.order_problems import PROBLEM_TOPICS, OrderProblem, order_problem_report
from helpdesk.services.queue import chat_open_now
from orders.access import NotFound as OrderNotFound
from orders.access import access_order


class ReportProblemForm(forms.Form):
    problem = forms.ChoiceField(label=_("What went wrong?"), choices=OrderProblem.choices,
                                widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("Tell us more"), max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What happened, and what would you like us to do?"),
    )
    # Only a written request for now; the live chat offers "chat now" from this same form.
    channel = forms.ChoiceField(choices=[(Channel.WEB, Channel.WEB.label)], initial=Channel.WEB,
                                widget=forms.HiddenInput)


def _own_order(request, number):
    try:
        order = access_order(user=request.user, number=number)
    except OrderNotFound:
        raise Http404 from None
    if order.customer_id != request.user.pk:
        raise Http404
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
    if chat_open_now():
        # "Chat now": the pre-chat form with this order and the problem's topic filled in.
        problem = form["problem"].value()
        topic = PROBLEM_TOPICS.get(problem, PROBLEM_TOPICS[OrderProblem.NOT_RECEIVED])
        chat_url = reverse("chat:start") + "?" + urlencode({"order": order.number,
                                                             "topic": topic})
    return render(request, "orders/report_problem.html",
                  {"order": order, "form": form, "chat_url": chat_url}, status=status)


@login_required
def report_problem_sent(request, number, reference):
    try:
        conversation = access_conversation(user=request.user, reference=reference)
    except ConversationNotFound:
        raise Http404 from None
    if conversation.order is None or conversation.order.number != number:
        raise Http404
    return render(request, "orders/report_problem_sent.html",
                  {"conversation": conversation, "order": conversation.order})
