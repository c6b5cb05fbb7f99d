"""Report a problem offers "chat now" (the pre-chat form with the order and topic) while the
chat is available, and only the written request otherwise."""

import pytest

from accounts.models import AgentStatus
from tests.chat.conftest import make_agent
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(db):
    return OrderFactory(customer=CustomerFactory())


def test_chat_now_is_offered_with_the_order_and_the_problems_topic(client, order):
    make_agent()
    client.force_login(order.customer)
    response = client.get(f"/orders/{order.number}/report-problem/?problem=damaged")
    assert response.status_code == 200
    assert response.context["chat_url"] == f"/chat/?order={order.number}&topic=returns"
    assert b'data-testid="report-chat-now"' in response.content
    form = client.get(response.context["chat_url"]).context["form"]
    assert (form["order"].value(), form["topic"].value()) == (order.number, "returns")


def test_without_an_agent_only_the_written_request_is_offered(client, order):
    make_agent(status=AgentStatus.AWAY)
    client.force_login(order.customer)
    response = client.get(f"/orders/{order.number}/report-problem/")
    assert response.context["chat_url"] is None
    assert b'data-testid="report-chat-now"' not in response.content
    assert b'data-testid="send-report"' in response.content
