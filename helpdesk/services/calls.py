"""Phone calls an agent logs (``call_log``): each lives in a conversation.

Logged from a conversation that is still going on, the call joins it; otherwise (from the
inbox, or from a conversation already resolved) it opens a phone conversation of its own,
assigned to the agent who took the call, answered at once. An outcome "resolved" resolves
such a new conversation, so it counts in the reports and the survey follows like any other.
The customer sees a "phone call" event (direction and duration) in My requests; the agent's
notes are an internal note.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Replace
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.choices import Topic
from accounts.models import User
from helpdesk import realtime
from helpdesk.access import is_support_staff
from helpdesk.models import (
    CLOSED_STATUSES,
    AuthorRole,
    CallDirection,
    CallOutcome,
    Channel,
    Conversation,
    MessageKind,
    PhoneCall,
    Status,
)
from helpdesk.services.conversations import conversation_resolve
from helpdesk.services.messages import event_post, message_body_clean, message_post

MAX_CALL_SECONDS = 4 * 3600
MAX_NOTES_LENGTH = 2000
CUSTOMER_LOOKUP_LIMIT = 10
# After removing spaces, dashes, dots and brackets: an optional + and 5 to 15 digits (E.164).
_PHONE = re.compile(r"^\+?[0-9]{5,15}$")
_PHONE_PUNCTUATION = " -.()/"


def phone_number_clean(value: str) -> str:
    """``value`` without spaces, dashes, dots and brackets, or a ValidationError."""
    number = (value or "").strip()
    for ch in _PHONE_PUNCTUATION:
        number = number.replace(ch, "")
    if not _PHONE.match(number):
        raise ValidationError(
            {"phone_number": _("Enter a phone number of 5 to 15 digits, optionally starting "
                               "with +.")})
    return number


def call_duration_text(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def customers_lookup(*, by, query: str) -> list[User]:
    """Customers whose email is ``query`` or whose phone (punctuation aside) is ``query``: exact
    matches only, at most ``CUSTOMER_LOOKUP_LIMIT`` (an agent about to log a call)."""
    if not is_support_staff(by):
        raise PermissionDenied
    query = (query or "").strip()[:254]
    customers = User.objects.filter(is_staff=False, is_active=True, erased_at__isnull=True)
    if "@" in query:
        found = customers.filter(email__iexact=query)
    else:
        try:
            number = phone_number_clean(query)
        except ValidationError:
            return []
        bare: F | Replace = F("customer_profile__phone")
        for ch in _PHONE_PUNCTUATION:
            bare = Replace(bare, Value(ch), Value(""))
        found = customers.alias(bare_phone=bare).filter(bare_phone=number)
    return list(found.select_related("customer_profile").order_by("pk")[:CUSTOMER_LOOKUP_LIMIT])


def call_log(
    *,
    by,
    customer,
    direction: str,
    phone_number: str,
    duration_seconds: int,
    outcome: str,
    notes: str = "",
    order=None,
    topic: str = "",
    conversation: Conversation | None = None,
) -> PhoneCall:
    """Log a phone call with ``customer`` taken by agent ``by``.

    ``conversation`` (the one the agent logged it from; the caller got it from
    ``access_conversation``) must be the customer's: the call joins it unless it is resolved
    or closed, in which case, as without one, a new phone conversation opens (topic ``topic``,
    else orders). ``order`` must be the customer's. Bad input raises a ``ValidationError``
    naming the field and changes nothing.
    """
    if not is_support_staff(by):
        raise PermissionDenied
    if customer.is_staff or not customer.is_active:
        raise ValidationError(_("Choose a customer."), code="invalid")
    errors: dict[str, str] = {}
    if direction not in CallDirection.values:
        errors["direction"] = _("Choose inbound or outbound.")
    if outcome not in CallOutcome.values:
        errors["outcome"] = _("Choose an outcome from the list.")
    if (not isinstance(duration_seconds, int) or isinstance(duration_seconds, bool)
            or not 0 <= duration_seconds <= MAX_CALL_SECONDS):
        errors["duration"] = _("A call lasts from 0 seconds to %(hours)d hours.") % {
            "hours": MAX_CALL_SECONDS // 3600}
    if order is not None and order.customer_id != customer.pk:
        errors["order"] = _("Choose one of this customer's orders.")
    if topic and topic not in Topic.values:
        errors["topic"] = _("Choose a topic from the list.")
    if conversation is not None and conversation.customer_id != customer.pk:
        raise ValidationError(_("This conversation is another customer's."), code="invalid")
    try:
        number = phone_number_clean(phone_number)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    notes = message_body_clean(notes)
    if len(notes) > MAX_NOTES_LENGTH:
        errors["notes"] = _("Notes can be at most %(limit)d characters long.") % {
            "limit": MAX_NOTES_LENGTH}
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        join = conversation is not None and conversation.status not in CLOSED_STATUSES
        if join:
            assert conversation is not None
            conv = conversation
        else:
            with translation.override(customer.language):
                subject = _("Phone call")
            conv = Conversation.objects.create(
                customer=customer, channel=Channel.PHONE, topic=topic or Topic.ORDERS,
                order=order, subject=str(subject), language=customer.language,
                status=Status.OPEN, assignee=by, assigned_at=now, first_response_at=now,
                created_at=now,
            )
        call = PhoneCall.objects.create(
            conversation=conv, agent=by, direction=direction, phone_number=number,
            duration_seconds=duration_seconds, outcome=outcome, notes=notes, order=order,
            created_at=now)
        event_post(conversation=conv, event=f"call_{direction}",
                   name=call_duration_text(duration_seconds))
        if notes:
            message_post(conversation=conv, author=by, author_role=AuthorRole.AGENT,
                         body=notes, kind=MessageKind.NOTE)
        if not join and outcome == CallOutcome.RESOLVED:
            conversation_resolve(conversation=conv, by=by)
        realtime.inbox_changed()
    return call
