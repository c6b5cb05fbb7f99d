"""Every count, share, duration and percentile of a report, from one pass over its scope.

The scope (``conversations_in_scope``) becomes one row per conversation with the values that
figures group by (channel, topic, team, agent, local hour and day, rating, tier, the help
article read before) and the stored business-hours timings (``ConversationTiming``). On
PostgreSQL one statement reads those rows once (a materialized CTE) and aggregates them in
UNION ALL branches, each computing only what its buckets show: counts per bucket
(``GROUPING SETS``), ``percentile_cont`` medians and 90th percentiles overall and per agent,
SLA outcomes, the newest low ratings. On other backends the same rows are read and aggregated
in Python by the same definitions.

SLA: a target of the conversation's tier and channel is met when the stored business seconds
are within it and breached when beyond it, or when still unanswered (unresolved) although
created before ``Schedule.overdue_before(now, target)``.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, FilteredRelation, Q, Value
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from accounts.models import CustomerProfile
from helpdesk.business_hours import Schedule
from helpdesk.models import Channel
from helpdesk.reports.filters import ReportFilters, conversations_in_scope, report_tz
from helpdesk.reports.models import SlaTarget
from helpdesk.reports.stats import summarize
from helpdesk.reports.timings import conversation_timings_refresh, stale_flag

SATISFIED_SCORE = 4  # CSAT: the share of 4 and 5
LOW_SCORE = 2  # ratings of 1 and 2 are "low": their comments are the ones to review
LOW_RATINGS_SHOWN = 50

DIMENSIONS = ("channel", "topic", "team_id", "assignee_id", "r_hour", "r_day", "r_score",
              "r_tier", "source_article_id")
# The buckets a report counts by, as grouping sets of DIMENSIONS.
COUNT_SETS = {
    "all": (), "channel": ("channel",), "topic": ("topic",), "team": ("team_id",),
    "agent": ("assignee_id",), "hour": ("r_hour",), "day": ("r_day",), "score": ("r_score",),
    "sla": ("r_tier", "channel"),
    # The help article read just before (None: none recorded).
    "article": ("source_article_id",),
}
# The buckets with percentiles (they cost a sort each, so only where shown).
# (Told apart by GROUPING(assignee_id) alone: 1 for "all", 0 for "agent".)
PERCENTILE_SETS = {"all": (), "agent": ("assignee_id",)}
COUNTS = ("n", "resolved", "ratings", "satisfied", "score_sum", "stale", "first_met",
          "first_breached", "resolution_met", "resolution_breached")
MEASURES = ("first_response", "resolution", "queue_wait")


@dataclass
class Target:
    tier: str
    channel: str
    first_limit: float  # business seconds
    first_before: object  # datetime: unanswered and created before it = breached
    resolution_limit: float | None
    resolution_before: object | None


@dataclass
class Figures:
    """``counts[set][key]`` and ``percentiles[set][key][measure]``; key is a tuple of the set's
    dimension values (``()`` for "all")."""

    counts: dict
    percentiles: dict
    targets: list[Target]
    # The newest low ratings' ids (PostgreSQL reads them in the same pass), else None.
    low_rating_ids: list[int] | None = None

    def total(self, name: str) -> int:
        return self.counts["all"].get((), {}).get(name, 0) or 0

    def by(self, set_name: str) -> dict:
        """Counts of a one-dimension set, by its value."""
        return {key[0]: row for key, row in self.counts[set_name].items()}

    def summary(self, set_name: str, key: tuple, measure: str) -> dict:
        empty = {"count": 0, "average": None, "median": None, "p90": None}
        return self.percentiles[set_name].get(key, {}).get(measure, empty)


def targets_for(schedule: Schedule, now) -> list[Target]:
    targets = []
    for t in SlaTarget.objects.all():
        first = t.first_response_minutes * 60.0
        resolution = t.resolution_minutes * 60.0 if t.resolution_minutes is not None else None
        targets.append(Target(
            t.tier, t.channel, first, schedule.overdue_before(now, first), resolution,
            schedule.overdue_before(now, resolution) if resolution is not None else None))
    return targets


def scope_rows(filters: ReportFilters, key: str, *, in_python: bool = True):
    """One row per conversation in scope with what the figures need (a values() queryset).

    The timing is joined on its own ``created_at`` within the period as well, so PostgreSQL
    reads only the period's timings (a timing whose ``created_at`` differs is stale anyway).
    """
    tz = report_tz()
    period = Q(timing__created_at__gte=filters.start, timing__created_at__lt=filters.end)
    # For _postgresql, the local hour and day and the tier are left to its own SQL (_CTE).
    local = {"r_hour": ExtractHour("created_at", tzinfo=tz),
             "r_day": TruncDate("created_at", tzinfo=tz),
             "r_tier": F("customer__customer_profile__tier")} if in_python \
        else dict.fromkeys(("r_hour", "r_day", "r_tier"), Value(""))
    return (conversations_in_scope(filters).order_by()
            .alias(tm=FilteredRelation("timing", condition=period))
            .annotate(**local, r_score=F("rating__score"), r_rating_id=F("rating__id"),
                      r_rated_at=F("rating__created_at"),
                      r_first=F("tm__first_response_seconds"),
                      r_resolution=F("tm__resolution_seconds"), r_stale=stale_flag(key, "tm"))
            .values(*DIMENSIONS, "r_first", "r_resolution", "r_stale", "r_rating_id",
                    "r_rated_at", "created_at",
                    "first_response_at", "resolved_at", "queued_at", "assigned_at",
                    "customer_id"))


def report_figures(filters: ReportFilters, schedule: Schedule | None = None) -> Figures:
    """All figures of ``filters``' scope; stale timings in scope are refreshed first."""
    schedule = schedule or Schedule.load()
    now = timezone.now()
    targets = targets_for(schedule, now)
    postgresql = connection.vendor == "postgresql"
    long_period = (filters.date_to - filters.date_from).days >= LONG_PERIOD_DAYS

    def compute() -> Figures:
        rows = scope_rows(filters, schedule.key, in_python=not postgresql)
        return _postgresql(rows, targets, long_period) if postgresql else _python(rows, targets)

    figures = compute()
    if figures.total("stale"):
        conversation_timings_refresh(conversations=conversations_in_scope(filters),
                                     schedule=schedule)
        figures = compute()
    return figures


