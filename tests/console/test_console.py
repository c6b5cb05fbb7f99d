"""The agent console (helpdesk/console/views.py): the inbox tabs and their counts, the
conversation page's customer sidebar, canned replies, and the status form's redirect."""

from datetime import timedelta

import pytest

from accounts.models import AgentProfile
from helpdesk.models import CannedReply, Channel, Status, Team
from helpdesk.selectors import inbox, inbox_counts
from helpdesk.services.conversations import conversation_open
from orders.models import ReturnReason, ReturnRequest
from tests.factories import (
    AgentFactory,
    CustomerFactory,
    DeliveredOrderFactory,
    ManagerFactory,
    OrderFactory,
    ShipmentFactory,
    TrackingEventFactory,
)

pytestmark = pytest.mark.django_db

BOX_NAMES = ["waiting", "mine", "team", "all"]


def _open(customer, *, team=None, assignee=None, status=None, channel=Channel.WEB):
    conv = conversation_open(customer=customer, channel=channel, topic="orders",
                             description="Where is my parcel?")
    conv.team, conv.assignee = team, assignee
    if status:
        conv.status = status
    conv.save(update_fields=["team", "assignee", "status"])
    return conv


@pytest.fixture
def agent_in_two_teams():
    """An agent in two teams of three, with work of every kind around them."""
    agent = AgentFactory(full_name="Tess Twoteams")
    teams = [Team.objects.create(name="Orders"), Team.objects.create(name="Payments")]
    elsewhere = Team.objects.create(name="Elsewhere")
    for team in teams:
        team.members.add(agent, AgentFactory(), AgentFactory())
    elsewhere.members.add(AgentFactory())
    customer = CustomerFactory()
    _open(customer, assignee=agent, team=teams[0], status=Status.OPEN)
    _open(customer, assignee=agent, team=teams[1], status=Status.PENDING)
    _open(customer, assignee=agent, status=Status.OPEN)  # theirs, no team
    _open(customer, team=teams[1], status=Status.OPEN)
    _open(customer, team=elsewhere, status=Status.OPEN)  # not theirs to see
    _open(customer, channel=Channel.CHAT)  # waiting in the queue
    _open(customer, assignee=agent, team=teams[0], status=Status.RESOLVED)  # done
    return agent


def test_inbox_counts_are_the_number_of_rows_of_each_tab_for_an_agent_in_two_teams(
        client, agent_in_two_teams):
    agent = agent_in_two_teams
    counts = inbox_counts(user=agent)
    assert counts == {box: inbox(user=agent, box=box).count() for box in BOX_NAMES}
    assert counts == {"waiting": 1, "mine": 3, "team": 3, "all": 5}
    client.force_login(agent)
    for box in BOX_NAMES:
        data = client.get(f"/admin/console/rows/?box={box}").json()
        assert data["counts"] == counts and len(data["rows"]) == counts[box], box


def test_a_managers_inbox_counts_every_open_conversation_once(agent_in_two_teams):
    manager = ManagerFactory()
    counts = inbox_counts(user=manager)
    assert counts == {box: inbox(user=manager, box=box).count() for box in BOX_NAMES}
    assert counts == {"waiting": 1, "mine": 0, "team": 0, "all": 6}


def test_the_conversation_page_shows_each_shipments_latest_tracking_event(client):
    customer = CustomerFactory()
    order = OrderFactory(customer=customer)
    shipment = ShipmentFactory(order=order)
    TrackingEventFactory(shipment=shipment, location="Podolsk warehouse")
    TrackingEventFactory(shipment=shipment, location="Kazan sorting centre",
                         occurred_at=shipment.shipped_at + timedelta(days=2))
    ShipmentFactory(order=order)  # a second parcel, no events yet
    conv = conversation_open(customer=customer, channel=Channel.WEB, topic="orders",
                             description="Two parcels", order=order)
    client.force_login(AgentFactory())
    page = client.get(f"/admin/console/{conv.reference}/")
    assert page.status_code == 200
    sidebar = page.content.decode().split('data-testid="console-sidebar"')[1]
    assert "Kazan sorting centre" in sidebar and "Podolsk warehouse" not in sidebar


def test_the_conversation_page_lists_the_customers_returns(client):
    customer = CustomerFactory()
    order = DeliveredOrderFactory(customer=customer)
    request = ReturnRequest.objects.create(order=order, customer=customer, reason=ReturnReason.values[0],
                                           fee=0, refund_amount=0)
    conv = conversation_open(customer=customer, channel=Channel.WEB, topic="returns",
                             description="Broken lamp")
    client.force_login(AgentFactory())
    page = client.get(f"/admin/console/{conv.reference}/").content.decode()
    assert request.reference in page


def test_a_canned_reply_with_a_stray_placeholder_is_offered_as_typed(client):
    customer = CustomerFactory()
    conv = conversation_open(customer=customer, channel=Channel.WEB, topic="orders",
                             description="Hello")
    CannedReply.objects.create(title="Broken", shortcut="broken", language="en",
                               body="Your reference is {reference[x]}")
    CannedReply.objects.create(title="Greeting", shortcut="greeting", language="en",
                               body="Hello {customer_name}, this is {agent_name}. {unknown}")
    client.force_login(AgentFactory(full_name="Vera Agent"))
    page = client.get(f"/admin/console/{conv.reference}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your reference is {reference[x]}" in text
    assert f"Hello {customer.get_short_name()}, this is Vera. {{unknown}}" in text


def test_opening_the_console_creates_no_agent_profile_for_a_manager(client):
    manager = ManagerFactory()
    client.force_login(manager)
    assert client.get("/admin/console/").status_code == 200
    assert not AgentProfile.objects.filter(user=manager).exists()


def test_the_transfer_form_offers_agents_only(client):
    manager = ManagerFactory(full_name="Mila Manager")
    AgentProfile.objects.create(user=manager)  # as setting a status in the console leaves
    agent = AgentFactory(full_name="Boris Agent")
    conv = conversation_open(customer=CustomerFactory(), channel=Channel.WEB, topic="orders",
                             description="Hello")
    client.force_login(agent)
    form = client.get(f"/admin/console/{conv.reference}/").context["transfer_form"]
    assert list(form.fields["agent"].queryset) == [agent]


@pytest.mark.parametrize("target", [
    "https://evil.example/phish", "//evil.example/phish", "http://testserver.evil.example/",
    "javascript:alert(1)", "/\\evil.example", "https:///evil.example",
])
def test_the_status_form_never_redirects_to_another_site(client, target):
    agent = AgentFactory()
    client.force_login(agent)
    response = client.post("/admin/console/status/", {"status": "away", "next": target})
    assert response.status_code == 302 and response.url == "/admin/console/"
    agent.agent_profile.refresh_from_db()
    assert agent.agent_profile.status == "away"


def test_the_status_form_returns_to_a_page_of_the_site(client):
    client.force_login(AgentFactory())
    response = client.post("/admin/console/status/",
                           {"status": "online", "next": "/admin/console/?box=mine"})
    assert response.status_code == 302 and response.url == "/admin/console/?box=mine"
