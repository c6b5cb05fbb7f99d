"""Two agents in two Chromium contexts on one conversation: each sees the other viewing and
typing (the ``viewing`` frame, static/js/console-story.js), and one approves the customer's
return right from the conversation, its event appearing in the conversation's history.

Runs on the embedded default and, with DATABASE_URL/REDIS_URL set, on PostgreSQL and Redis
(this area's Redis database: 15).
"""

import os

import pytest
from django.conf import settings

from helpdesk.models import MessageKind
from orders import services as order_services
from orders.models import ReturnReason, ReturnStatus
from tests.chat.conftest import make_agent, session_key_for
from tests.conftest import AsgiServer, call_failed
from tests.e2e.conftest import browser, page_factory  # noqa: F401, F811 - Chromium fixtures
from tests.factories import CustomerFactory, DeliveredOrderFactory, OrderItemFactory
from tests.services import redis_url, require

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STORY_REDIS_DB = 15


@pytest.fixture
def story_server(request, transactional_db, django_db_serialized_rollback):
    env = {"CHAT_HEARTBEAT_SECONDS": "2", "CELERY_TASK_ALWAYS_EAGER": "true",
           "HELPDESK_INPROCESS_BEAT": "false", "REDIS_URL": ""}
    if os.environ.get("REDIS_URL"):
        url = redis_url(STORY_REDIS_DB)
        require(bool(url), "REDIS_URL is set but Redis does not answer")
        env["REDIS_URL"] = url
    server = AsgiServer(extra_env=env).start()
    yield server
    server.stop()
    if call_failed(request):
        import sys

        sys.stderr.write(f"--- ASGI server log ---\n{server.log()[-20000:]}\n")


def _login(page, server, user):
    key = session_key_for(user)

    def steps(p):
        p.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key,
                                "url": server.url}])
    page.run(steps)


def test_two_agents_see_each_other_and_one_approves_the_return_from_the_conversation(
        story_server, page_factory):  # noqa: F811
    base = story_server.url
    customer = CustomerFactory(full_name="Ann Customer")
    order = DeliveredOrderFactory(customer=customer)
    item = OrderItemFactory(order=order)
    ret = order_services.return_request_create(
        customer=customer, order=order, quantities={item.pk: 1}, reason=ReturnReason.DAMAGED,
        description="The kettle arrived cracked")
    conv = ret.conversations.get()
    olga = make_agent(full_name="Olga Agent")
    boris = make_agent(full_name="Boris Agent")
    olga_page, boris_page = page_factory(locale="en-US"), page_factory(locale="en-US")
    _login(olga_page, story_server, olga)
    _login(boris_page, story_server, boris)
    url = f"{base}/admin/console/{conv.reference}/"

    def open_conversation(p):
        p.goto(url)
        p.wait_for_selector("[data-console][data-connected='1']")

    olga_page.run(open_conversation)
    boris_page.run(open_conversation)

    def sees(text):
        def steps(p):
            p.get_by_test_id("story-presence").get_by_text(text).wait_for(timeout=15000)
            return p.get_by_test_id("story-presence").inner_text()
        return steps

    assert "Olga is viewing" in boris_page.run(sees("Olga is viewing"))
    # Olga was there first: she heard of Boris and announced herself back; she sees him too.
    assert "Boris is viewing" in olga_page.run(sees("Boris is viewing"))

    def olga_types(p):
        p.fill("#console-input", "Let me check the photos")
    olga_page.run(olga_types)
    assert "Olga is typing" in boris_page.run(sees("Olga is typing"))

    def approve(p):
        row = p.locator(f"[data-testid=story-return][data-reference='{ret.reference}']")
        row.get_by_test_id("story-return-approve").click()
        p.wait_for_selector("[data-testid=story-return][data-status='approved']")
        p.get_by_test_id("console-log").get_by_text(
            f"Return {ret.reference} was approved").wait_for()
        return p.locator(f"[data-testid=story-return][data-reference='{ret.reference}'] "
                         "[data-testid=story-return-status]").inner_text()

    assert boris_page.run(approve) == "Approved"
    # Olga's open page hears of the decision live, as an event in the conversation.

    def olga_sees_event(p):
        p.get_by_test_id("console-log").get_by_text(
            f"Return {ret.reference} was approved").wait_for(timeout=15000)
    olga_page.run(olga_sees_event)
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.APPROVED
    assert conv.messages.filter(kind=MessageKind.EVENT, event="return_approved").exists()
    for page in (olga_page, boris_page):
        assert page.csp_violations == []
        assert page.console_errors == []