# --- PostgreSQL: one statement ---------------------------------------------------------------

# The rows of the scope, narrowed to what is aggregated (SLA outcomes as booleans), read once.
# The tier comes from a direct join of the customer's profile (no pass through the user table);
# the local time is computed once per row for both the hour and the day.
_CTE = """WITH t AS MATERIALIZED (
  SELECT s.channel, s.topic, s.team_id, s.assignee_id,
    date_part('hour', lt.local)::integer AS r_hour, lt.local::date AS r_day, s.r_score,
    p.tier AS r_tier, s.source_article_id, s.r_first, s.r_resolution, s.r_stale, s.resolved_at IS NOT NULL AS resolved,
    CASE WHEN s.r_score <= {low} THEN s.r_rating_id END AS r_low_id, s.r_rated_at,
    CASE WHEN s.channel = %s THEN date_part('epoch', s.assigned_at - s.queued_at)
    END AS r_wait,
    s.r_first <= sla.first_limit AS first_met,
    s.r_first > sla.first_limit OR (s.first_response_at IS NULL
                                    AND s.created_at < sla.first_before) AS first_breached,
    s.r_resolution <= sla.resolution_limit AS resolution_met,
    s.r_resolution > sla.resolution_limit OR (s.resolved_at IS NULL
                                    AND s.created_at < sla.resolution_before)
      AS resolution_breached,
    sla.tier IS NOT NULL AS has_target
  FROM ({inner}) AS s
  CROSS JOIN LATERAL (SELECT s.created_at AT TIME ZONE %s AS local) AS lt
  LEFT JOIN {profiles} AS p ON p.user_id = s.customer_id
  LEFT JOIN (VALUES {values}) AS sla(tier, channel, first_limit, first_before,
    resolution_limit, resolution_before) ON sla.tier = p.tier AND sla.channel = s.channel)"""

