"""In the admin an agent sees only the conversations of their teams (and their own and the
unassigned queue); a manager sees every one. Messages, attachments and ratings follow."""

import pytest
from django.apps import apps as django_apps

from helpdesk.models import AuthorRole, Channel, MessageKind, SatisfactionRating, Team
from helpdesk.roles import sync_roles
from helpdesk.services.conversations import conversation_open
from helpdesk.services.messages import message_post
from tests.factories import AgentFactory, CustomerFactory, ManagerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_teams():
    sync_roles(django_apps)
    orders_team = Team.objects.create(name="Orders")
    payments_team = Team.objects.create(name="Payments")
    alice = AgentFactory(full_name="Alice Orders")
    orders_team.members.add(alice)
    bob = AgentFactory(full_name="Bob Payments")
    payments_team.members.add(bob)
    customer = CustomerFactory()
    ours = conversation_open(customer=customer, channel=Channel.WEB, topic="orders",
                             description="Where is my parcel?")
    ours.team = orders_team
    ours.save(update_fields=["team"])
    theirs = conversation_open(customer=customer, channel=Channel.WEB, topic="payment",
                               description="I was charged twice")
    theirs.team = payments_team
    theirs.assignee = bob
    theirs.save(update_fields=["team", "assignee"])
    message_post(conversation=theirs, author=bob, author_role=AuthorRole.AGENT,
                 body="payments-only note", kind=MessageKind.NOTE)
    SatisfactionRating.objects.create(conversation=theirs, score=2, source="survey",
                                      created_at=theirs.created_at)
    return alice, ours, theirs


def test_an_agent_sees_only_their_teams_conversations_in_the_admin(client, two_teams):
    alice, ours, theirs = two_teams
    client.force_login(alice)
    listing = client.get("/admin/helpdesk/conversation/").content.decode()
    assert ours.reference in listing
    assert theirs.reference not in listing
    response = client.get(f"/admin/helpdesk/conversation/{theirs.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert client.get(f"/admin/helpdesk/conversation/{ours.pk}/change/").status_code == 200


def test_an_agent_sees_no_messages_or_ratings_of_other_teams(client, two_teams):
    alice, ours, theirs = two_teams
    client.force_login(alice)
    messages = client.get("/admin/helpdesk/message/").content.decode()
    assert ours.reference in messages  # the list names each message's conversation
    assert theirs.reference not in messages
    note = theirs.messages.get(kind=MessageKind.NOTE)
    assert client.get(f"/admin/helpdesk/message/{note.pk}/change/").status_code == 302
    ratings = client.get("/admin/helpdesk/satisfactionrating/").content.decode()
    assert theirs.reference not in ratings


def test_a_manager_sees_every_conversation(client, two_teams):
    _, ours, theirs = two_teams
    client.force_login(ManagerFactory())
    listing = client.get("/admin/helpdesk/conversation/").content.decode()
    assert ours.reference in listing and theirs.reference in listing
