"""CSV exports of every report table and of the conversations behind a report, streamed.

Rows go out as they are produced (``StreamingHttpResponse`` over a generator; conversation
rows are read with ``.iterator(chunk_size=...)``), so a million rows never sit in memory.
Cells that a spreadsheet would run as a formula are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from accounts.choices import Topic
from accounts.downloads import content_disposition
from accounts.models import MembershipTier
from helpdesk.business_hours import Schedule
from helpdesk.models import Channel, Priority, Status
from helpdesk.reports.filters import ReportFilters, report_tz
from helpdesk.reports.selectors import (
    build_report,
    conversations_after_article,
    drill_down,
    ratings_in_scope,
)
from helpdesk.reports.timings import business_durations, conversation_timings_refresh

CHUNK_SIZE = 2000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def _safe(value) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)  # a BOM so spreadsheets read UTF-8
    for row in rows:
        yield writer.writerow([_safe(v) for v in row])


def streaming_csv(filename: str, header: list[str], rows: Iterable[Iterable]):
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "no-store"
    return response


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 2)


def _local(instant) -> str:
    return instant.astimezone(report_tz()).isoformat(timespec="seconds") if instant else ""


def conversation_rows(filters: ReportFilters, params=None) -> tuple[list[str], Iterator[list]]:
    """One row per conversation in scope (narrowed by drill-down ``params``), with its
    business-hours durations and rating."""
    header = [_("Reference"), _("Created"), _("Channel"), _("Topic"), _("Status"), _("Priority"),
              _("Membership tier"), _("Team"), _("Agent"), _("First response (business minutes)"),
              _("Resolution (business minutes)"), _("Queue wait (minutes)"), _("Rating"),
              _("Comment")]
    channels, topics, statuses = dict(Channel.choices), dict(Topic.choices), dict(Status.choices)
    priorities, tiers = dict(Priority.choices), dict(MembershipTier.choices)

    def rows():
        # Stored timings, refreshed for this scope first; a row changed since (or a timing
        # computed under other inputs) is computed here instead.
        schedule = Schedule.load()
        scope = drill_down(filters, params or {})
        conversation_timings_refresh(conversations=scope, schedule=schedule)
        qs = (scope.order_by("created_at", "pk")
              .values_list("reference", "created_at", "channel", "topic", "status", "priority",
                           "customer__customer_profile__tier", "team__name", "assignee__email",
                           "first_response_at", "resolved_at", "queued_at", "assigned_at",
                           "rating__score", "rating__comment", "timing__created_at",
                           "timing__first_response_at", "timing__resolved_at",
                           "timing__schedule_key", "timing__first_response_seconds",
                           "timing__resolution_seconds"))
        key = schedule.key
        for (reference, created, channel, topic, status, priority, tier, team, agent, first,
             resolved, queued, assigned, score, comment, t_created, t_first, t_resolved,
             t_key, first_s, resolution_s) in qs.iterator(chunk_size=CHUNK_SIZE):
            if (t_created, t_first, t_resolved, t_key) != (created, first, resolved, key):
                first_s, resolution_s = business_durations((created, first, resolved), schedule)
            wait = (assigned - queued).total_seconds() if queued and assigned else None
            yield [reference, _local(created), channels.get(channel, channel),
                   topics.get(topic, topic), statuses.get(status, status),
                   priorities.get(priority, priority), tiers.get(tier, tier or ""), team or "",
                   agent or "", _minutes(first_s), _minutes(resolution_s), _minutes(wait),
                   score, comment or ""]

    return header, rows()


def low_rating_rows(filters: ReportFilters) -> tuple[list[str], Iterator[list]]:
    header = [_("Reference"), _("Rating"), _("Comment"), _("Rated"), _("Agent")]

    def rows():
        qs = (ratings_in_scope(filters).filter(score__lte=2).order_by("-created_at", "-pk")
              .values_list("conversation__reference", "score", "comment", "created_at",
                           "conversation__assignee__email"))
        for reference, score, comment, rated, agent in qs.iterator(chunk_size=CHUNK_SIZE):
            yield [reference, score, comment, _local(rated), agent or ""]

    return header, rows()


def _rounded(value, digits=2):
    return None if value is None else round(value, digits)


def report_table(filters: ReportFilters, table: str,
                 params=None) -> tuple[list[str], Iterable[list]] | None:
    """The header and rows of one dashboard table, or None for an unknown table name."""
    if table == "conversations":
        return conversation_rows(filters, params)
    if table == "low_ratings":
        return low_rating_rows(filters)
    if table == "articles":
        # Every article read before a conversation in scope, not only the dashboard's top ones.
        after = conversations_after_article(filters, limit=None)
        header = [_("Article"), _("Slug"), _("Conversations started after reading it"),
                  _("Share of conversations (%)")]
        return header, ([r["title"], r["slug"], r["count"], _rounded(r["share"], 1)]
                        for r in after["articles"])
    report = build_report(filters)
    volume = report["volume"]
    if table in ("channel", "topic", "team", "agent", "hour", "day"):
        return [_("Value"), _("Conversations")], ([r["label"], r["count"]] for r in volume[table])
    if table == "ratings":
        return [_("Rating"), _("Ratings")], (
            [r["score"], r["count"]] for r in report["satisfaction"]["by_score"])
    if table == "agents":
        header = [_("Agent"), _("Conversations handled"), _("Resolved"),
                  _("First response median (business minutes)"),
                  _("First response 90th percentile (business minutes)"),
                  _("Resolution median (business minutes)"),
                  _("Resolution 90th percentile (business minutes)"),
                  _("Ratings"), _("CSAT (%)"), _("Average rating")]
        return header, ([r["agent"], r["handled"], r["resolved"],
                         _minutes(r["first_response_median"]), _minutes(r["first_response_p90"]),
                         _minutes(r["resolution_median"]), _minutes(r["resolution_p90"]),
                         r["ratings"], _rounded(r["csat"], 1), _rounded(r["average_rating"])]
                        for r in report["agents"])
    if table == "sla":
        header = [_("Membership tier"), _("Channel"), _("First response target (minutes)"),
                  _("Met"), _("Breached"), _("Compliance (%)"), _("Resolution target (minutes)"),
                  _("Met"), _("Breached"), _("Compliance (%)")]
        return header, ([r["tier"], r["channel"], r["first_response_minutes"], r["first_met"],
                         r["first_breached"], _rounded(r["first_compliance"], 1),
                         r["resolution_minutes"], r["resolution_met"], r["resolution_breached"],
                         _rounded(r["resolution_compliance"], 1)]
                        for r in report["speed"]["sla"]["rows"])
    if table == "speed":
        speed = report["speed"]
        header = [_("Measure"), _("Count"), _("Average (minutes)"), _("Median (minutes)"),
                  _("90th percentile (minutes)")]
        names = [("first_response", _("First response (business hours)")),
                 ("resolution", _("Resolution (business hours)")),
                 ("queue_wait", _("Chat queue wait"))]
        return header, ([label, speed[key]["count"], _minutes(speed[key]["average"]),
                         _minutes(speed[key]["median"]), _minutes(speed[key]["p90"])]
                        for key, label in names)
    return None


TABLES = ("conversations", "low_ratings", "articles", "channel", "topic", "team", "agent", "hour", "day",
          "ratings", "agents", "sla", "speed")