# Each part aggregates only what its buckets show (an aggregate costs a step per row and set).
_BRANCHES = (
    # part, GROUP BY, WHERE, {column: expression}
    ("v", "GROUPING SETS ((t.channel), (t.topic), (t.team_id), (t.r_hour), (t.r_day), "
          "(t.source_article_id))", "",
     {"g": "GROUPING(t.channel, t.topic, t.team_id, t.r_hour, t.r_day, t.source_article_id)",
      "k1": "COALESCE(t.channel::text, t.topic::text, t.team_id::text, t.r_hour::text, "
            "t.r_day::text, t.source_article_id::text)", "n": "COUNT(*)"}),
    ("a", "GROUPING SETS ((), (t.assignee_id))", "",
     {"g": "GROUPING(t.assignee_id)", "k1": "t.assignee_id::text", "n": "COUNT(*)",
      "resolved": "COUNT(*) FILTER (WHERE t.resolved)", "ratings": "COUNT(t.r_score)",
      "satisfied": "COUNT(*) FILTER (WHERE t.r_score >= {satisfied})",
      "score_sum": "COALESCE(SUM(t.r_score), 0)", "stale": "SUM(t.r_stale)",
      **{f"{m}_{part}": expr.format(v=v) for m, v in (
          ("first_response", "t.r_first"), ("resolution", "t.r_resolution"),
          ("queue_wait", "t.r_wait"))
         for part, expr in (("count", "COUNT({v})"), ("average", "AVG({v})"),
                            # one sort per measure gives the median and the 90th percentile
                            ("percentiles",
                             "percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY {v})"))}}),
    ("s", "t.r_score", "WHERE t.r_score IS NOT NULL",
     {"k1": "t.r_score::text", "n": "COUNT(*)", "ratings": "COUNT(*)"}),
    # The newest low ratings, for the feed (one row, no GROUP BY).
    ("w", "", "", {"k1": f"((array_agg(t.r_low_id ORDER BY t.r_rated_at DESC, t.r_low_id DESC) "
                         f"FILTER (WHERE t.r_low_id IS NOT NULL))[1:{LOW_RATINGS_SHOWN}])::text"}),
    ("l", "t.r_tier, t.channel", "WHERE t.has_target",
     {"k1": "t.r_tier::text", "k2": "t.channel::text", "n": "COUNT(*)",
      **{c: f"COUNT(*) FILTER (WHERE t.{c})" for c in (
          "first_met", "first_breached", "resolution_met", "resolution_breached")}}),
)
_COLUMNS = {"g": "integer", "k1": "text", "k2": "text",
            **dict.fromkeys(COUNTS, "bigint"),
            **{f"{m}_{part}": kind for m in MEASURES
               for part, kind in (("count", "bigint"), ("average", "float8"),
                                  ("percentiles", "float8[]"))}}
# Enough memory for a long period's rows and hash tables, so nothing spills to disk; up to
# LONG_PERIOD_DAYS (~25,000 rows at 100,000 conversations a year) the default 4 MB suffices
# and the extra round trips of SET LOCAL are saved.
WORK_MEM = "64MB"
LONG_PERIOD_DAYS = 92


def _branch_sql(part: str, group_by: str, where: str, columns: dict) -> str:
    select = ", ".join(
        f"{columns[c].format(satisfied=SATISFIED_SCORE) if c in columns else 'NULL'}::{kind} AS {c}"
        for c, kind in _COLUMNS.items())
    group_by = f"GROUP BY {group_by}" if group_by else ""
    return f"SELECT '{part}' AS part, {select} FROM t {where} {group_by}"  # noqa: S608


_SELECT = " UNION ALL ".join(_branch_sql(*branch) for branch in _BRANCHES)


