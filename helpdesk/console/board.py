"""The live board for team leads and managers: the queue now, the agents and their load, the
conversations at risk of breaching their SLA, and today's satisfaction.

There is no team-lead role (helpdesk/roles.py has customer, agent and manager), so the board is
open to every member of the support staff (``is_support_staff``) and counts only the
conversations the viewer may see (``visible_conversations``): a manager sees every figure, an
agent the figures of their teams' conversations, their own and the unassigned ones.

Every figure comes from ``board_figures``: six queries whatever the number of agents or
conversations (tests/console/test_board.py pins it; tests/benchmarks/console_board.py times
it). The page draws itself from ``GET board/data/`` and ``static/js/console-board.js``
refetches it on every ``inbox`` frame of /ws/chat/ and every 30 seconds (the waits and the
due times move with the clock).
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from accounts.choices import Role, Topic
from accounts.models import AgentProfile, AgentStatus
from helpdesk.access import is_support_staff, visible_conversations
from helpdesk.models import Channel, Conversation, SatisfactionRating, Status
from helpdesk.selectors import OPEN_STATUSES
from helpdesk.services.queue import ACTIVE_STATUSES, present_agents

# The statuses in which an answer is owed, so the SLA clock runs (it pauses while the
# conversation waits for the customer).
SLA_RUNNING = (Status.WAITING, Status.OPEN)
# The queue: what nobody has taken yet, in every channel: chats waiting in the queue and open
# written requests, emails and calls without an assignee.
IN_QUEUE = Q(status=Status.WAITING) | Q(status=Status.OPEN, assignee__isnull=True)
AT_RISK_LIMIT = 50
AGENTS_LIMIT = 500


def sla_warning() -> timedelta:
    return timedelta(minutes=getattr(settings, "SLA_WARNING_MINUTES", 15))


def support_today(now: datetime) -> tuple[datetime, datetime]:
    """Today in the support team's time zone (SUPPORT_TIME_ZONE), as [start, end)."""
    tz = ZoneInfo(settings.SUPPORT_TIME_ZONE)
    day = timezone.localtime(now, tz).date()
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def board_conversations(visible: QuerySet[Conversation] | None, among: Q
                        ) -> QuerySet[Conversation]:
    """The conversations matching ``among`` among ``visible`` (the viewer's
    ``visible_conversations``; None for a manager, who sees all), as a plain queryset without
    DISTINCT so it can be grouped and counted. ``among`` narrows the visibility subquery
    itself (open work, today's), so it never walks the whole history."""
    if visible is None:
        return Conversation.objects.filter(among)
    return Conversation.objects.filter(pk__in=visible.filter(among).values("pk"))


def agent_presence(profiles: QuerySet[AgentProfile], *, now: datetime) -> QuerySet[AgentProfile]:
    """Annotate ``presence``: "online" when the agent may take chats now (``present_agents``:
    status online and a console seen lately), "offline" when they chose offline, else "away"
    (they chose away, or said online but their console is gone). The board's one definition
    of presence, built on the queue's, so the two always agree."""
    present = present_agents(now=now).filter(pk=OuterRef("pk"))
    return profiles.annotate(presence=Case(
        When(Exists(present), then=Value(AgentStatus.ONLINE.value)),
        When(status=AgentStatus.OFFLINE, then=Value(AgentStatus.OFFLINE.value)),
        default=Value(AgentStatus.AWAY.value), output_field=CharField(),
    ))


@dataclass
class BoardFigures:
    now: datetime
    queue: list[dict]
    agents: list[AgentProfile]
    at_risk: list[Conversation]
    counts: dict
    ratings: dict


