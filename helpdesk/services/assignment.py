"""Who answers which chat: automatic assignment, claiming, requeueing, agents' presence.

Transfers are ``conversations.conversation_transfer``; an agent's status is
``staff.agent_set_status``. Nothing here schedules the assignment task (``services.tasks``
runs these): the services that change who may take a chat do.

Automatic assignment gives a waiting chat only to a present agent (status online and a console
seen within CHAT_PRESENCE_TIMEOUT_SECONDS) below their ``max_concurrent_chats``, who speaks the
chat's language, handles its topic and, when the chat belongs to a team, is in that team.
Premium members and older waits are served first (``queue.waiting_chats``); among suitable
agents the least loaded wins. A run locks the agents' profiles, so two concurrent runs (the
beat and an event) can never push an agent above their limit.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AgentProfile, AgentStatus
from helpdesk import realtime
from helpdesk.access import is_support_staff, visible_in_memory
from helpdesk.models import CLOSED_STATUSES, AgentPresence, Channel, Conversation, Status, Team
from helpdesk.services import queue
from helpdesk.services.messages import event_post

logger = logging.getLogger(__name__)


def presence_touch(*, agent_ids, now=None) -> None:
    """Record that these agents' consoles are connected now: the one place presence is
    written (a console's socket, the chat's batched heartbeat, an agent going online).

    One statement when every agent already has a row (the usual case); only otherwise are
    the rows read, and one created for each agent without (concurrent first writes meet in
    ``update_or_create``)."""
    agent_ids = set(agent_ids)
    if not agent_ids:
        return
    now = now or timezone.now()
    if AgentPresence.objects.filter(user_id__in=agent_ids).update(last_seen_at=now) == len(
            agent_ids):
        return
    present = set(AgentPresence.objects.filter(user_id__in=agent_ids)
                  .values_list("user_id", flat=True))
    for agent_id in agent_ids - present:
        AgentPresence.objects.update_or_create(user_id=agent_id, defaults={"last_seen_at": now})


def agent_seen(*, agent_id: int, now=None) -> None:
    """Record that the agent's console is connected now (``presence_touch``)."""
    presence_touch(agent_ids=(agent_id,), now=now)


def _assign(conv: Conversation, agent, now) -> None:
    """Caller holds the lock on ``conv``."""
    conv.status = Status.OPEN
    conv.assignee = agent
    conv.assigned_at = now
    fields = ["status", "assignee", "assigned_at", "updated_at"]
    if conv.team_id is None:
        team = _team_for(agent, conv.topic)
        if team is not None:
            conv.team = team
            fields.append("team")
    conv.save(update_fields=fields)
    event_post(conversation=conv, event="assigned", name=agent.get_short_name())
    realtime.conversation_event(conv.pk, "state")
    realtime.inbox_changed()
    realtime.queue_changed()


def _team_for(agent, topic: str) -> Team | None:
    teams = list(Team.objects.filter(members=agent).order_by("name"))
    for team in teams:
        if not team.topics or topic in team.topics:
            return team
    return None


def conversation_assign(*, conversation: Conversation, agent) -> Conversation:
    """Give a waiting chat to ``agent`` (an agent claiming it, or a manager's choice)."""
    if not is_support_staff(agent):
        raise ValidationError(_("Only an active agent can take a conversation."), code="invalid")
    with transaction.atomic():
        conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conv.status in CLOSED_STATUSES:
            raise ValidationError(_("This conversation is closed."), code="closed")
        if conv.assignee_id == agent.pk and conv.status != Status.WAITING:
            return conv
        _assign(conv, agent, timezone.now())
    conversation.status, conversation.assignee = conv.status, conv.assignee
    return conv