def _postgresql(rows, targets: list[Target], long_period: bool = False) -> Figures:
    inner, params = rows.query.sql_with_params()
    if targets:
        values = ", ".join(["(%s, %s, %s::float8, %s::timestamptz, %s::float8, %s::timestamptz)"]
                           * len(targets))
        sla_params = [v for t in targets for v in (t.tier, t.channel, t.first_limit,
                                                   t.first_before, t.resolution_limit,
                                                   t.resolution_before)]
    else:
        values = "(NULL::text, NULL::text, NULL::float8, NULL::timestamptz, NULL::float8, " \
                 "NULL::timestamptz)"
        sla_params = []
    sql = _CTE.format(inner=inner, values=values, low=LOW_SCORE,
                      profiles=connection.ops.quote_name(CustomerProfile._meta.db_table))
    sql += " " + _SELECT
    counts = {name: {} for name in COUNT_SETS}
    percentiles = {name: {} for name in PERCENTILE_SETS}
    low_rating_ids: list[int] = []
    with ExitStack() as stack:
        if long_period:
            stack.enter_context(transaction.atomic(using=rows.db))
        cursor = stack.enter_context(connection.cursor())
        if long_period:
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        cursor.execute(sql, [Channel.CHAT, *params, settings.SUPPORT_TIME_ZONE, *sla_params])
        names = [c[0] for c in cursor.description]
        records = cursor.fetchall()
    volume_sets = ("channel", "topic", "team", "hour", "day", "article")
    for record in records:
        row = dict(zip(names, record, strict=True))
        part = row["part"]
        if part == "v":
            # GROUPING(channel, ..., source_article_id): the one grouped has its bit 0.
            last = len(volume_sets) - 1
            name = volume_sets[[(row["g"] >> (last - i)) & 1
                                for i in range(len(volume_sets))].index(0)]
            key = (_parse(name, row["k1"]),)
        elif part == "a":
            name = "all" if row["g"] else "agent"
            key = () if row["g"] else (_parse("agent", row["k1"]),)
            percentiles[name][key] = {
                m: {"count": int(row[f"{m}_count"] or 0),
                    "average": _float(row[f"{m}_average"]),
                    "median": _float((row[f"{m}_percentiles"] or [None, None])[0]),
                    "p90": _float((row[f"{m}_percentiles"] or [None, None])[1])}
                for m in MEASURES}
        elif part == "w":
            low_rating_ids = [int(i) for i in (row["k1"] or "{}").strip("{}").split(",") if i]
            continue
        elif part == "s":
            name, key = "score", (_parse("score", row["k1"]),)
        else:
            name, key = "sla", (row["k1"], row["k2"])
        counts[name][key] = {c: int(row[c] or 0) for c in COUNTS}
    return Figures(counts, percentiles, targets, low_rating_ids)


def _parse(set_name: str, text: str | None):
    """A bucket's value from its text form (the parts share one text key column)."""
    if text is None:
        return None
    if set_name in ("team", "agent", "score", "article"):
        return int(text)
    if set_name == "hour":
        return int(float(text))
    if set_name == "day":
        return date.fromisoformat(text)
    return text


def _key(row: dict, cols: tuple[str, ...]) -> tuple:
    return tuple(int(row[c]) if c == "r_hour" and row[c] is not None else row[c] for c in cols)


def _float(value) -> float | None:
    return None if value is None else float(value)


# --- Other backends: the same figures in Python -------------------------------------------------

def _python(rows, targets: list[Target]) -> Figures:
    by_target = {(t.tier, t.channel): t for t in targets}
    counts = {name: defaultdict(lambda: dict.fromkeys(COUNTS, 0)) for name in COUNT_SETS}
    values = {name: defaultdict(lambda: {m: [] for m in MEASURES}) for name in PERCENTILE_SETS}
    for row in rows.iterator(chunk_size=5000):
        wait = None
        if row["channel"] == Channel.CHAT and row["queued_at"] and row["assigned_at"]:
            wait = (row["assigned_at"] - row["queued_at"]).total_seconds()
        target = by_target.get((row["r_tier"], row["channel"]))
        add = _row_counts(row, target)
        for name, cols in COUNT_SETS.items():
            cell = counts[name][tuple(row[c] for c in cols)]
            for c, v in add.items():
                cell[c] += v
        for name, cols in PERCENTILE_SETS.items():
            cell = values[name][tuple(row[c] for c in cols)]
            for m, v in (("first_response", row["r_first"]),
                         ("resolution", row["r_resolution"]), ("queue_wait", wait)):
                if v is not None:
                    cell[m].append(v)
    percentiles = {name: {key: {m: summarize(v) for m, v in cell.items()}
                          for key, cell in sets.items()} for name, sets in values.items()}
    return Figures({name: dict(sets) for name, sets in counts.items()}, percentiles, targets)


def _row_counts(row: dict, target: Target | None) -> dict:
    score, first, resolution = row["r_score"], row["r_first"], row["r_resolution"]
    add = {"n": 1, "resolved": int(row["resolved_at"] is not None),
           "ratings": int(score is not None),
           "satisfied": int(score is not None and score >= SATISFIED_SCORE),
           "score_sum": score or 0, "stale": row["r_stale"]}
    if target is not None:
        add["first_met"] = int(first is not None and first <= target.first_limit)
        add["first_breached"] = int(
            (first is not None and first > target.first_limit)
            or (row["first_response_at"] is None and row["created_at"] < target.first_before))
        if target.resolution_limit is not None:
            add["resolution_met"] = int(resolution is not None
                                        and resolution <= target.resolution_limit)
            add["resolution_breached"] = int(
                (resolution is not None and resolution > target.resolution_limit)
                or (row["resolved_at"] is None and row["created_at"] < target.resolution_before))
    return add
