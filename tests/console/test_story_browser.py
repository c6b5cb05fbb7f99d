"""Two agents in two Chromium contexts on one conversation: each sees the other viewing and
typing (the ``viewing`` frame, static/js/console-story.js), and one approves the customer's
return right from the conversation, its event appearing in the conversation's history.

Runs on the embedded default and, with DATABASE_URL/REDIS_URL set, on PostgreSQL and Redis
(this area's Redis database: 15).
"""


import pytest

from helpdesk.models import MessageKind
from orders import services as order_services
from orders.models import ReturnReason, ReturnStatus
from tests.chat.conftest import make_agent
from tests.console.conftest import console_login
from tests.e2e.conftest import browser, page_factory  # noqa: F401, F811 - Chromium fixtures
from tests.factories import CustomerFactory, DeliveredOrderFactory, OrderItemFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_agents_see_each_other_and_one_approves_the_return_from_the_conversation(
        console_server, page_factory):  # noqa: F811
    base = console_server.url
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
    console_login(olga_page, console_server, olga)
    console_login(boris_page, console_server, boris)
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
