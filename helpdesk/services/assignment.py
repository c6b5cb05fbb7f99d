"""Who answers which conversation: automatic assignment, claiming, requeueing, presence.

Transfers are ``conversations.conversation_transfer``; an agent's status is
``staff.agent_set_status``. Nothing here schedules the assignment task (``services.tasks``
runs these): the services that change who may take a conversation do.

Automatic assignment gives waiting chats, then unassigned open written requests and emails, to
present agents who can take them and have room (``services.routing``: the one definition of
present, of "can take", of room for each kind of work, and of the serving order: priority,
tier, oldest wait). Among suitable agents the least loaded wins. A run locks the agents'
profiles, so two concurrent runs (the beat and an event) can never push an agent above a limit.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AgentProfile, AgentStatus
from helpdesk import realtime
from helpdesk.access import is_support_staff, visible_in_memory
from helpdesk.models import CLOSED_STATUSES, AgentPresence, Channel, Conversation, Status, Team
from helpdesk.services import routing
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


PRESENT_AGENTS_KEY = "routing:present-agents"


def present_agents_changed(*, now=None) -> bool:
    """Whether the set of present agents changed since the last call (the beat's, every 15 s):
    a console closed past the grace or came back. Kept out of the heartbeat, which stays one
    statement; the waiting customers' estimates follow within a beat."""
    ids = sorted(routing.present_agent_profiles(now=now).values_list("user_id", flat=True))
    before = cache.get(PRESENT_AGENTS_KEY)
    cache.set(PRESENT_AGENTS_KEY, ids, timeout=None)
    return before != ids


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
                assignee=agent, channel=Channel.CHAT, status__in=routing.ACTIVE_STATUSES).count()
            if limit is not None and active >= limit:
                raise ValidationError(
                    _("You are at your limit of chats (%(count)d): finish one first.")
                    % {"count": active}, code="capacity")
        _assign(conv, agent, timezone.now())
    conversation.status, conversation.assignee = conv.status, conv.assignee
    return conv


def assignment_run(*, now=None) -> list[tuple[int, int]]:
    """Assign as many waiting chats, then written requests and emails, as the present agents
    can take; return (conversation, agent) ids."""
    now = now or timezone.now()
    done: list[tuple[int, int]] = []
    with transaction.atomic():
        if not routing.present_agent_profiles(now=now).exists():
            return done
        # Lock the profiles so a concurrent run waits for our commit and then sees our counts.
        list(AgentProfile.objects.select_for_update()
             .filter(pk__in=routing.present_agent_profiles(now=now).values("pk"))
             .order_by("pk").values_list("pk", flat=True))
        agents = routing.present_agent_list(now=now)
        last_assigned = {a.user_id: a.status_changed_at for a in agents}
        # Chats first: they are live, the customer is watching.
        for waiting, still_waiting in (
                (routing.waiting_chats(), Q(status=Status.WAITING)),
                (routing.waiting_written(), Q(status=Status.OPEN, assignee__isnull=True))):
            for conv in waiting[:500]:
                with_room = [a for a in agents if routing.has_room(a, conv.channel)]
                if not with_room:
                    break  # every channel in one list has the same kind of room
                candidates = [a for a in with_room if routing.agent_can_take(a, conv)]
                if not candidates:
                    continue
                best = min(candidates, key=lambda a: (
                    routing.load(a, conv.channel) / routing.capacity(a, conv.channel),
                    last_assigned[a.user_id], a.pk))
                locked = (Conversation.objects.select_for_update().filter(still_waiting)
                          .filter(pk=conv.pk).first())
                if locked is None:
                    continue
                _assign(locked, best.user, now)
                if conv.channel in routing.WRITTEN_CHANNELS:
                    best.written += 1  # type: ignore[attr-defined]  # present_agents()
                else:
                    best.active += 1  # type: ignore[attr-defined]
                last_assigned[best.user_id] = now
                done.append((conv.pk, best.user_id))
    if done:
        logger.info("assigned %d conversations", len(done))
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
        Conversation.objects.filter(channel=Channel.CHAT, status__in=routing.ACTIVE_STATUSES,
                                    assignee__isnull=False)
        .exclude(assignee__presence__last_seen_at__gte=gone_before,
                 assignee__agent_profile__status__in=[AgentStatus.ONLINE, AgentStatus.AWAY])
    )
    ids = []
    for conv in stale:
        conversation_requeue(conversation=conv)
        ids.append(conv.pk)
    return ids
