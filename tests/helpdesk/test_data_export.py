import json

import pytest

from helpdesk.models import AuthorRole, Channel, MessageKind
from helpdesk.services.conversations import conversation_open
from helpdesk.services.messages import message_post
from tests.factories import (
    AddressFactory,
    AgentFactory,
    CustomerFactory,
    DeliveredOrderFactory,
    OrderItemFactory,
    ShipmentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer_with_history():
    customer = CustomerFactory(full_name="Anna Petrova")
    AddressFactory(user=customer, city="Kazan")
    order = DeliveredOrderFactory(customer=customer, number="55500011")
    OrderItemFactory(order=order, name="Ceramic lamp")
    ShipmentFactory(order=order, tracking_number="TRACK-ANNA")
    conversation = conversation_open(customer=customer, channel=Channel.WEB, topic="returns",
                                     description="The lamp arrived broken", order=order)
    agent = AgentFactory(full_name="Boris Agent")
    message_post(conversation=conversation, author=agent, author_role=AuthorRole.AGENT,
                 body="Sorry to hear that, we will replace it.")
    message_post(conversation=conversation, author=agent, author_role=AuthorRole.AGENT,
                 body="SECRET internal: customer had 3 returns this year", kind=MessageKind.NOTE)
    return customer, conversation


def test_download_my_data_holds_everything_of_mine(client, customer_with_history):
    customer, conversation = customer_with_history
    client.force_login(customer)
    response = client.get("/accounts/my-data.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == customer.email
    assert data["addresses"][0]["city"] == "Kazan"
    assert data["orders"][0]["number"] == "55500011"
    assert data["orders"][0]["items"][0]["name"] == "Ceramic lamp"
    assert data["orders"][0]["shipments"][0]["tracking_number"] == "TRACK-ANNA"
    [exported] = data["conversations"]
    assert exported["reference"] == conversation.reference
    bodies = [m["body"] for m in exported["messages"]]
    assert bodies == ["The lamp arrived broken", "Sorry to hear that, we will replace it."]


def test_my_data_never_contains_internal_notes_passwords_or_other_customers(
        client, customer_with_history):
    customer, _ = customer_with_history
    other = CustomerFactory()
    DeliveredOrderFactory(customer=other, number="99900099")
    client.force_login(customer)
    text = client.get("/accounts/my-data.json").content.decode()
    assert "SECRET internal" not in text
    assert "99900099" not in text
    assert other.email not in text
    assert customer.password not in text
    assert "pbkdf2" not in text and "argon2" not in text


def test_my_data_needs_a_login(client):
    response = client.get("/accounts/my-data.json")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
