"""Every figure of the reports, for one ``ReportFilters``.

Counts, shares, averages and time buckets are SQL aggregates (GROUP BY, with the buckets in the
help desk's time zone). Wall-clock percentiles (chat queue) are ``percentile_cont`` on
PostgreSQL. Durations in business hours are computed in Python over one streamed pass of the
conversations (see ``business_hours``), and their percentiles by the ``percentile_cont``
definition, on every backend.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractHour, TruncDate
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Topic
from accounts.models import MembershipTier
from faq.models import Article, ArticleStatus
from helpdesk.models import Channel, Conversation, SatisfactionRating, SlaTarget, Team
from helpdesk.reports.business_hours import Schedule
from helpdesk.reports.filters import ReportFilters, conversations_in_scope, report_tz
from helpdesk.reports.stats import share, summarize, wall_clock_summary

LOW_SCORE = 2  # ratings of 1 and 2 are "low": their comments are the ones to review
SATISFIED_SCORE = 4  # CSAT: the share of 4 and 5
LOW_RATINGS_SHOWN = 50


# --- satisfaction -------------------------------------------------------------------------------

def ratings_in_scope(filters: ReportFilters) -> QuerySet[SatisfactionRating]:
    """Ratings of the conversations in scope (the period is the conversations' creation)."""
    return SatisfactionRating.objects.filter(
        conversation__in=conversations_in_scope(filters).values("pk"))


def satisfaction(filters: ReportFilters) -> dict:
    ratings = ratings_in_scope(filters)
    totals = ratings.aggregate(count=Count("pk"), average=Avg("score"),
                               satisfied=Count("pk", filter=Q(score__gte=SATISFIED_SCORE)))
    by_score = dict(ratings.order_by().values_list("score").annotate(n=Count("pk")))
    return {
        "count": totals["count"],
        "average": float(totals["average"]) if totals["average"] is not None else None,
        "satisfied": totals["satisfied"],
        "csat": share(totals["satisfied"], totals["count"]),
        "by_score": [{"score": s, "count": by_score.get(s, 0)} for s in range(1, 6)],
        # Needs the surveys sent (issue 5): shown as "not available yet" until they exist.
        "survey_response_rate": None,
    }


def low_ratings(filters: ReportFilters, limit: int | None = LOW_RATINGS_SHOWN) -> list[dict]:
    """The newest low ratings with their comments and a link to the conversation."""
    qs = (ratings_in_scope(filters).filter(score__lte=LOW_SCORE)
          .select_related("conversation", "conversation__assignee")
          .order_by("-created_at", "-pk"))
    if limit is not None:
        qs = qs[:limit]
    return [low_rating_row(r) for r in qs]


def low_rating_row(rating: SatisfactionRating) -> dict:
    conv = rating.conversation
    return {
        "reference": conv.reference,
        "score": rating.score,
        "comment": rating.comment,
        "rated_at": rating.created_at,
        "agent": conv.assignee.get_full_name() if conv.assignee else "",
        "url": reverse("admin:helpdesk_conversation_change", args=[conv.pk]),
    }


# --- volume --------------------------------------------------------------------------------------

def _label_rows(counts: dict, labels: dict, key: str) -> list[dict]:
    rows = [{key: value, "label": labels.get(value, str(value) if value is not None else ""),
             "count": n} for value, n in counts.items()]
    return sorted(rows, key=lambda r: (-r["count"], str(r["label"])))


def volume(filters: ReportFilters) -> dict:
    qs = conversations_in_scope(filters).order_by()
    tz = report_tz()

    def counts(field_name):
        return dict(qs.values_list(field_name).annotate(n=Count("pk")))

    by_team = counts("team_id")
    team_names = dict(Team.objects.filter(pk__in=[k for k in by_team if k]).values_list("pk", "name"))
    by_agent = counts("assignee_id")
    by_hour = dict(qs.annotate(hour=ExtractHour("created_at", tzinfo=tz))
                   .values_list("hour").annotate(n=Count("pk")))
    by_day = dict(qs.annotate(day=TruncDate("created_at", tzinfo=tz))
                  .values_list("day").annotate(n=Count("pk")))
    days = []
    day = filters.date_from
    while day <= filters.date_to:
        days.append({"day": day, "label": day.isoformat(), "count": by_day.get(day, 0)})
        day += timedelta(days=1)
    return {
        "total": sum(by_hour.values()),
        "channel": _label_rows(counts("channel"), dict(Channel.choices), "channel"),
        "topic": _label_rows(counts("topic"), dict(Topic.choices), "topic"),
        "team": _label_rows(by_team, {None: "", **team_names}, "team"),
        "agent": _label_rows(by_agent, {None: "", **agent_names(by_agent)}, "agent"),
        "hour": [{"hour": h, "label": f"{h:02d}:00", "count": by_hour.get(h, 0)}
                 for h in range(24)],
        "day": days,
    }


def agent_names(ids) -> dict[int, str]:
    users = get_user_model().objects.filter(pk__in=[i for i in ids if i])
    return {u.pk: u.get_full_name() for u in users.only("pk", "full_name", "email")}


# --- speed, SLA and the per-agent table ----------------------------------------------------------

@dataclass
class _SlaCell:
    tier: str
    channel: str
    first_response_minutes: int
    resolution_minutes: int | None
    first_met: int = 0
    first_breached: int = 0
    resolution_met: int = 0
    resolution_breached: int = 0

    def as_row(self, labels_tier: dict, labels_channel: dict) -> dict:
        first = self.first_met + self.first_breached
        resolved = self.resolution_met + self.resolution_breached
        return {
            "tier": self.tier, "channel": self.channel,
            "label": f"{labels_tier.get(self.tier, self.tier)} / "
                     f"{labels_channel.get(self.channel, self.channel)}",
            "first_response_minutes": self.first_response_minutes,
            "resolution_minutes": self.resolution_minutes,
            "first_met": self.first_met, "first_breached": self.first_breached,
            "first_compliance": share(self.first_met, first),
            "resolution_met": self.resolution_met,
            "resolution_breached": self.resolution_breached,
            "resolution_compliance": share(self.resolution_met, resolved),
        }


@dataclass
class _Durations:
    first_response: list[float] = field(default_factory=list)
    resolution: list[float] = field(default_factory=list)


def business_durations(row, schedule: Schedule) -> tuple[float | None, float | None]:
    """Business seconds to first response and to resolution of one (created, first, resolved)."""
    created, first, resolved = row
    return (schedule.seconds(created, first) if first else None,
            schedule.seconds(created, resolved) if resolved else None)


def speed_and_sla(filters: ReportFilters, schedule: Schedule | None = None) -> dict:
    """Business-hours speed overall and per agent, SLA compliance, and the chat queue wait.

    SLA: a conversation whose tier and channel have a target meets it when answered (resolved)
    within the target's business minutes; it breaches it when answered late, or when still
    unanswered and the target has already passed; otherwise it is still pending and not counted.
    """
    schedule = schedule or Schedule.load()
    schedule.prepare(filters.start, min(timezone.now(), filters.end))
    now = timezone.now()
    targets = {(t.tier, t.channel): _SlaCell(t.tier, t.channel, t.first_response_minutes,
                                             t.resolution_minutes)
               for t in SlaTarget.objects.all()}
    overall = _Durations()
    per_agent: dict[int | None, _Durations] = defaultdict(_Durations)
    rows = (conversations_in_scope(filters).order_by()
            .values_list("channel", "customer__customer_profile__tier", "assignee_id",
                         "created_at", "first_response_at", "resolved_at")
            .iterator(chunk_size=5000))
    for channel, tier, assignee_id, created, first, resolved in rows:
        first_s, resolution_s = business_durations((created, first, resolved), schedule)
        mine = per_agent[assignee_id]
        if first_s is not None:
            overall.first_response.append(first_s)
            mine.first_response.append(first_s)
        if resolution_s is not None:
            overall.resolution.append(resolution_s)
            mine.resolution.append(resolution_s)
        cell = targets.get((tier, channel))
        if cell is None:
            continue
        limit = cell.first_response_minutes * 60
        elapsed = first_s if first_s is not None else schedule.seconds(created, now)
        if elapsed > limit:
            cell.first_breached += 1
        elif first_s is not None:
            cell.first_met += 1
        if cell.resolution_minutes is not None:
            limit = cell.resolution_minutes * 60
            elapsed = resolution_s if resolution_s is not None else schedule.seconds(created, now)
            if elapsed > limit:
                cell.resolution_breached += 1
            elif resolution_s is not None:
                cell.resolution_met += 1

    tiers, channels = dict(MembershipTier.choices), dict(Channel.choices)
    sla_rows = [cell.as_row(tiers, channels) for cell in targets.values()
                if cell.first_met + cell.first_breached + cell.resolution_met
                + cell.resolution_breached]
    totals = {k: sum(r[k] for r in sla_rows) for k in
              ("first_met", "first_breached", "resolution_met", "resolution_breached")}
    queue = conversations_in_scope(filters).filter(channel=Channel.CHAT).order_by()
    return {
        "first_response": summarize(overall.first_response),
        "resolution": summarize(overall.resolution),
        "queue_wait": wall_clock_summary(queue, "queued_at", "assigned_at"),
        "sla": {
            "rows": sla_rows,
            "targets_defined": bool(targets),
            "first_compliance": share(totals["first_met"],
                                      totals["first_met"] + totals["first_breached"]),
            "resolution_compliance": share(
                totals["resolution_met"], totals["resolution_met"] + totals["resolution_breached"]),
            **totals,
        },
        "per_agent_durations": {agent: {"first_response": summarize(d.first_response),
                                        "resolution": summarize(d.resolution)}
                                for agent, d in per_agent.items()},
    }


def agent_table(filters: ReportFilters, durations: dict) -> list[dict]:
    """One row per agent: handled, resolved, medians in business hours, CSAT, ratings."""
    rows = (conversations_in_scope(filters).filter(assignee__isnull=False).order_by()
            .values("assignee_id")
            .annotate(handled=Count("pk"),
                      resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
                      ratings=Count("rating"),
                      satisfied=Count("rating", filter=Q(rating__score__gte=SATISFIED_SCORE)),
                      average=Avg("rating__score")))
    rows = list(rows)
    names = agent_names(r["assignee_id"] for r in rows)
    table = []
    for r in rows:
        d = durations.get(r["assignee_id"], {})
        table.append({
            "agent_id": r["assignee_id"],
            "agent": names.get(r["assignee_id"], ""),
            "handled": r["handled"],
            "resolved": r["resolved"],
            "first_response_median": d.get("first_response", {}).get("median"),
            "first_response_p90": d.get("first_response", {}).get("p90"),
            "resolution_median": d.get("resolution", {}).get("median"),
            "resolution_p90": d.get("resolution", {}).get("p90"),
            "ratings": r["ratings"],
            "csat": share(r["satisfied"], r["ratings"]),
            "average_rating": float(r["average"]) if r["average"] is not None else None,
        })
    return sorted(table, key=lambda row: (-row["handled"], row["agent"]))


# --- self-service ---------------------------------------------------------------------------------

def self_service(filters: ReportFilters) -> dict:
    """Article views and what the FAQ records; None marks a figure with no data source yet.

    Article.views is a running total with no date, so it is all-time and unfiltered. Helpful
    votes, searches with no result and "conversations started after reading an article" need
    records the FAQ and chat do not keep yet; they stay None ("not available yet").
    """
    views = Article.objects.filter(status=ArticleStatus.PUBLISHED).aggregate(n=Sum("views"))["n"]
    return {
        "article_views_all_time": views or 0,
        "helpful_share": None,
        "no_result_searches": None,
        "conversations_after_article": None,
    }


# --- the whole report and its drill-down ----------------------------------------------------------

def build_report(filters: ReportFilters) -> dict:
    speed = speed_and_sla(filters)
    return {
        "filters": filters,
        "satisfaction": satisfaction(filters),
        "low_ratings": low_ratings(filters),
        "speed": speed,
        "volume": volume(filters),
        "agents": agent_table(filters, speed["per_agent_durations"]),
        "self_service": self_service(filters),
    }


DRILL_KEYS = ("hour", "score", "unassigned", "noteam", "low")


def drill_down(filters: ReportFilters, params) -> QuerySet[Conversation]:
    """The conversations behind one chart point or table cell: the filters plus one bucket.

    ``params`` may hold ``hour`` (0-23, local), ``score`` (1-5), ``low=1`` (ratings of 1-2),
    ``unassigned=1`` or ``noteam=1``; a day is a one-day date range and a channel, topic, team or
    agent is a filter, so neither needs a key of its own.
    """
    qs = conversations_in_scope(filters)
    hour = params.get("hour", "")
    if hour.isdigit() and 0 <= int(hour) <= 23:
        qs = qs.annotate(local_hour=ExtractHour("created_at", tzinfo=report_tz())) \
            .filter(local_hour=int(hour))
    score = params.get("score", "")
    if score.isdigit() and 1 <= int(score) <= 5:
        qs = qs.filter(rating__score=int(score))
    if params.get("low") == "1":
        qs = qs.filter(rating__score__lte=LOW_SCORE)
    if params.get("unassigned") == "1":
        qs = qs.filter(assignee__isnull=True)
    if params.get("noteam") == "1":
        qs = qs.filter(team__isnull=True)
    return qs.select_related("customer", "assignee", "team", "rating").order_by("-created_at")


def day_list(filters: ReportFilters) -> list[date]:
    return [filters.date_from + timedelta(days=i)
            for i in range((filters.date_to - filters.date_from).days + 1)]
