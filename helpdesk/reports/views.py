"""The reports' admin views: dashboard, drill-down list, CSV export. Thin: parse, select, render.

Each view is wrapped by ``admin.site.admin_view`` (in ``urls``): anyone who is not active staff
goes to the admin login. Staff who are neither manager nor agent get 403; an agent's figures
are bounded to their own conversations by ``ReportFilters.restrict_to_agent_id``.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from helpdesk.models import Conversation
from helpdesk.reports.exports import TABLES, report_table, streaming_csv
from helpdesk.reports.filters import ReportFilters, filters_from_request
from helpdesk.reports.selectors import DRILL_KEYS, build_report, drill_down

PAGE_SIZE = 50


def format_duration(seconds: float | None) -> str:
    """A duration for people: "2 h 05 min", "45 min", "30 s"; an em dash for none."""
    if seconds is None:
        return "—"
    seconds = round(seconds)
    if seconds < 60:
        return _("%(seconds)d s") % {"seconds": seconds}
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    return _("%(hours)d h %(minutes)02d min") % {"hours": minutes // 60, "minutes": minutes % 60}


def format_percent(value: float | None) -> str:
    return "—" if value is None else f"{number_format(round(value, 1), 1)} %"


def _drill_url(filters: ReportFilters, **params) -> str:
    return f"{reverse('reports:conversations')}?{filters.querystring(**params)}"


def _volume_rows(filters: ReportFilters, key: str, rows: list[dict]) -> list[dict]:
    out = []
    for row in rows:
        value = row[key]
        if key == "day":
            url = _drill_url(filters.with_changes(date_from=value, date_to=value))
        elif key == "hour":
            url = _drill_url(filters, hour=value)
        elif key == "agent":
            url = _drill_url(filters, unassigned=1) if value is None \
                else _drill_url(filters.with_changes(agent_id=value))
        elif key == "team":
            url = _drill_url(filters, noteam=1) if value is None \
                else _drill_url(filters.with_changes(team_id=value))
        else:
            url = _drill_url(filters.with_changes(**{key: value}))
        label = row["label"] or (_("Unassigned") if key == "agent" else _("No team"))
        out.append({"label": label, "count": row["count"], "url": url})
    return out


def _sections(report: dict) -> list[dict]:
    """Chart and table of each distribution, with the drill-down URL of every point."""
    filters = report["filters"]
    volume = report["volume"]
    sections = [
        {"id": "ratings", "title": _("Ratings"), "kind": "bar", "column": _("Ratings"),
         "rows": [{"label": str(r["score"]), "count": r["count"],
                   "url": _drill_url(filters, score=r["score"])}
                  for r in report["satisfaction"]["by_score"]]},
        {"id": "day", "title": _("Conversations by day"), "kind": "line",
         "column": _("Conversations"), "rows": _volume_rows(filters, "day", volume["day"])},
        {"id": "hour", "title": _("Conversations by hour of day"), "kind": "bar",
         "column": _("Conversations"), "rows": _volume_rows(filters, "hour", volume["hour"])},
    ]
    for key, title in (("channel", _("Conversations by channel")),
                       ("topic", _("Conversations by topic")),
                       ("team", _("Conversations by team")),
                       ("agent", _("Conversations by agent"))):
        sections.append({"id": key, "title": title, "kind": "bar", "column": _("Conversations"),
                         "rows": _volume_rows(filters, key, volume[key])})
    return sections


def _chart_data(sections: list[dict]) -> list[dict]:
    return [{"id": s["id"], "kind": s["kind"], "title": s["title"], "column": s["column"],
             "labels": [r["label"] for r in s["rows"]],
             "values": [r["count"] for r in s["rows"]],
             "urls": [r["url"] for r in s["rows"]]} for s in sections]


def dashboard(request):
    form, filters = filters_from_request(request)
    context = {**admin.site.each_context(request), "title": _("Reports"), "form": form,
               "is_manager": request.user.is_manager}
    if filters is None:
        return render(request, "admin/reports/dashboard.html", context, status=400)
    report = build_report(filters)
    speed = report["speed"]
    sections = _sections(report)
    sla_rows = [{**row, "first_compliance_display": format_percent(row["first_compliance"]),
                 "resolution_compliance_display": format_percent(row["resolution_compliance"]),
                 "url": _drill_url(filters.with_changes(tier=row["tier"], channel=row["channel"]))}
                for row in speed["sla"]["rows"]]
    agents = [{**row,
               "first_response_median_display": format_duration(row["first_response_median"]),
               "resolution_median_display": format_duration(row["resolution_median"]),
               "csat_display": format_percent(row["csat"]),
               "url": _drill_url(filters.with_changes(agent_id=row["agent_id"]))}
              for row in report["agents"]]
    measures = [
        {"label": _("First response (business hours)"), **speed["first_response"]},
        {"label": _("Resolution (business hours)"), **speed["resolution"]},
        {"label": _("Chat queue wait"), **speed["queue_wait"]},
    ]
    for m in measures:
        m.update(median_display=format_duration(m["median"]), p90_display=format_duration(m["p90"]),
                 average_display=format_duration(m["average"]))
    satisfaction = report["satisfaction"]
    after = report["after_article"]
    after_rows = [{**row, "share_display": format_percent(row["share"]),
                   "article_url": reverse("faq:article", args=[row["slug"]]) if row["slug"]
                   else "",
                   "url": _drill_url(filters, article=row["article_id"])}
                  for row in after["articles"]]
    context.update(
        report=report,
        filters=filters,
        querystring=filters.querystring(),
        satisfaction=satisfaction,
        csat_display=format_percent(satisfaction["csat"]),
        average_display="—" if satisfaction["average"] is None
        else number_format(round(satisfaction["average"], 2), 2),
        low_ratings=report["low_ratings"],
        low_ratings_url=_drill_url(filters, low=1),
        measures=measures,
        sla=speed["sla"],
        sla_rows=sla_rows,
        sla_first_display=format_percent(speed["sla"]["first_compliance"]),
        sla_resolution_display=format_percent(speed["sla"]["resolution_compliance"]),
        sections=sections,
        chart_data=_chart_data(sections),
        agents=agents,
        self_service=report["self_service"],
        survey_rate_display=format_percent(satisfaction["survey_response_rate"]),
        helpful_share_display=format_percent(report["self_service"]["helpful_share"]),
        after_article=after,
        after_article_share_display=format_percent(after["share"]),
        after_article_url=_drill_url(filters, after_article=1),
        after_article_rows=after_rows,
        all_conversations_url=_drill_url(filters),
    )
    return render(request, "admin/reports/dashboard.html", context)


def conversations(request):
    """The conversations behind a point or cell, newest first, each linked to its admin page."""
    form, filters = filters_from_request(request)
    if filters is None:
        raise Http404
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    offset = (page - 1) * PAGE_SIZE
    # No COUNT(*): one row more than a page says whether there is a next page.
    rows = list(drill_down(filters, request.GET)[offset:offset + PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    drill = {k: request.GET[k] for k in DRILL_KEYS if request.GET.get(k)}
    base = filters.querystring(**drill)
    context = {
        **admin.site.each_context(request), "title": _("Conversations in the report"),
        "rows": [{"conversation": c,
                  "url": reverse("admin:helpdesk_conversation_change", args=[c.pk]),
                  "score": getattr(getattr(c, "rating", None), "score", None)}
                 for c in rows[:PAGE_SIZE]],
        "page": page, "has_next": has_next,
        "next_url": f"?{base}&page={page + 1}", "previous_url": f"?{base}&page={page - 1}",
        "export_url": f"{reverse('reports:export', args=['conversations'])}?{base}",
        "dashboard_url": f"{reverse('reports:dashboard')}?{filters.querystring()}",
    }
    return render(request, "admin/reports/conversations.html", context)


def export(request, table: str):
    """One table of the dashboard, or the conversation-level data, as streamed CSV."""
    form, filters = filters_from_request(request)
    if filters is None or table not in TABLES:
        raise Http404
    header, rows = report_table(filters, table, request.GET)
    name = f"report-{table}-{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}.csv"
    audit_record(request=request, action="report.export", model=Conversation, details={
        "table": table, "file": name, "query": request.GET.urlencode()})
    return streaming_csv(name, header, rows)
