"""The customer's whole story beside a conversation, and the return actions taken from it.

``customer_story`` builds the console's sidebar: the profile, the tier, lifetime orders and
spend per currency, the latest orders with their tracking (and the "late" flag of
``orders.selectors.shipment_is_late``), the returns with their status and the actions each may
take, and every past conversation in every channel with its rating. Each list is bounded (the
latest few, and how many more), and the number of queries does not depend on how many orders,
returns or conversations the customer has (pinned in tests/console/test_story.py).

``return_action`` is the POST behind the return buttons: the agent's decision goes through
``helpdesk.services.returns.conversation_return_decide`` (the orders service with its staff
check, plus an event in the conversation); a refused step is a message, never an error page.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import CustomerProfile, User
from helpdesk.access import access_conversation, access_conversation_return, is_support_staff
from helpdesk.models import Conversation
from helpdesk.services.returns import conversation_return_decide, return_actions_for
from orders.access import may_decide_returns
from orders.models import ReturnRequest
from orders.selectors import customer_order_totals, customer_recent_orders

ORDERS_SHOWN = 5
RETURNS_SHOWN = 5
CONVERSATIONS_SHOWN = 10
REJECT_NOTE_MAX = 2000


def customer_story(*, conversation: Conversation, user) -> dict:
    """The sidebar's context for ``conversation`` as seen by agent ``user``, in a fixed number
    of queries: the customer with their profile and how many returns and other conversations
    they have (one), lifetime totals (one), orders with shipments and events (three), returns
    (one), past conversations with their ratings (one). Sets ``conversation.customer``."""
    customer = (
        User.objects.select_related("customer_profile")
        .annotate(
            returns_count=_count(ReturnRequest.objects.filter(customer=OuterRef("pk"))),
            past_count=_count(Conversation.objects.filter(customer=OuterRef("pk"))
                              .exclude(pk=conversation.pk)),
        ).get(pk=conversation.customer_id))
    conversation.customer = customer
    linked = Conversation.return_requests.through.objects.filter(
        conversation_id=conversation.pk, returnrequest_id=OuterRef("pk"))
    returns = list(ReturnRequest.objects.filter(customer=customer).select_related("order")
                   .annotate(here=Exists(linked))
                   .order_by("-here", "-created_at", "-id")[:RETURNS_SHOWN])
    decides = may_decide_returns(user)
    for r in returns:
        r.actions = return_actions_for(r.status) if decides else []
    past = list(Conversation.objects.filter(customer=customer).exclude(pk=conversation.pk)
                .select_related("rating").order_by("-created_at", "-id")[:CONVERSATIONS_SHOWN])
    totals = customer_order_totals(customer=customer)
    orders_total = sum(t["orders"] for t in totals)
    try:
        profile = customer.customer_profile
    except CustomerProfile.DoesNotExist:
        profile = None
    return {
        "customer": customer, "profile": profile,
        "order_totals": totals, "orders_total": orders_total,
        "orders": customer_recent_orders(customer=customer, limit=ORDERS_SHOWN),
        "orders_more": max(orders_total - ORDERS_SHOWN, 0),
        "returns": returns, "returns_more": max(customer.returns_count - len(returns), 0),
        "past": past, "past_more": max(customer.past_count - len(past), 0),
    }


def _count(queryset) -> Coalesce:
    """How many rows of ``queryset`` (a correlated subquery; 0 when none)."""
    return Coalesce(Subquery(queryset.order_by().values("customer_id")
                             .annotate(n=Count("pk")).values("n")[:1]), 0)


@require_POST
def return_action(request, reference, return_reference):
    """POST action=approve|reject|receive|refund (and note): decide a return from the
    conversation, then back to it with a message saying what happened or why not."""
    if not is_support_staff(request.user):
        raise PermissionDenied
    conversation = access_conversation(user=request.user, reference=reference)
    return_request = access_conversation_return(conversation=conversation,
                                                reference=return_reference)
    note = request.POST.get("note", "")[:REJECT_NOTE_MAX]
    try:
        decided = conversation_return_decide(
            conversation=conversation, return_request=return_request,
            action=request.POST.get("action", ""), by=request.user, note=note)
    except PermissionDenied:
        messages.error(request, _("You may not decide returns."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Return %(reference)s: %(status)s.") % {
            "reference": decided.reference, "status": decided.get_status_display()})
    return redirect("helpdesk_console:conversation", reference=conversation.reference)
