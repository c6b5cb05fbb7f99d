"""The chat queue: who waits in which order, and how long a customer may expect to wait.

Order and "who can take it": ``services.routing`` (priority, tier, oldest wait). A customer's
position counts only the chats ahead that an agent who can take theirs could also take (a
Russian payment chat does not wait behind English order chats its agents cannot answer).
The estimate uses only the present agents who can take the chat, their free capacity, and the
recent handling time of chats; with none of them there is no estimate (``no_agent``).
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.utils import timezone

from helpdesk.models import Channel, Conversation, Status
from helpdesk.services.availability import support_availability
from helpdesk.services.routing import (
    ACTIVE_STATUSES,
    Work,
    agent_can_take,
    ahead_of,
    present_agent_list,
    present_agents,
    waiting_chats,
)

__all__ = ["ACTIVE_STATUSES", "present_agents", "waiting_chats"]

# Chats ahead looked at one by one for a position; beyond, the position says "more than".
MAX_AHEAD_CHECKED = 1000


def chat_open_now(*, availability=None, topic: str | None = None,
                  language: str | None = None) -> bool:
    """Whether a new conversation can be a live chat now, else it is a written request.

    It needs a present agent (``routing``) and, when the topic and language are known, one who
    can take them: otherwise the chat would wait for nobody.
    """
    availability = availability or support_availability()
    if availability.preferred_channel != Channel.CHAT:
        return False
    if topic is None or language is None:
        return True
    work = Work(topic=topic, language=language)
    return any(agent_can_take(a, work) for a in present_agent_list())


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
    agents_online: int          # present agents who can take this chat
    free_slots: int
    estimated_wait: int | None  # seconds; None when no present agent can take it

    @property
    def no_agent(self) -> bool:
        return self.agents_online == 0

    def as_dict(self) -> dict:
        return {"position": self.position, "ahead": self.ahead,
                "agents_online": self.agents_online, "estimated_wait": self.estimated_wait,
                "no_agent": self.no_agent}


def queue_info(*, conversation: Conversation, now=None) -> QueueInfo | None:
    """The conversation's place in the queue and the expected wait, or None if not waiting."""
    if conversation.status != Status.WAITING or conversation.channel != Channel.CHAT:
        return None
    now = now or timezone.now()
    queue = waiting_chats()
    me = queue.filter(pk=conversation.pk).values(  # type: ignore[misc]  # annotated
        "priority", "tier_rank", "waiting_since", "topic", "language", "team_id").first()
    if me is None:
        return None
    able = [a for a in present_agent_list(now=now)
            if agent_can_take(a, Work(me["topic"], me["language"], me["team_id"]))]
    before = ahead_of(queue, me, conversation.pk)
    if able:
        rows = before.values_list("topic", "language", "team_id")[:MAX_AHEAD_CHECKED]
        ahead = sum(1 for row in rows
                    if any(agent_can_take(a, Work(*row)) for a in able))
    else:
        ahead = before.count()
    capacity = sum(a.max_concurrent_chats for a in able)
    free = sum(max(0, a.max_concurrent_chats - a.active)  # type: ignore[attr-defined]
               for a in able)  # active: annotated by present_agents
    if not able or capacity == 0:
        wait = None
    elif ahead < free:
        wait = 0
    else:
        # Slots free up at about capacity / handling-time; we need (ahead - free + 1) of them.
        wait = math.ceil((ahead - free + 1) * handling_seconds(now=now) / capacity)
    return QueueInfo(position=ahead + 1, ahead=ahead, agents_online=len(able) if capacity else 0,
                     free_slots=free, estimated_wait=wait)
