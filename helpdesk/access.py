"""One way to get a conversation you will act on.

``access_conversation`` raises ``NotFound`` for "missing" and "not yours" alike, so an id in a
URL, a form or a websocket frame never tells one from the other.
"""

from django.db.models import Q, QuerySet

from common.errors import NotFound
from helpdesk.models import Attachment, Conversation, MessageKind, Team
from orders.models import ReturnRequest

# The kinds of message only staff see (internal notes): the one definition of which messages a
# customer may see. The ORM reads (``visible_messages_q``), the chat's in-memory checks
# (``message_kind_visible``) and the chat fast path's events are all built from it.
STAFF_ONLY_KINDS: frozenset[str] = frozenset({str(MessageKind.NOTE)})


def visible_messages_q(*, as_agent: bool) -> Q:
    """The messages a participant may see, as a filter on ``Message``."""
    return Q() if as_agent else ~Q(kind__in=sorted(STAFF_ONLY_KINDS))


def message_kind_visible(*, kind: str, as_agent: bool) -> bool:
    """Whether a participant may see a message of ``kind`` (``visible_messages_q`` in memory)."""
    return as_agent or str(kind) not in STAFF_ONLY_KINDS


def is_support_staff(user) -> bool:
    """An agent or a manager: an active staff member whose role works in conversations (the
    console, the chat as an agent, taking a chat, the reports). The one definition of it."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff
                and (user.is_agent or user.is_manager))


def visible_conversations(*, user) -> QuerySet[Conversation]:
    """The conversations ``user`` may see: their own as a customer; their teams' as an agent
    (plus those assigned to them and those waiting for anyone); every one as a manager."""
    qs = Conversation.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if not user.is_staff:
        return qs.filter(customer=user)
    if user.is_manager:
        return qs
    if user.is_agent:
        # The user's teams in a subquery, not a join with the members: one row per
        # conversation without DISTINCT, which over the whole table cost the inbox 250 ms at
        # 100,000 conversations (tests/benchmarks/console_inbox.py).
        return qs.filter(
            Q(assignee=user) | Q(team__in=Team.objects.filter(members=user).values("pk"))
            | Q(team__isnull=True, assignee__isnull=True)
        )
    return qs.none()


def visible_in_memory(*, user, customer_id: int | None, assignee_id: int | None,
                      team_id: int | None, team_ids: set) -> bool:
    """The rule of ``visible_conversations`` for one conversation whose columns were already
    read (batched checks); ``team_ids`` are the teams ``user`` is a member of.
    tests/helpdesk/test_access.py checks it against the queryset for every kind of user."""
    if not user.is_authenticated or not user.is_active:
        return False
    if not user.is_staff:
        return customer_id == user.pk
    if user.is_manager:
        return True
    if user.is_agent:
        return (assignee_id == user.pk or (team_id is not None and team_id in team_ids)
                or (team_id is None and assignee_id is None))
    return False


def access_conversation(*, user, reference: str, for_update: bool = False) -> Conversation:
    qs = visible_conversations(user=user)
    if for_update:
        qs = Conversation.objects.select_for_update().filter(
            pk__in=qs.values("pk")
        )
    try:
        return qs.get(reference=reference)
    except (Conversation.DoesNotExist, ValueError):
        raise NotFound(reference) from None


def access_attachment(*, user, pk) -> Attachment:
    """An attachment of a conversation ``user`` may see; an internal note's only to staff."""
    att = Attachment.objects.select_related("message__conversation").filter(pk=pk).first()
    if att is None:
        raise NotFound(pk)
    conversation = access_conversation(user=user, reference=att.message.conversation.reference)
    # Staff who pass access_conversation are agents or managers.
    if not message_kind_visible(kind=att.message.kind, as_agent=user.is_staff):
        raise NotFound(pk)
    if conversation.pk != att.message.conversation_id:
        raise NotFound(pk)
    return att


def access_conversation_return(*, conversation: Conversation, reference: str) -> ReturnRequest:
    """A return of the conversation's customer, named by its reference (the console's return
    actions); ``conversation`` came from ``access_conversation``. NotFound otherwise."""
    try:
        return ReturnRequest.objects.select_related("order").get(
            reference=reference, customer_id=conversation.customer_id)
    except (ReturnRequest.DoesNotExist, ValueError):
        raise NotFound(reference) from None
