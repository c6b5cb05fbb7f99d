"""The dashboard in headless Chromium against a real ASGI server: the charts are drawn.

Uses the browser fixtures of tests/e2e/conftest.py (Chromium in a thread of its own, so the
ORM stays usable in the test's thread; CSP violations and console errors recorded).
"""

import pytest
from django.conf import settings
from django.test import Client

from tests.e2e.conftest import browser, page  # noqa: F401 - fixtures
from tests.reports.conftest import PERIOD

pytestmark = pytest.mark.e2e

CHART_IDS = {"ratings", "day", "hour", "channel", "topic", "team", "agent"}


def test_manager_opens_the_dashboard_and_finds_the_charts_drawn(asgi_server, report_data, page):  # noqa: F811
    client = Client()
    client.force_login(report_data.manager)  # a session row the server reads from the test DB
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    url = (f"{asgi_server.url}/admin/reports/?date_from={PERIOD['date_from']}"
           f"&date_to={PERIOD['date_to']}")

    def steps(p):
        p.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session,
                                "url": asgi_server.url}])
        p.goto(url)
        p.wait_for_function(
            "window.helpdeskReportCharts && window.helpdeskReportCharts.length === 7")
        charts = p.evaluate("""() => window.helpdeskReportCharts.map(c => ({
            id: c.canvas.dataset.chart, width: c.canvas.width, height: c.canvas.height,
            points: c.data.datasets[0].data.reduce((a, b) => a + b, 0),
            drawn: c.getDatasetMeta(0).data.length,
            registered: window.Chart.getChart(c.canvas) === c}))""")
        # Something was painted on each canvas: not every pixel is transparent.
        painted = p.evaluate("""() => window.helpdeskReportCharts.map(c => {
            const ctx = c.canvas.getContext("2d");
            const px = ctx.getImageData(0, 0, c.canvas.width, c.canvas.height).data;
            for (let i = 3; i < px.length; i += 4) { if (px[i] !== 0) return true; }
            return false; })""")
        csat = p.get_by_test_id("csat").inner_text()

        # A click on the 17:00 bar of the hour chart lists the conversation behind it.
        p.locator("#chart-hour").scroll_into_view_if_needed()
        box = p.locator("#chart-hour").bounding_box()
        bar = p.evaluate("""() => {
            const c = window.helpdeskReportCharts.find(x => x.canvas.dataset.chart === 'hour');
            const bar = c.getDatasetMeta(0).data[17];
            return {x: bar.x, y: (bar.y + bar.base) / 2};
        }""")
        p.mouse.click(box["x"] + bar["x"], box["y"] + bar["y"])
        p.wait_for_url("**/admin/reports/conversations/**hour=17**")
        references = p.locator("[data-testid=drill-down] tbody th a").all_inner_texts()
        return charts, painted, csat, references

    charts, painted, csat, references = page.run(steps)

    assert page.page_errors == [] and page.console_errors == [] and page.csp_violations == []
    assert {c["id"] for c in charts} == CHART_IDS
    for chart in charts:
        assert chart["width"] > 0 and chart["height"] > 0 and chart["registered"], chart
        assert chart["drawn"] > 0, chart
    assert all(painted)
    totals = {c["id"]: c["points"] for c in charts}
    assert totals["ratings"] == 3 and totals["hour"] == 5 and totals["channel"] == 5
    assert csat.startswith("66.7")
    assert references == [report_data.c[1].reference]
