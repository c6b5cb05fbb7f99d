"""Reads of the conversation core, with their joins."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from helpdesk.access import visible_conversations, visible_messages_q
from helpdesk.models import CLOSED_STATUSES, Channel, Conversation, Message, Status, Team


def messages_visible_to(*, conversation: Conversation, as_agent: bool,
                        after_seq: int = 0, upto_seq: int | None = None) -> QuerySet[Message]:
    """The conversation's messages a participant may see, in order. Customers never get
    internal notes: every path that shows messages to a customer reads through here."""
    qs = Message.objects.filter(conversation=conversation, seq__gt=after_seq)
    if upto_seq is not None:
        qs = qs.filter(seq__lte=upto_seq)
    if not as_agent:
        qs = qs.filter(visible_messages_q(as_agent=False))
    return qs.select_related("author", "conversation").prefetch_related("attachments").order_by(
        "seq")


def latest_visible_seq(*, conversation: Conversation, as_agent: bool) -> int:
    """The highest sequence number the participant can see (customers: notes excluded)."""
    if as_agent:
        return conversation.last_seq
    seq = (Message.objects.filter(visible_messages_q(as_agent=False), conversation=conversation)
           .order_by("-seq").values_list("seq", flat=True).first())
    return seq or 0


def rate_window(*, now: datetime | None = None) -> tuple[datetime, int]:
    """The chat's rate limit, its one definition: (start of the window, the number of messages
    a user may have written since then). ``CHAT_RATE_LIMIT`` messages per
    ``CHAT_RATE_WINDOW_SECONDS``, read when asked (tests change them)."""
    now = now or timezone.now()
    return now - timedelta(seconds=settings.CHAT_RATE_WINDOW_SECONDS), settings.CHAT_RATE_LIMIT


def recent_messages_of(*, author_id: int, since: datetime, limit: int) -> QuerySet:
    """Up to ``limit`` of the user's messages written since ``since`` (an index on author and
    time, ``message_author_recent``): the count the rate limit compares with ``limit``. The chat
    fast path compiles this same queryset into its send statement (decision 0018)."""
    # No ordering (the model's default joins the conversation and sorts): any ``limit`` rows do.
    return (Message.objects.filter(author_id=author_id, created_at__gte=since).order_by()
            .values("pk")[:limit])


def over_rate_limit(*, author_id: int) -> bool:
    """True when ``author_id`` already has the limit's number of messages in the window, from
    any socket or process. Two sends racing at the limit may both pass; the per-socket frame
    budget bounds the rest."""
    since, limit = rate_window()
    return len(recent_messages_of(author_id=author_id, since=since, limit=limit)) >= limit


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
