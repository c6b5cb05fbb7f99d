"""The agent console: a real-time inbox and conversation view inside the admin.

Mounted under /admin/console/ (``helpdesk.console.urls``); every view goes through
``admin.site.admin_view`` (active staff only) and then requires the agent or manager role.
The pages are server-rendered; ``static/js/console.js`` keeps them live over /ws/chat/
(docs/protocol.md). Forms post to thin views that call one service each.

An agent also deletes a customer's account here on the customer's request (``erase_customer``):
the customer is reached through a conversation the agent may see (``access_conversation``); the
agent gives a reason (kept in the audit log) and confirms. The erasure itself is
``accounts.erasure.customer_erase``, the same service as the customer's own button.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.choices import Topic
from accounts.erasure import ErasureRefused, customer_erase
from accounts.models import AgentProfile, AgentStatus
from accounts.redirects import safe_next
from helpdesk.access import access_conversation, is_support_staff
from helpdesk.console.forms import EraseCustomerForm, TransferForm
from helpdesk.console.inbox import conversation_tags, inbox_state, page_context, rows_json
from helpdesk.console.macros import macro_choices
from helpdesk.console.story import customer_story
from helpdesk.models import Conversation, Priority
from helpdesk.selectors import BOX_NAMES, messages_visible_to
from helpdesk.services.conversations import (
    conversation_resolve,
    conversation_transfer,
    conversation_update,
)
from helpdesk.services.messages import message_payload
from helpdesk.services.staff import agent_set_status

_BOX_LABELS = {"waiting": gettext_lazy("Waiting"), "mine": gettext_lazy("Mine"),
               "team": gettext_lazy("Team"), "all": gettext_lazy("All")}
BOXES = [(box, _BOX_LABELS[box]) for box in BOX_NAMES]


def _require_agent(request):
    user = request.user
    if not is_support_staff(user):
        raise PermissionDenied


def _conversation(request, reference) -> Conversation:
    return access_conversation(user=request.user, reference=reference)


def _box(request) -> str:
    box = request.GET.get("box", "waiting")
    return box if box in dict(BOXES) else "waiting"


def console(request):
    _require_agent(request)
    box = _box(request)
    # Read only: a manager without an agent profile gets one when they first set a status.
    profile = AgentProfile.objects.filter(user=request.user).first()
    state = inbox_state(request, box)
    return render(request, "admin/console/inbox.html", {
        **admin.site.each_context(request), "title": _("Agent console"),
        **page_context(request, state), "boxes": BOXES,
        "current_status": profile.status if profile else AgentStatus.OFFLINE,
        "statuses": AgentStatus.choices,
    })


def inbox_rows(request):
    """GET ?box=...&filters -> the tab's rows and every tab's count under the same filters;
    the console redraws its list with this whenever the socket says the inbox changed."""
    _require_agent(request)
    return JsonResponse(rows_json(inbox_state(request, _box(request))))


def conversation_view(request, reference):
    _require_agent(request)
    conv = _conversation(request, reference)
    story = customer_story(conversation=conv, user=request.user)  # loads conv.customer
    history = [message_payload(m, list(m.attachments.all()))
               for m in messages_visible_to(conversation=conv, as_agent=True)]
    canned = macro_choices(user=request.user, conversation=conv)
    return render(request, "admin/console/conversation.html", {
        **admin.site.each_context(request), "title": conv.reference,
        "conversation": conv,
        "history": history, "last_seq": conv.last_seq, "canned": canned, **story,
        "transfer_form": TransferForm(), "priorities": Priority.choices, "topics": Topic.choices,
        **conversation_tags(conv),
    })


@require_POST
def set_status(request):
    _require_agent(request)
    try:
        agent_set_status(agent=request.user, status=request.POST.get("status", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(safe_next(request) or "helpdesk_console:inbox")


@require_POST
def resolve(request, reference):
    _require_agent(request)
    conversation_resolve(conversation=_conversation(request, reference), by=request.user)
    messages.success(request, _("The conversation was resolved."))
    return redirect("helpdesk_console:inbox")


@require_POST
def transfer(request, reference):
    _require_agent(request)
    conv = _conversation(request, reference)
    form = TransferForm(request.POST)
    if form.is_valid():
        try:
            conversation_transfer(conversation=conv, by=request.user,
                                  to_agent=form.cleaned_data["agent"],
                                  to_team=form.cleaned_data["team"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The conversation was transferred."))
            return redirect("helpdesk_console:inbox")
    return redirect("helpdesk_console:conversation", reference=conv.reference)


@require_POST
def update(request, reference):
    _require_agent(request)
    conv = _conversation(request, reference)
    try:
        conversation_update(conversation=conv, by=request.user,
                            topic=request.POST.get("topic") or None,
                            priority=request.POST.get("priority") or None)
    except (ValidationError, ValueError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("helpdesk_console:conversation", reference=conv.reference)


def erase_customer(request, reference):
    _require_agent(request)
    conversation = _conversation(request, reference)
    customer = conversation.customer
    if customer.is_staff or customer.erased_at is not None:
        messages.error(request, _("This account cannot be deleted."))
        return redirect("helpdesk_console:conversation", reference=conversation.reference)
    form = EraseCustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer_erase(customer=customer, actor=request.user,
                           reason=form.cleaned_data["reason"])
        except ErasureRefused:
            messages.error(request, _("This account cannot be deleted."))
        else:
            messages.success(request, _("The customer's account was deleted and their personal "
                                        "data erased."))
        return redirect("helpdesk_console:conversation", reference=conversation.reference)
    return render(request, "admin/console/erase_customer.html", {
        **admin.site.each_context(request), "title": _("Delete a customer's account"),
        "conversation": conversation, "customer": customer, "form": form,
    })
