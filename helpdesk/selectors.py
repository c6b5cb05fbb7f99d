"""Reads of the conversation core, with their joins."""

from django.db.models import Count, Q, QuerySet

from helpdesk.access import visible_conversations
from helpdesk.models import Channel, Conversation, Message, MessageKind, ReadReceipt, Status


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


def read_marks(*, conversation: Conversation) -> dict[str, int]:
    """How far each side has read: {"customer": seq, "agent": seq}."""
    marks = {"customer": 0, "agent": 0}
    for role, seq in ReadReceipt.objects.filter(conversation=conversation).values_list(
            "role", "seq"):
        marks[role] = max(marks.get(role, 0), seq)
    return marks


def inbox_counts(*, user) -> dict[str, int]:
    """Live counts for the agent console: waiting, mine, team, all (open work only)."""
    open_statuses = [Status.WAITING, Status.OPEN, Status.PENDING]
    qs = visible_conversations(user=user).filter(status__in=open_statuses)
    counts = Conversation.objects.filter(pk__in=qs.values("pk")).aggregate(
        waiting=Count("pk", filter=Q(status=Status.WAITING)),
        mine=Count("pk", filter=Q(assignee=user) & ~Q(status=Status.WAITING)),
        team=Count("pk", filter=Q(team__members=user), distinct=True),
        all=Count("pk", distinct=True),
    )
    return {k: v or 0 for k, v in counts.items()}


def inbox(*, user, box: str) -> QuerySet[Conversation]:
    """The conversations of one inbox tab, oldest waiting first."""
    open_statuses = [Status.WAITING, Status.OPEN, Status.PENDING]
    qs = visible_conversations(user=user).filter(status__in=open_statuses)
    if box == "waiting":
        qs = qs.filter(status=Status.WAITING)
    elif box == "mine":
        qs = qs.filter(assignee=user).exclude(status=Status.WAITING)
    elif box == "team":
        qs = qs.filter(team__members=user)
    return (Conversation.objects.filter(pk__in=qs.values("pk"))
            .select_related("customer", "assignee", "team", "order")
            .order_by("queued_at", "created_at"))


def customer_conversations(*, user) -> QuerySet[Conversation]:
    return Conversation.objects.filter(customer=user).order_by("-created_at")


def open_chat_of(*, user) -> Conversation | None:
    """The customer's chat that is still going on, if any."""
    return (Conversation.objects.filter(customer=user, channel=Channel.CHAT)
            .exclude(status__in=[Status.RESOLVED, Status.CLOSED])
            .order_by("-created_at").first())