def board_figures(*, user, now: datetime | None = None) -> BoardFigures:
    """Every figure of the board as ``user`` may see it: six queries, after those that read
    the user's roles."""
    now = now or timezone.now()
    manager = user.is_manager
    soon = now + sla_warning()
    start, end = support_today(now)
    visible = None if manager else visible_conversations(user=user)
    conversations = board_conversations(visible, Q(status__in=OPEN_STATUSES))

    queue = list(
        conversations.filter(IN_QUEUE).order_by()
        .values("channel", "topic")
        .annotate(waiting=Count("pk"), oldest=Min(Coalesce("queued_at", "created_at")))
        .order_by("channel", "topic")
    )
    profiles = AgentProfile.objects.filter(
        user__is_active=True, user__is_staff=True, user__groups__name=Role.AGENT)
    agents = list(agent_presence(profiles, now=now).select_related("user")
                  .order_by("user__full_name", "pk")[:AGENTS_LIMIT])
    loads = {row["assignee"]: row for row in (
        conversations.filter(status__in=ACTIVE_STATUSES, assignee__isnull=False).order_by()
        .values("assignee")
        .annotate(open=Count("pk"), chats=Count("pk", filter=Q(channel=Channel.CHAT))))}
    for profile in agents:
        load = loads.get(profile.user_id, {})
        profile.open_count, profile.chat_count = load.get("open", 0), load.get("chats", 0)
    running = conversations.filter(status__in=SLA_RUNNING, response_due_at__lte=soon)
    at_risk = list(running.select_related("customer", "assignee")
                   .order_by("response_due_at", "pk")[:AT_RISK_LIMIT])
    today = Q(resolved_at__gte=start, resolved_at__lt=end)
    counts = board_conversations(
        visible, Q(status__in=SLA_RUNNING, response_due_at__lte=soon) | today,
    ).aggregate(
        at_risk=Count("pk", filter=Q(status__in=SLA_RUNNING, response_due_at__lte=soon)),
        breached=Count("pk", filter=Q(status__in=SLA_RUNNING, response_due_at__lte=now)),
        resolved_today=Count("pk", filter=today),
    )
    ratings = SatisfactionRating.objects.filter(created_at__gte=start, created_at__lt=end)
    if visible is not None:
        rated_today = Q(rating__created_at__gte=start, rating__created_at__lt=end)
        ratings = ratings.filter(conversation__in=board_conversations(visible, rated_today))
    rated = ratings.aggregate(count=Count("pk"), average=Avg("score"),
                              good=Count("pk", filter=Q(score__gte=4)))
    return BoardFigures(now=now, queue=queue, agents=agents, at_risk=at_risk, counts=counts,
                        ratings=rated)


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def board_payload(figures: BoardFigures) -> dict:
    """The board as ``console-board.js`` draws it (every string already translated)."""
    now = figures.now
    channels, topics = dict(Channel.choices), dict(Topic.choices)
    waiting = sum(row["waiting"] for row in figures.queue)
    oldest = min((row["oldest"] for row in figures.queue), default=None)
    presence_names = dict(AgentStatus.choices)
    agents = [{
        "name": p.user.get_full_name(),
        "presence": p.presence, "presence_display": str(presence_names[p.presence]),
        "open": p.open_count, "chats": p.chat_count, "max_chats": p.max_concurrent_chats,
    } for p in figures.agents]
    at_risk = [{
        "reference": c.reference,
        "url": reverse("helpdesk_console:conversation", args=[c.reference]),
        "customer": c.customer.get_full_name(),
        "assignee": c.assignee.get_short_name() if c.assignee else "",
        "due": _when(c.response_due_at),
        "breached": c.response_due_at <= now,
        "state": (_("Breached %(time)s ago") % {"time": timesince(c.response_due_at, now)}
                  if c.response_due_at <= now
                  else _("Due in %(time)s") % {"time": timeuntil(c.response_due_at, now)}),
    } for c in figures.at_risk]
    rated = figures.ratings
    average = rated["average"]
    return {
        "queue": {
            "waiting": waiting,
            "oldest_wait": timesince(oldest, now) if oldest else "",
            "rows": [{"channel": str(channels.get(r["channel"], r["channel"])),
                      "topic": str(topics.get(r["topic"], r["topic"])),
                      "waiting": r["waiting"], "oldest_wait": timesince(r["oldest"], now)}
                     for r in figures.queue],
        },
        "agents": {
            "online": sum(a["presence"] == AgentStatus.ONLINE for a in agents),
            "away": sum(a["presence"] == AgentStatus.AWAY for a in agents),
            "offline": sum(a["presence"] == AgentStatus.OFFLINE for a in agents),
            "rows": agents,
        },
        "sla": {"at_risk": figures.counts["at_risk"], "breached": figures.counts["breached"],
                "rows": at_risk},
        "today": {
            "ratings": rated["count"],
            "average": f"{average:.2f}" if average is not None else "",
            "good_share": round(100 * rated["good"] / rated["count"]) if rated["count"] else None,
            "resolved": figures.counts["resolved_today"],
        },
        "updated": _when(now),
    }


def _require_staff(request):
    if not is_support_staff(request.user):
        raise PermissionDenied


def board(request):
    _require_staff(request)
    return render(request, "admin/console/board.html", {
        **admin.site.each_context(request), "title": _("Live board"),
        "warning_minutes": getattr(settings, "SLA_WARNING_MINUTES", 15),
    })


def board_data(request):
    """GET -> every figure of the board as JSON (``board_payload``)."""
    _require_staff(request)
    return JsonResponse(board_payload(board_figures(user=request.user)))
