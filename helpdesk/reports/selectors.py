"""Every figure of the reports, for one ``ReportFilters``.

Counts, shares, averages, time buckets (in the help desk's time zone) and percentiles come
from ``figures.report_figures``: one SQL statement on PostgreSQL (GROUPING SETS and
``percentile_cont`` over stored business-hours timings), the same definitions in Python
elsewhere. The selectors here shape them for the dashboard, the tables and the exports.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractHour
from django.urls import reverse
from django.utils import translation

from accounts.choices import Topic
from accounts.models import MembershipTier
from faq.models import FALLBACK_LANGUAGE, Article, ArticleStatus, NoResultSearch, Vote
from helpdesk.business_hours import Schedule
from helpdesk.models import Channel, Conversation, MacroUse, SatisfactionRating, Team
from helpdesk.reports.figures import (
    LOW_RATINGS_SHOWN,
    LOW_SCORE,
    SATISFIED_SCORE,
    Figures,
    report_figures,
)
from helpdesk.reports.filters import ReportFilters, conversations_in_scope, report_tz
from helpdesk.reports.stats import share
from helpdesk.surveys.models import Survey

__all__ = ["LOW_SCORE", "SATISFIED_SCORE"]



# --- satisfaction -------------------------------------------------------------------------------

def ratings_in_scope(filters: ReportFilters) -> QuerySet[SatisfactionRating]:
    """Ratings of the conversations in scope (the period is the conversations' creation)."""
    return SatisfactionRating.objects.filter(
        conversation__in=conversations_in_scope(filters).values("pk"))


def satisfaction(filters: ReportFilters, figures: Figures | None = None) -> dict:
    figures = figures or report_figures(filters)
    count, satisfied = figures.total("ratings"), figures.total("satisfied")
    by_score = {score: row["ratings"] for score, row in figures.by("score").items()
                if score is not None}
    sent = surveys(filters)
    return {
        "count": count,
        "average": figures.total("score_sum") / count if count else None,
        "satisfied": satisfied,
        "csat": share(satisfied, count),
        "by_score": [{"score": s, "count": by_score.get(s, 0)} for s in range(1, 6)],
        "surveys": sent,
        "survey_response_rate": sent["rate"],
    }


def surveys(filters: ReportFilters) -> dict:
    """Survey emails sent for conversations in scope, how many were answered, and the share."""
    totals = Survey.objects.filter(
        conversation__in=conversations_in_scope(filters).values("pk"), sent_at__isnull=False,
    ).aggregate(sent=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    return {**totals, "rate": share(totals["answered"], totals["sent"])}


def low_ratings(filters: ReportFilters, limit: int | None = LOW_RATINGS_SHOWN,
                rating_ids: list[int] | None = None) -> list[dict]:
    """The newest low ratings with their comments and a link to the conversation
    (``rating_ids``: those ratings, already chosen by ``report_figures``)."""
    qs = (SatisfactionRating.objects.filter(pk__in=rating_ids) if rating_ids is not None
          else ratings_in_scope(filters).filter(score__lte=LOW_SCORE))
    qs = qs.select_related("conversation", "conversation__assignee").order_by("-created_at", "-pk")
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


def volume(filters: ReportFilters, figures: Figures | None = None,
           names: dict[int, str] | None = None) -> dict:
    figures = figures or report_figures(filters)

    def counts(set_name):
        return {value: row["n"] for value, row in figures.by(set_name).items()}

    by_team = counts("team")
    team_names = dict(Team.objects.filter(pk__in=[k for k in by_team if k]).values_list("pk", "name"))
    by_agent = counts("agent")
    by_hour, by_day = counts("hour"), counts("day")
    days = []
    day = filters.date_from
    while day <= filters.date_to:
        days.append({"day": day, "label": day.isoformat(), "count": by_day.get(day, 0)})
        day += timedelta(days=1)
    return {
        "total": figures.total("n"),
        "channel": _label_rows(counts("channel"), dict(Channel.choices), "channel"),
        "topic": _label_rows(counts("topic"), dict(Topic.choices), "topic"),
        "team": _label_rows(by_team, {None: "", **team_names}, "team"),
        "agent": _label_rows(by_agent, {None: "", **(names if names is not None
                                                     else agent_names(by_agent))}, "agent"),
        "hour": [{"hour": h, "label": f"{h:02d}:00", "count": by_hour.get(h, 0)}
                 for h in range(24)],
        "day": days,
    }


def agent_names(ids) -> dict[int, str]:
    users = get_user_model().objects.filter(pk__in=[i for i in ids if i])
    return {u.pk: u.get_full_name() for u in users.only("pk", "full_name", "email")}


# --- speed, SLA and the per-agent table ----------------------------------------------------------

def speed_and_sla(filters: ReportFilters, schedule: Schedule | None = None,
                  figures: Figures | None = None) -> dict:
    """Business-hours speed overall and per agent, SLA compliance, and the chat queue wait.

    SLA: a conversation whose tier and channel have a target meets it when answered (resolved)
    within the target's business minutes; it breaches it when answered late, or when still
    unanswered and the target has already passed; otherwise it is still pending and not counted.
    """
    figures = figures or report_figures(filters, schedule)
    tiers, channels = dict(MembershipTier.choices), dict(Channel.choices)
    counted = figures.counts["sla"]
    sla_rows = []
    for t in figures.targets:
        cell = counted.get((t.tier, t.channel), {})
        first_met, first_breached = cell.get("first_met", 0), cell.get("first_breached", 0)
        res_met = cell.get("resolution_met", 0)
        res_breached = cell.get("resolution_breached", 0)
        if not (first_met + first_breached + res_met + res_breached):
            continue
        sla_rows.append({
            "tier": t.tier, "channel": t.channel,
            "label": f"{tiers.get(t.tier, t.tier)} / {channels.get(t.channel, t.channel)}",
            "first_response_minutes": round(t.first_limit / 60),
            "resolution_minutes": None if t.resolution_limit is None
            else round(t.resolution_limit / 60),
            "first_met": first_met, "first_breached": first_breached,
            "first_compliance": share(first_met, first_met + first_breached),
            "resolution_met": res_met, "resolution_breached": res_breached,
            "resolution_compliance": share(res_met, res_met + res_breached),
        })
    totals = {k: sum(r[k] for r in sla_rows) for k in
              ("first_met", "first_breached", "resolution_met", "resolution_breached")}
    return {
        "first_response": figures.summary("all", (), "first_response"),
        "resolution": figures.summary("all", (), "resolution"),
        "queue_wait": figures.summary("all", (), "queue_wait"),
        "sla": {
            "rows": sla_rows,
            "targets_defined": bool(figures.targets),
            "first_compliance": share(totals["first_met"],
                                      totals["first_met"] + totals["first_breached"]),
            "resolution_compliance": share(
                totals["resolution_met"], totals["resolution_met"] + totals["resolution_breached"]),
            **totals,
        },
        "per_agent_durations": {
            key[0]: {m: figures.summary("agent", key, m) for m in ("first_response", "resolution")}
            for key in figures.percentiles["agent"]},
    }


def agent_table(filters: ReportFilters, durations: dict, figures: Figures | None = None,
                names: dict[int, str] | None = None) -> list[dict]:
    """One row per agent: handled, resolved, medians in business hours, CSAT, ratings."""
    figures = figures or report_figures(filters)
    rows = {agent: row for agent, row in figures.by("agent").items() if agent is not None}
    names = names if names is not None else agent_names(rows)
    table = []
    for agent, r in rows.items():
        d = durations.get(agent, {})
        table.append({
            "agent_id": agent,
            "agent": names.get(agent, ""),
            "handled": r["n"],
            "resolved": r["resolved"],
            "first_response_median": d.get("first_response", {}).get("median"),
            "first_response_p90": d.get("first_response", {}).get("p90"),
            "resolution_median": d.get("resolution", {}).get("median"),
            "resolution_p90": d.get("resolution", {}).get("p90"),
            "ratings": r["ratings"],
            "csat": share(r["satisfied"], r["ratings"]),
            "average_rating": r["score_sum"] / r["ratings"] if r["ratings"] else None,
        })
    return sorted(table, key=lambda row: (-row["handled"], row["agent"]))


# --- self-service ---------------------------------------------------------------------------------

NO_RESULT_QUERIES_SHOWN = 10


def self_service(filters: ReportFilters) -> dict:
    """What the help center records of people helping themselves, for the report's period.

    Not narrowed by agent, team, channel, topic or tier (nothing links these to them).
    ``Article.views`` is a running total with no date: all time. A helpful vote counts in the
    period it was last cast (a visitor may change it). Searches with no result are kept per
    query with a running count: the period holds the queries last searched in it, and their
    counts are all-time. Conversations started after reading an article are conversations,
    so they follow every filter: ``conversations_after_article``.
    """
    views = Article.objects.filter(status=ArticleStatus.PUBLISHED).aggregate(n=Sum("views"))["n"]
    votes = Vote.objects.filter(updated_at__gte=filters.start, updated_at__lt=filters.end) \
        .aggregate(total=Count("pk"), helpful=Count("pk", filter=Q(helpful=True)))
    no_result = NoResultSearch.objects.filter(last_seen__gte=filters.start,
                                              last_seen__lt=filters.end)
    no_result_totals = no_result.aggregate(queries=Count("pk"), searches=Sum("count"))
    top = list(no_result.order_by("-count", "-last_seen", "pk")
               .values("query", "language", "count")[:NO_RESULT_QUERIES_SHOWN])
    return {
        "article_views_all_time": views or 0,
        "votes": votes["total"],
        "helpful_votes": votes["helpful"],
        "helpful_share": share(votes["helpful"], votes["total"]),
        "no_result_queries": no_result_totals["queries"],
        "no_result_searches": no_result_totals["searches"] or 0,
        "no_result_top": top,
    }


ARTICLES_SHOWN = 10


def conversations_after_article(filters: ReportFilters, figures: Figures | None = None,
                                limit: int | None = ARTICLES_SHOWN) -> dict:
    """Conversations in scope opened just after reading a help article (``source_article``):
    how many, their share of the scope, and the articles most often read before one (a sign
    that the article does not answer the question), most first, ``limit`` of them.

    An article's share is of all conversations in scope. Titles are in the active language
    (else English, else any); an article deleted since is no longer named (its conversations
    lose the link).
    """
    figures = figures or report_figures(filters)
    by_article = {pk: row["n"] for pk, row in figures.by("article").items() if pk is not None}
    total = figures.total("n")
    count = sum(by_article.values())
    ranked = sorted(by_article.items(), key=lambda item: (-item[1], item[0]))
    if limit is not None:
        ranked = ranked[:limit]
    titles = article_titles([pk for pk, _n in ranked])
    return {
        "count": count,
        "total": total,
        "share": share(count, total),
        "articles": [{"article_id": pk, "slug": titles.get(pk, ("", ""))[0],
                      "title": titles.get(pk, ("", ""))[1], "count": n, "share": share(n, total)}
                     for pk, n in ranked],
    }


def article_titles(ids: list[int]) -> dict[int, tuple[str, str]]:
    """{article id: (slug, title)} in the active language, else English, else any."""
    if not ids:
        return {}
    language = translation.get_language() or FALLBACK_LANGUAGE
    preference = {language: 0, FALLBACK_LANGUAGE: 1}
    best: dict[int, tuple[int, str, str]] = {}
    rows = Article.objects.filter(pk__in=ids).values_list(
        "pk", "slug", "translations__language", "translations__title")
    for pk, slug, lang, title in rows:
        rank = preference.get(lang, 2) if lang else 3
        if pk not in best or rank < best[pk][0]:
            best[pk] = (rank, slug, title or "")
    return {pk: (slug, title) for pk, (_rank, slug, title) in best.items()}


# --- macros ------------------------------------------------------------------------------------

MACROS_SHOWN = 10


def macro_usage(filters: ReportFilters, limit: int = MACROS_SHOWN) -> list[dict]:
    """The most used macros in the period (applied between its first and last day, by the
    agents and on the conversations the filters keep): title, uses, conversations."""
    qs = MacroUse.objects.filter(used_at__gte=filters.start, used_at__lt=filters.end)
    for agent_id in (filters.restrict_to_agent_id, filters.agent_id):
        if agent_id is not None:
            qs = qs.filter(agent_id=agent_id)
    if filters.team_id is not None:
        qs = qs.filter(conversation__team_id=filters.team_id)
    if filters.channel:
        qs = qs.filter(conversation__channel=filters.channel)
    if filters.topic:
        qs = qs.filter(conversation__topic=filters.topic)
    if filters.tier:
        qs = qs.filter(conversation__customer__customer_profile__tier=filters.tier)
    rows = (qs.values("macro_id", "macro__title")
            .annotate(uses=Count("id"), conversations=Count("conversation_id", distinct=True))
            .order_by("-uses", "macro__title")[:limit])
    return [{"macro_id": r["macro_id"], "title": r["macro__title"], "uses": r["uses"],
             "conversations": r["conversations"]} for r in rows]


# --- the whole report and its drill-down ----------------------------------------------------------

def build_report(filters: ReportFilters) -> dict:
    figures = report_figures(filters)
    speed = speed_and_sla(filters, figures=figures)
    names = agent_names(figures.by("agent"))
    return {
        "filters": filters,
        "satisfaction": satisfaction(filters, figures),
        "low_ratings": low_ratings(filters, rating_ids=figures.low_rating_ids),
        "speed": speed,
        "volume": volume(filters, figures, names),
        "agents": agent_table(filters, speed["per_agent_durations"], figures, names),
        "self_service": self_service(filters),
        "after_article": conversations_after_article(filters, figures),
        "macros": macro_usage(filters),
    }


DRILL_KEYS = ("hour", "score", "unassigned", "noteam", "low", "article", "after_article")


def drill_down(filters: ReportFilters, params) -> QuerySet[Conversation]:
    """The conversations behind one chart point or table cell: the filters plus one bucket.

    ``params`` may hold ``hour`` (0-23, local), ``score`` (1-5), ``low=1`` (ratings of 1-2),
    ``unassigned=1``, ``noteam=1``, ``after_article=1`` (opened just after reading a help
    article) or ``article`` (an article's id: opened just after reading it); a day is a one-day date range and a channel, topic, team or
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
    if params.get("after_article") == "1":
        qs = qs.filter(source_article__isnull=False)
    article = params.get("article", "")
    if article.isascii() and article.isdigit() and len(article) <= 18:
        qs = qs.filter(source_article_id=int(article))
    return qs.select_related("customer", "assignee", "team", "rating").order_by("-created_at")

