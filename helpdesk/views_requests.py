"""My requests: every conversation of the customer (chat, email, web form, phone), newest
first, and one request's public messages with a reply form.

A reply to a resolved or closed request reopens it (``services.conversations.request_reply``).
Internal notes never show here: messages are read through ``selectors.messages_visible_to``
with ``as_agent=False``.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy

from accounts.limits import Throttled, throttle
from helpdesk.access import NotFound, access_conversation
from helpdesk.models import Channel, Status
from helpdesk.selectors import customer_conversations, messages_visible_to
from helpdesk.services.conversations import MAX_BODY_LENGTH, message_payload, request_reply

PAGE_SIZE = 20


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your reply"), max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    client_id = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


def _own_request(request, reference):
    """The customer's own conversation; staff and everyone else get a 404 here."""
    if request.user.is_staff:
        raise Http404
    try:
        conversation = access_conversation(user=request.user, reference=reference)
    except NotFound:
        raise Http404 from None
    if conversation.customer_id != request.user.pk:
        raise Http404
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
                 and conversation.status not in (Status.RESOLVED, Status.CLOSED))
    return render(request, "requests/detail.html", {
        "conversation": conversation, "thread": thread, "form": form,
        "live_chat": live_chat,
        "closed": conversation.status in (Status.RESOLVED, Status.CLOSED),
    }, status=status)


app_name = "requests"
urlpatterns = [
    path("", request_list, name="list"),
    path("<str:reference>/", request_detail, name="detail"),
]