def conversation_take(*, conversation: Conversation, agent) -> Conversation:
    """The agent takes a waiting conversation for themselves ("Take" in the console).

    Under the row lock: it must still be waiting (someone who took it first keeps it: a clear
    error names them, nobody is assigned twice), visible to the agent (``visible_in_memory``:
    a transfer may have moved it meanwhile), and a chat only while the agent is below their
    ``max_concurrent_chats``. Then ``_assign``, as automatic assignment does."""
    if not is_support_staff(agent):
        raise ValidationError(_("Only an active agent can take a conversation."), code="invalid")
    with transaction.atomic():
        conv = (Conversation.objects.select_for_update(of=("self",))
                .select_related("assignee").get(pk=conversation.pk))
        if conv.status != Status.WAITING:
            if conv.assignee_id == agent.pk:
                return conv
            if conv.assignee is not None:
                raise ValidationError(
                    _("%(name)s already took this conversation.")
                    % {"name": conv.assignee.get_short_name()}, code="taken")
            raise ValidationError(_("This conversation is no longer waiting."), code="taken")
        team_ids = set(agent.teams.values_list("pk", flat=True))
        if not visible_in_memory(user=agent, customer_id=conv.customer_id,
                                 assignee_id=conv.assignee_id, team_id=conv.team_id,
                                 team_ids=team_ids):
            raise ValidationError(_("This conversation is not yours to take."), code="forbidden")
        if conv.channel == Channel.CHAT:
            limit = (AgentProfile.objects.filter(user=agent)
                     .values_list("max_concurrent_chats", flat=True).first())
            active = Conversation.objects.filter(
                assignee=agent, channel=Channel.CHAT, status__in=queue.ACTIVE_STATUSES).count()
            if limit is not None and active >= limit:
                raise ValidationError(
                    _("You are at your limit of chats (%(count)d): finish one first.")
                    % {"count": active}, code="capacity")
        _assign(conv, agent, timezone.now())
    conversation.status, conversation.assignee = conv.status, conv.assignee
    return conv


def assignment_run(*, now=None) -> list[tuple[int, int]]:
    """Assign as many waiting chats as the present agents can take; return (chat, agent) ids."""
    now = now or timezone.now()
    done: list[tuple[int, int]] = []
    with transaction.atomic():
        agents = list(queue.present_agents(now=now))
        if not agents:
            return done
        # Lock the profiles so a concurrent run waits for our commit and then sees our counts.
        list(AgentProfile.objects.select_for_update().filter(pk__in=[a.pk for a in agents])
             .order_by("pk").values_list("pk", flat=True))
        agents = list(queue.present_agents(now=now))
        load = {a.user_id: a.active for a in agents}  # type: ignore[attr-defined]  # present_agents()
        teams = {a.user_id: set(a.user.teams.values_list("pk", flat=True)) for a in agents}
        last_assigned = {a.user_id: a.status_changed_at for a in agents}
        for conv in queue.waiting_chats().select_related("customer")[:500]:
            candidates = [
                a for a in agents
                if load[a.user_id] < a.max_concurrent_chats
                and a.speaks(conv.language) and a.handles(conv.topic)
                and (conv.team_id is None or conv.team_id in teams[a.user_id])
            ]
            if not candidates:
                if all(load[a.user_id] >= a.max_concurrent_chats for a in agents):
                    break
                continue
            best = min(candidates, key=lambda a: (load[a.user_id] / a.max_concurrent_chats,
                                                  last_assigned[a.user_id], a.pk))
            locked = Conversation.objects.select_for_update().get(pk=conv.pk)
            if locked.status != Status.WAITING:
                continue
            _assign(locked, best.user, now)
            load[best.user_id] += 1
            last_assigned[best.user_id] = now
            done.append((conv.pk, best.user_id))
    if done:
        logger.info("assigned %d chats", len(done))
    return done


def conversation_requeue(*, conversation: Conversation) -> Conversation:
    """Put an assigned chat back in the queue, keeping its original place (``queued_at``)."""
    with transaction.atomic():
        conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conv.status in CLOSED_STATUSES or conv.status == Status.WAITING:
            return conv
        conv.status = Status.WAITING
        conv.assignee = None
        conv.assigned_at = None
        if conv.queued_at is None:
            conv.queued_at = timezone.now()
        conv.save(update_fields=["status", "assignee", "assigned_at", "queued_at", "updated_at"])
        event_post(conversation=conv, event="requeued")
        realtime.conversation_event(conv.pk, "state")
        realtime.inbox_changed()
        realtime.queue_changed()
    return conv


def assignment_requeue_stale(*, now=None) -> list[int]:
    """Requeue open chats whose agent is offline or whose console has been gone longer than
    CHAT_DISCONNECT_GRACE_SECONDS; return their ids."""
    now = now or timezone.now()
    gone_before = now - timedelta(seconds=settings.CHAT_DISCONNECT_GRACE_SECONDS)
    stale = (
        Conversation.objects.filter(channel=Channel.CHAT, status__in=queue.ACTIVE_STATUSES,
                                    assignee__isnull=False)
        .exclude(assignee__presence__last_seen_at__gte=gone_before,
                 assignee__agent_profile__status__in=[AgentStatus.ONLINE, AgentStatus.AWAY])
    )
    ids = []
    for conv in stale:
        conversation_requeue(conversation=conv)
        ids.append(conv.pk)
    return ids
