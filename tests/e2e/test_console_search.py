"""An agent types in the console's search box and opens the conversation it finds, in headless
Chromium against the real ASGI server, with no Content Security Policy violation."""

import pytest
from django.conf import settings
from django.test import Client

from helpdesk.services.conversations import conversation_open
from tests.factories import AgentFactory, CustomerFactory

pytestmark = pytest.mark.e2e


def test_agent_searches_from_the_console_and_opens_the_result(asgi_server, page):
    agent = AgentFactory(full_name="Boris Agent")
    conv = conversation_open(customer=CustomerFactory(full_name="Ann Customer"), channel="web",
                             topic="orders", subject="Kettle",
                             description="<script>alert(1)</script> the kettle leaks")
    client = Client()
    client.force_login(agent)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    base = asgi_server.url

    def steps(p):
        p.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_key,
                                "url": base}])
        p.goto(f"{base}/admin/console/")
        p.get_by_test_id("console-search-q").fill("zeppelin")  # in no conversation
        p.get_by_test_id("console-search-q").press("Enter")
        p.wait_for_url(f"{base}/admin/console/search/**")
        empty = p.get_by_test_id("search-none").count()
        p.get_by_test_id("console-search-q").fill("leaks")
        p.get_by_test_id("console-search-q").press("Enter")
        p.wait_for_selector("[data-testid=search-conversations]")
        detail = p.locator("[data-testid=search-conversations] .search-detail").first
        shown = {"text": detail.inner_text(),
                 "marked": detail.locator("mark").inner_text(),
                 "scripts": p.locator(".search-detail script").count()}
        p.locator("[data-testid=search-conversations] a.search-title").first.click()
        p.wait_for_url(f"{base}/admin/console/{conv.reference}/")
        return {"empty": empty, **shown}

    seen = page.run(steps)
    assert seen["empty"] == 1
    assert seen["text"].startswith("<script>alert(1)</script>")
    assert seen["marked"] == "leaks" and seen["scripts"] == 0
    assert page.csp_violations == []
    assert page.page_errors == []
