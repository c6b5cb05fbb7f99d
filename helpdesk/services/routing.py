"""Who can take what: the one definition of a present agent, of "agent X can take
conversation C", of an agent's room for more work, and of the order waiting work is served in.

Assignment (``services.assignment``), the queue's position and estimate (``services.queue``),
the contact page and the pre-chat form (``services.availability``) all ask here, so they agree.

- **Present**: status online, an active staff member with the agent role, whose console was
  seen within AGENT_AWAY_GRACE_SECONDS. Past the grace an agent counts as away everywhere; it is
  derived when read (nothing to undo when the console comes back: its next heartbeat makes them
  present again), so no beat has to run for the contact page and the chat to agree.
- **Can take**: speaks the conversation's language, handles its topic (empty skills: all) and,
  when the conversation belongs to a team, is in that team.
- **Room**: chats are live work, counted against ``max_concurrent_chats``; written requests and
  emails are a backlog, counted separately against ``max_open_requests``, so a pile of emails
  never blocks a live chat and a busy chat hour never stops the emails being shared out.
- **Order**: priority (urgent first), then membership tier (premium first), then the oldest
  wait (a chat's ``queued_at``, else when it was opened), then the id.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.choices import Role, Topic
from accounts.models import AgentProfile, AgentStatus, MembershipTier
from helpdesk.models import Channel, Conversation, Status, Team

ACTIVE_STATUSES = (Status.OPEN, Status.PENDING)
# Conversations answered in writing: assigned like chats, counted against their own maximum.
WRITTEN_CHANNELS = (Channel.WEB, Channel.EMAIL)


@dataclass(frozen=True)
class Work:
    """What an agent must be able to take: a conversation, or one about to be opened."""

    topic: str
    language: str
    team_id: int | None = None


def present_since(now=None):
    """Consoles seen at or after this count as present."""
    return (now or timezone.now()) - timedelta(seconds=settings.AGENT_AWAY_GRACE_SECONDS)


def present_agent_profiles(*, now=None) -> QuerySet[AgentProfile]:
    """The present agents' profiles (the one definition of present)."""
    return AgentProfile.objects.filter(
        status=AgentStatus.ONLINE, user__is_active=True, user__is_staff=True,
        user__groups__name=Role.AGENT, user__presence__last_seen_at__gte=present_since(now),
    )


def present_agents(*, now=None) -> QuerySet[AgentProfile]:
    """Profiles of the present agents, annotated with ``active`` (their open chats) and
    ``written`` (their open written requests and emails)."""
    mine = "user__assigned_conversations"
    return (
        present_agent_profiles(now=now)
        .annotate(
            active=Count(mine, distinct=True, filter=Q(
                **{f"{mine}__status__in": ACTIVE_STATUSES, f"{mine}__channel": Channel.CHAT})),
            written=Count(mine, distinct=True, filter=Q(
                **{f"{mine}__status__in": ACTIVE_STATUSES,
                   f"{mine}__channel__in": WRITTEN_CHANNELS})),
        )
        .select_related("user")
        .order_by("pk")
    )


def present_agent_list(*, now=None) -> list[AgentProfile]:
    """``present_agents`` with each profile's ``team_ids`` loaded (two queries)."""
    agents = list(present_agents(now=now))
    teams: dict[int, set[int]] = {a.user_id: set() for a in agents}
    for user_id, team_id in Team.members.through.objects.filter(
            user_id__in=list(teams)).values_list("user_id", "team_id"):
        teams[user_id].add(team_id)
    for agent in agents:
        agent.team_ids = teams[agent.user_id]  # type: ignore[attr-defined]
    return agents


def agent_can_take(agent: AgentProfile, work) -> bool:
    """The one rule for "this agent can take this conversation" (capacity aside: ``has_room``).

    ``work`` has ``topic``, ``language`` and ``team_id`` (a Conversation or a ``Work``);
    ``agent`` comes from ``present_agent_list`` (its ``team_ids``), else its teams are read.
    """
    if not (agent.speaks(work.language) and agent.handles(work.topic)):
        return False
    if work.team_id is None:
        return True
    team_ids = getattr(agent, "team_ids", None)
    if team_ids is None:
        team_ids = set(Team.objects.filter(members=agent.user_id).values_list("pk", flat=True))
    return work.team_id in team_ids


def capacity(agent: AgentProfile, channel: str) -> int:
    return agent.max_open_requests if channel in WRITTEN_CHANNELS else agent.max_concurrent_chats


def load(agent: AgentProfile, channel: str) -> int:
    """Open work of that kind; ``agent`` comes from ``present_agents`` (annotated)."""
    return agent.written if channel in WRITTEN_CHANNELS else agent.active  # type: ignore[attr-defined]


def has_room(agent: AgentProfile, channel: str) -> bool:
    return load(agent, channel) < capacity(agent, channel)


def topics_without_agent(*, language: str, agents=None) -> list[str]:
    """The topics no present agent can take in ``language`` now (for the contact page and the
    pre-chat form: chat is offered for the others only)."""
    agents = present_agent_list() if agents is None else agents
    return [t for t in Topic.values
            if not any(agent_can_take(a, Work(topic=t, language=language)) for a in agents)]


def in_serving_order(conversations: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """``conversations`` annotated with ``tier_rank`` and ``waiting_since``, in serving order."""
    return (
        conversations.annotate(
            tier_rank=Case(*[When(customer__customer_profile__tier=tier, then=Value(rank))
                             for rank, tier in enumerate(MembershipTier.values)],
                           default=Value(0), output_field=IntegerField()),
            waiting_since=Coalesce("queued_at", "created_at"),
        )
        .order_by(F("priority").desc(), F("tier_rank").desc(), "waiting_since", "pk")
    )


def ahead_of(queue: QuerySet[Conversation], me: dict, pk: int) -> QuerySet[Conversation]:
    """The rows of ``queue`` (from ``in_serving_order``) served before ``me`` (its
    ``priority``, ``tier_rank`` and ``waiting_since``)."""
    p, t, since = me["priority"], me["tier_rank"], me["waiting_since"]
    return queue.filter(
        Q(priority__gt=p)
        | Q(priority=p, tier_rank__gt=t)
        | Q(priority=p, tier_rank=t, waiting_since__lt=since)
        | Q(priority=p, tier_rank=t, waiting_since=since, pk__lt=pk)
    )


def waiting_chats() -> QuerySet[Conversation]:
    """Chats waiting for an agent, in serving order."""
    return in_serving_order(Conversation.objects.filter(status=Status.WAITING,
                                                        channel=Channel.CHAT))


def waiting_written() -> QuerySet[Conversation]:
    """Open written requests and emails nobody has yet, in serving order."""
    return in_serving_order(Conversation.objects.filter(
        status=Status.OPEN, channel__in=WRITTEN_CHANNELS, assignee__isnull=True))
