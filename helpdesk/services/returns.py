"""Returns belong to a conversation.

A return the customer requests (``orders.services.return_request_create``, which sends
``orders.signals.return_requested``) opens or joins the customer's open conversation about it;
agents approve, reject, mark received and refund it from that conversation. Each step is the
orders service's own (with its staff check) plus an event in the conversation, in one
transaction, so the customer's history and every agent see it.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.choices import Topic
from helpdesk import realtime
from helpdesk.models import CLOSED_STATUSES, Channel, Conversation
from helpdesk.services.conversations import conversation_open
from helpdesk.services.messages import event_post
from orders import services as return_services
from orders.models import ReturnRequest, ReturnStatus

# action -> (the return's new status, the event posted in the conversation)
RETURN_ACTIONS: dict[str, tuple[str, str]] = {
    "approve": (ReturnStatus.APPROVED, "return_approved"),
    "reject": (ReturnStatus.REJECTED, "return_rejected"),
    "receive": (ReturnStatus.RECEIVED, "return_received"),
    "refund": (ReturnStatus.REFUNDED, "return_refunded"),
}


def return_actions_for(status: str) -> list[str]:
    """The console's actions a return in ``status`` may take (orders.services.TRANSITIONS)."""
    return [action for action, (to, _event) in RETURN_ACTIONS.items()
            if status in return_services.TRANSITIONS[to]]


def _open_conversation_for(return_request: ReturnRequest) -> Conversation | None:
    """The customer's open conversation this return joins: the latest about its order, else
    the latest about returns with no order."""
    open_ones = (Conversation.objects.filter(customer_id=return_request.customer_id)
                 .exclude(status__in=CLOSED_STATUSES).order_by("-created_at", "-id"))
    return (open_ones.filter(order_id=return_request.order_id).first()
            or open_ones.filter(topic=Topic.RETURNS, order=None).first())


def return_conversation_join(*, return_request: ReturnRequest) -> Conversation:
    """Put a newly requested return in the customer's open conversation about it, or open a
    written request (topic returns, linked to the order) whose first message is the customer's
    description. Runs inside the return's transaction (``orders.signals.return_requested``)."""
    customer = return_request.customer
    order = return_request.order
    conversation = _open_conversation_for(return_request)
    if conversation is None:
        with translation.override(customer.language):
            subject = _("Return %(reference)s (order %(number)s)") % {
                "reference": return_request.reference, "number": order.number}
            description = return_request.description or _(
                "I would like to return items of order %(number)s: %(reason)s.") % {
                "number": order.number, "reason": return_request.get_reason_display()}
        conversation = conversation_open(
            customer=customer, channel=Channel.WEB, topic=Topic.RETURNS, order=order,
            subject=subject, description=description, language=customer.language)
    else:
        realtime.inbox_changed()
    conversation.return_requests.add(return_request)
    event_post(conversation=conversation, event="return_requested",
               name=return_request.reference)
    return conversation


def on_return_requested(sender, return_request, **kwargs):
    """Receiver of ``orders.signals.return_requested`` (connected in HelpdeskConfig.ready)."""
    return_conversation_join(return_request=return_request)


def conversation_return_decide(*, conversation: Conversation, return_request: ReturnRequest,
                               action: str, by, note: str = "") -> ReturnRequest:
    """Take ``action`` (approve, reject, receive, refund) on a return of the conversation's
    customer, as agent ``by``; the decision is posted as an event in the conversation and the
    return is linked to it.

    Raises PermissionDenied when ``by`` may not decide returns (orders.access), and
    ValidationError for an unknown action, another customer's return, a transition the
    return's status does not allow, or a rejection without a note. Nothing changes then.
    """
    if action not in RETURN_ACTIONS:
        raise ValidationError(_("Choose an action from the list."), code="invalid")
    if return_request.customer_id != conversation.customer_id:
        raise ValidationError(_("This return is not this customer's."), code="invalid")
    decisions: dict[str, Callable[..., ReturnRequest]] = {
        "approve": return_services.return_approve,
        "reject": return_services.return_reject,
        "receive": return_services.return_mark_received,
        "refund": return_services.return_refund,
    }
    decide = decisions[action]
    with transaction.atomic():
        decided = decide(return_request=return_request, actor=by, note=note)
        conversation.return_requests.add(decided)
        event_post(conversation=conversation, event=RETURN_ACTIONS[action][1],
                   name=decided.reference)
    return decided
