"""Reads of the conversation core, with their joins."""

from django.db.models import Count, Q, QuerySet

from helpdesk.access import visible_conversations
from helpdesk.models import (
    CLOSED_STATUSES,
    Channel,
    Conversation,
    Message,
    MessageKind,
    Status,
    Team,
)


def messages_visible_to(*, conversation: Conversation, as_agent: bool,
                        after_seq: int = 0, upto_seq: int | None = None) -> QuerySet[Message]:
    """The conversation's messages a participant may see, in order. Customers never get
    internal notes: every path that shows messages to a customer reads through here."""
    qs = Message.objects.filter(conversation=conversation, seq__gt=after_seq)
    if upto_seq is not None:
        qs = qs.filter(seq__lte=upto_seq)
    if not as_agent:
        qs = qs.exclude(kind=MessageKind.NOTE)
    return qs.select_related("author", "conversation").prefetch_related("attachments").order_by(
        "seq")


def latest_visible_seq(*, conversation: Conversation, as_agent: bool) -> int:
    """The highest sequence number the participant can see (customers: notes excluded)."""
    if as_agent:
        return conversation.last_seq
    seq = (Message.objects.filter(conversation=conversation).exclude(kind=MessageKind.NOTE)
           .order_by("-seq").values_list("seq", flat=True).first())
    return seq or 0


OPEN_STATUSES = (Status.WAITING, Status.OPEN, Status.PENDING)
BOX_NAMES = ("waiting", "mine", "team", "all")


def _box_filter(*, user, box: str) -> Q:
    """Which open conversations one inbox tab shows. The team tab reads the user's teams in a
    subquery: a join with the team members would repeat each conversation once per member,
    and every count taken over that join would be multiplied by the team's size."""
    if box == "waiting":
        return Q(status=Status.WAITING)
    if box == "mine":
        return Q(assignee=user) & ~Q(status=Status.WAITING)
    if box == "team":
        return Q(team__in=Team.objects.filter(members=user).values("pk"))
    return Q()


def _open_work(*, user) -> QuerySet[Conversation]:
    """The open conversations ``user`` may see, one row each."""
    visible = visible_conversations(user=user).filter(status__in=OPEN_STATUSES)
    return Conversation.objects.filter(pk__in=visible.values("pk"))


def inbox_counts(*, user) -> dict[str, int]:
    """Live counts for the agent console: how many rows each tab of ``inbox`` has."""
    counts = _open_work(user=user).aggregate(**{
        box: Count("pk", filter=_box_filter(user=user, box=box)) if box != "all"
        else Count("pk")
        for box in BOX_NAMES
    })
    return {box: counts[box] or 0 for box in BOX_NAMES}


def inbox(*, user, box: str) -> QuerySet[Conversation]:
    """The conversations of one inbox tab, oldest waiting first."""
    return (_open_work(user=user).filter(_box_filter(user=user, box=box))
            .select_related("customer", "assignee", "team", "order")
            .order_by("queued_at", "created_at"))


def customer_conversations(*, user) -> QuerySet[Conversation]:
    return Conversation.objects.filter(customer=user).order_by("-created_at")


def open_chat_of(*, user) -> Conversation | None:
    """The customer's chat that is still going on, if any."""
    return (Conversation.objects.filter(customer=user, channel=Channel.CHAT)
            .exclude(status__in=CLOSED_STATUSES)
            .order_by("-created_at").first())
