"""Reads of the conversation core, with their joins."""

from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Language, Topic
from accounts.models import MembershipTier
from helpdesk.access import visible_conversations, visible_messages_q
from helpdesk.models import CLOSED_STATUSES, Channel, Conversation, Message, Priority, Status, Team


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
SLA_STATES = ("breached", "at_risk", "on_track", "none")
SORTS = ("wait", "due", "newest")


@dataclass(frozen=True)
class InboxQuery:
    """The inbox's filters and sort, already validated (``inbox_query_parse``); an empty
    field filters nothing. ``tag`` is a tag's name."""

    channel: str = ""
    status: str = ""
    topic: str = ""
    priority: str = ""
    tier: str = ""
    tag: str = ""
    sla: str = ""
    language: str = ""
    sort: str = "wait"

    def as_params(self) -> dict[str, str]:
        """The non-default fields, as the console's query string and a saved view store them."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if getattr(self, f.name) != f.default}


QUERY_FIELDS = tuple(f.name for f in fields(InboxQuery))


def _choices() -> dict[str, tuple[str, ...]]:
    return {
        "channel": tuple(Channel.values), "status": tuple(str(s) for s in OPEN_STATUSES),
        "topic": tuple(Topic.values), "priority": tuple(str(p) for p in Priority.values),
        "tier": tuple(MembershipTier.values), "sla": SLA_STATES,
        "language": tuple(Language.values), "sort": SORTS,
    }


def inbox_query_parse(params, *, tag_names) -> tuple[InboxQuery, dict[str, str]]:
    """Read the inbox's filters from ``params`` (a QueryDict or a dict). A value that is not
    one of its choices (``tag_names`` for the tag) is dropped and reported in the errors
    (field -> message), so a bad link shows the inbox unfiltered by it, never an error page."""
    choices = {**_choices(), "tag": tuple(tag_names)}
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name in QUERY_FIELDS:
        raw = params.get(name, "")
        value = raw.strip() if isinstance(raw, str) else str(raw)
        if not value:
            continue
        if value in choices[name]:
            values[name] = value
        else:
            errors[name] = _("Unknown value “%(value)s”: this filter was not applied.") % {
                "value": value[:40]}
    return InboxQuery(**values), errors


def sla_warning() -> timedelta:
    """How long before its due time a conversation is "at risk" (SLA_WARNING_MINUTES)."""
    return timedelta(minutes=getattr(settings, "SLA_WARNING_MINUTES", 15))


def sla_state(due: datetime | None, *, now: datetime) -> str:
    """One conversation's SLA state, the in-memory twin of ``_query_filter``'s."""
    if due is None:
        return "none"
    if due < now:
        return "breached"
    return "at_risk" if due < now + sla_warning() else "on_track"


def _query_filter(query: InboxQuery, *, now: datetime) -> Q:
    q = Q()
    for name in ("channel", "status", "topic", "language"):
        if getattr(query, name):
            q &= Q(**{name: getattr(query, name)})
    if query.priority:
        q &= Q(priority=int(query.priority))
    if query.tier == MembershipTier.STANDARD:
        q &= (Q(customer__customer_profile__tier=MembershipTier.STANDARD)
              | Q(customer__customer_profile__isnull=True))
    elif query.tier:
        q &= Q(customer__customer_profile__tier=query.tier)
    if query.tag:
        # A subquery, not a join: a join would not repeat rows here (one tag), but keeps the
        # counts' aggregate over plain conversation rows.
        q &= Q(pk__in=Conversation.tags.through.objects.filter(tag__name=query.tag)
               .values("conversation_id"))
    warn = now + sla_warning()
    if query.sla == "breached":
        q &= Q(response_due_at__lt=now)
    elif query.sla == "at_risk":
        q &= Q(response_due_at__gte=now, response_due_at__lt=warn)
    elif query.sla == "on_track":
        q &= Q(response_due_at__gte=warn)
    elif query.sla == "none":
        q &= Q(response_due_at__isnull=True)
    return q


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


def _open_work(*, user, query: InboxQuery | None = None, now: datetime | None = None,
               waiting: bool = False) -> QuerySet[Conversation]:
    """The open conversations ``user`` may see that match ``query``, one row each; only the
    waiting ones with ``waiting`` (one condition on the status, not ``status IN (...) AND
    status = 'waiting'``, which PostgreSQL estimates at a tenth of the rows and then sorts
    instead of reading the wait index in order)."""
    qs = visible_conversations(user=user).filter(
        Q(status=Status.WAITING) if waiting else Q(status__in=OPEN_STATUSES))
    if query is not None:
        qs = qs.filter(_query_filter(query, now=now or timezone.now()))
    return qs


def _counts(work: QuerySet[Conversation], *, user) -> dict[str, int]:
    counts = work.aggregate(**{
        box: Count("pk", filter=_box_filter(user=user, box=box)) if box != "all"
        else Count("pk")
        for box in BOX_NAMES
    })
    return {box: counts[box] or 0 for box in BOX_NAMES}


def inbox_counts(*, user, query: InboxQuery | None = None,
                 now: datetime | None = None) -> dict[str, int]:
    """Live counts for the agent console: how many rows each tab of ``inbox`` has under the
    same ``query`` (one statement)."""
    return _counts(_open_work(user=user, query=query, now=now), user=user)


def _ordering(sort: str) -> list:
    if sort == "due":
        return [F("response_due_at").asc(nulls_last=True), "pk"]
    if sort == "newest":
        return ["-created_at", "-pk"]
    return [Coalesce("queued_at", "created_at").asc(), "pk"]


def _rows(work: QuerySet[Conversation], *, user, box: str,
          query: InboxQuery) -> QuerySet[Conversation]:
    return (work.filter(_box_filter(user=user, box=box))
            .select_related("customer", "customer__customer_profile", "assignee", "team")
            .prefetch_related("tags")
            .order_by(*_ordering(query.sort)))


def inbox(*, user, box: str, query: InboxQuery | None = None,
          now: datetime | None = None) -> QuerySet[Conversation]:
    """The conversations of one inbox tab matching ``query``, in its sort (default: the
    longest wait first, by ``queued_at`` or else ``created_at``), with the row's joins and
    tags."""
    query = query or InboxQuery()
    if box == "waiting":
        return _rows(_open_work(user=user, query=query, now=now, waiting=True), user=user,
                     box="all", query=query)
    return _rows(_open_work(user=user, query=query, now=now), user=user, box=box, query=query)


def inbox_page(*, user, box: str, query: InboxQuery, now: datetime, page: int,
               page_size: int) -> tuple[dict[str, int], int, list[Conversation]]:
    """One page of ``inbox`` with ``inbox_counts`` under the same query, read from one base
    queryset: (counts, the page actually shown, its rows). A page past the end shows the
    last one."""
    work = _open_work(user=user, query=query, now=now)
    counts = _counts(work, user=user)
    page = max(1, min(page, -(-counts[box] // page_size)))
    start = (page - 1) * page_size
    if box == "waiting":
        rows = _rows(_open_work(user=user, query=query, now=now, waiting=True), user=user,
                     box="all", query=query)
    else:
        rows = _rows(work, user=user, box=box, query=query)
    return counts, page, list(rows[start:start + page_size])


def customer_conversations(*, user) -> QuerySet[Conversation]:
    return Conversation.objects.filter(customer=user).order_by("-created_at")


def open_chat_of(*, user) -> Conversation | None:
    """The customer's chat that is still going on, if any."""
    return (Conversation.objects.filter(customer=user, channel=Channel.CHAT)
            .exclude(status__in=CLOSED_STATUSES)
            .order_by("-created_at").first())
