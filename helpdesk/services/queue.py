"""The chat queue: who waits in which order, and how long a customer may expect to wait.

Order: premium members first, then the oldest wait (``queued_at``), then the conversation id.
The estimate uses the agents who are really there (status online and a console seen within
CHAT_PRESENCE_TIMEOUT_SECONDS), their free capacity, and the recent handling time of chats.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.choices import Role
from accounts.models import AgentProfile, AgentStatus, MembershipTier
from helpdesk.models import Channel, Conversation, Status
from helpdesk.services.availability import support_availability

ACTIVE_STATUSES = (Status.OPEN, Status.PENDING)


def waiting_chats() -> QuerySet[Conversation]:
    """Waiting chats in serving order, annotated with ``premium`` (1 or 0)."""
    return (
        Conversation.objects.filter(status=Status.WAITING, channel=Channel.CHAT)
        .annotate(premium=Case(
            When(customer__customer_profile__tier=MembershipTier.PREMIUM, then=Value(1)),
            default=Value(0), output_field=IntegerField(),
        ))
        .order_by("-premium", F("queued_at").asc(nulls_last=True), "pk")
    )


def present_agents(*, now=None) -> QuerySet[AgentProfile]:
    """Agent profiles that may take chats now: online, active staff with the agent role,
    whose console was seen recently; annotated with ``active`` (their open chats)."""
    now = now or timezone.now()
    seen_after = now - timedelta(seconds=settings.CHAT_PRESENCE_TIMEOUT_SECONDS)
    return (
        AgentProfile.objects.filter(
            status=AgentStatus.ONLINE, user__is_active=True, user__is_staff=True,
            user__groups__name=Role.AGENT, user__presence__last_seen_at__gte=seen_after,
        )
        .annotate(active=Count(
            "user__assigned_conversations",
            filter=Q(user__assigned_conversations__status__in=ACTIVE_STATUSES,
                     user__assigned_conversations__channel=Channel.CHAT),
            distinct=True,
        ))
        .select_related("user")
        .order_by("pk")
    )


def chat_open_now(*, availability=None) -> bool:
    """Whether a new conversation can be a live chat now, else it is a written request.

    ``support_availability().preferred_channel`` says chat when an agent's status is online
    (around the clock); a chat also needs that agent's console to be connected, or it would
    wait for nobody.
    """
    availability = availability or support_availability()
    return availability.preferred_channel == Channel.CHAT and present_agents().exists()


def handling_seconds(*, now=None) -> float:
    """Mean time from assignment to resolution of the last chats (a default without any)."""
    now = now or timezone.now()
    # Both set: resolved_at by the filter, assigned_at by isnull=False.
    recent = cast("list[tuple[datetime, datetime]]", list(
        Conversation.objects.filter(
            channel=Channel.CHAT, resolved_at__gte=now - timedelta(days=7),
            assigned_at__isnull=False,
        ).order_by("-resolved_at").values_list("assigned_at", "resolved_at")[:50]
    ))
    durations = [(r - a).total_seconds() for a, r in recent if r >= a]
    if not durations:
        return float(settings.CHAT_DEFAULT_HANDLING_SECONDS)
    return max(30.0, sum(durations) / len(durations))


@dataclass(frozen=True)
class QueueInfo:
    position: int              # 1 = next to be served
    ahead: int
    agents_online: int
    free_slots: int
    estimated_wait: int | None  # seconds; None when no agent is online

    def as_dict(self) -> dict:
        return {"position": self.position, "ahead": self.ahead,
                "agents_online": self.agents_online, "estimated_wait": self.estimated_wait}


def queue_info(*, conversation: Conversation, now=None) -> QueueInfo | None:
    """The conversation's place in the queue and the expected wait, or None if not waiting."""
    if conversation.status != Status.WAITING or conversation.channel != Channel.CHAT:
        return None
    now = now or timezone.now()
    queue = waiting_chats()
    me = queue.filter(pk=conversation.pk).values(  # type: ignore[misc]  # premium: annotated
        "premium", "queued_at").first()
    if me is None:
        return None
    queued_at = me["queued_at"] or now
    ahead = queue.filter(
        Q(premium__gt=me["premium"])
        | Q(premium=me["premium"], queued_at__lt=queued_at)
        | Q(premium=me["premium"], queued_at=queued_at, pk__lt=conversation.pk)
    ).count()
    agents = list(present_agents(now=now))
    capacity = sum(a.max_concurrent_chats for a in agents)
    free = sum(max(0, a.max_concurrent_chats - a.active)  # type: ignore[attr-defined]
               for a in agents)  # active: annotated by present_agents
    if not agents or capacity == 0:
        wait = None
    elif ahead < free:
        wait = 0
    else:
        # Slots free up at about capacity / handling-time; we need (ahead - free + 1) of them.
        wait = math.ceil((ahead - free + 1) * handling_seconds(now=now) / capacity)
    return QueueInfo(position=ahead + 1, ahead=ahead, agents_online=len(agents),
                     free_slots=free, estimated_wait=wait)
