"""The dashboard in headless Chromium against a real ASGI server: the charts are drawn."""

import pytest
from django.conf import settings
from django.test import Client

from tests.reports.conftest import PERIOD
from tests.services import CHROMIUM, chromium_available, require

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.mark.e2e
def test_manager_opens_the_dashboard_and_finds_the_charts_drawn(asgi_server, report_data):
    require(chromium_available(), f"needs Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    client = Client()
    client.force_login(report_data.manager)  # a session row the server reads from the test DB
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    url = f"{asgi_server.url}/admin/reports/?date_from={PERIOD['date_from']}&date_to={PERIOD['date_to']}"
    errors = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session,
                                  "url": asgi_server.url}])
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
            page.goto(url)
            page.wait_for_function("window.helpdeskReportCharts && window.helpdeskReportCharts.length === 7")
            charts = page.evaluate("""() => window.helpdeskReportCharts.map(c => ({
                id: c.canvas.dataset.chart, width: c.canvas.width, height: c.canvas.height,
                points: c.data.datasets[0].data.reduce((a, b) => a + b, 0),
                registered: window.Chart.getChart(c.canvas) === c}))""")
            assert page.get_by_test_id("csat").inner_text().startswith("66.7")

            # A click on the 17:00 bar of the hour chart lists the conversation behind it.
            page.locator("#chart-hour").scroll_into_view_if_needed()
            box = page.locator("#chart-hour").bounding_box()
            meta = page.evaluate("""() => {
                const c = window.helpdeskReportCharts.find(x => x.canvas.dataset.chart === 'hour');
                const bar = c.getDatasetMeta(0).data[17];
                return {x: bar.x, y: (bar.y + bar.base) / 2};
            }""")
            page.mouse.click(box["x"] + meta["x"], box["y"] + meta["y"])
            page.wait_for_url("**/admin/reports/conversations/**hour=17**")
            references = page.locator("[data-testid=drill-down] tbody th a").all_inner_texts()
        finally:
            browser.close()

    assert errors == []
    assert {c["id"] for c in charts} == {"ratings", "day", "hour", "channel", "topic", "team",
                                         "agent"}
    for chart in charts:
        assert chart["width"] > 0 and chart["height"] > 0 and chart["registered"], chart
    totals = {c["id"]: c["points"] for c in charts}
    assert totals["ratings"] == 3 and totals["hour"] == 5 and totals["channel"] == 5
    assert references == [report_data.c[1].reference]
