"""Honest routing: availability, queue position and the estimate count only the present agents
who can take the conversation; a closed console turns away after a grace period; written
requests and emails are assigned by the chats' rules; priority and tier order the queue."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AgentStatus, MembershipTier
from helpdesk.mail.inbound import email_ingest
from helpdesk.models import Channel, Conversation, Priority, Status, Team
from helpdesk.services.assignment import agent_seen, assignment_run, present_agents_changed
from helpdesk.services.availability import support_availability
from helpdesk.services.conversations import conversation_open, conversation_update
from helpdesk.services.queue import chat_open_now, queue_info
from helpdesk.services.routing import present_agents, topics_without_agent
from tests.factories import AgentFactory, CustomerFactory

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).parent.parent / "mail" / "corpus"
HONEST_CHAT = "No agent who can answer this topic in your language is online right now"


class Clock:
    """The clock, moved by the test (``timezone.now`` is what every service reads)."""

    def __init__(self, monkeypatch):
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def make_agent(present=True, **profile):
    agent = AgentFactory(**{f"agent_profile__{k}": v for k, v in
                            {"status": AgentStatus.ONLINE, **profile}.items()})
    if present:
        agent_seen(agent_id=agent.pk)
    return agent


def open_conv(channel=Channel.CHAT, topic="orders", language="en", minutes_ago=0,
              customer=None, priority=None):
    conv = conversation_open(customer=customer or CustomerFactory(), channel=channel,
                             topic=topic, description="Help", language=language)
    changes = {}
    if minutes_ago:
        t = timezone.now() - timedelta(minutes=minutes_ago)
        changes = {"created_at": t, "queued_at": t if channel == Channel.CHAT else None}
    if priority is not None:
        changes["priority"] = priority
    if changes:
        Conversation.objects.filter(pk=conv.pk).update(**changes)
        conv.refresh_from_db()
    return conv


# --- 1. Only agents who can take the topic and language count ----------------------------------


def test_payment_chat_without_a_payment_agent_gets_no_estimate_and_an_honest_page(client):
    make_agent(skills=["orders"], languages=["en"])
    customer = CustomerFactory(language="en")
    # The payment agent was there when the chat started, then went offline.
    payment_agent = make_agent(skills=["payment"], languages=["en"], max_concurrent_chats=0)
    chat = open_conv(topic="payment", customer=customer)
    payment_agent.agent_profile.status = AgentStatus.OFFLINE
    payment_agent.agent_profile.save(update_fields=["status"])

    info = queue_info(conversation=chat)
    assert info.estimated_wait is None
    assert info.as_dict()["no_agent"] is True
    assert info.agents_online == 0
    # An orders chat is served by the orders agent: an estimate, and no one ahead of it.
    orders = open_conv(topic="orders", minutes_ago=0)
    assert queue_info(conversation=orders).as_dict() == {
        "position": 1, "ahead": 0, "agents_online": 1, "estimated_wait": 0, "no_agent": False}

    client.force_login(customer)
    page = client.get(reverse("chat:page", args=[chat.reference])).content.decode()
    assert HONEST_CHAT in page  # what chat.js shows when the frame has no estimate


def test_prechat_form_and_contact_page_agree_that_payment_has_no_agent(client):
    make_agent(skills=["orders"], languages=["en"])
    customer = CustomerFactory(language="en")
    client.force_login(customer)
    assert topics_without_agent(language="en") == [
        "returns", "payment", "account", "promotions", "membership", "technical"]
    assert not chat_open_now(topic="payment", language="en")
    assert chat_open_now(topic="orders", language="en")

    prechat = client.get(reverse("chat:start")).content.decode()
    contact = client.get(reverse("contact")).content.decode()
    for html in (prechat, contact):
        assert 'data-testid="no-agent-topics"' in html
        assert "Payment" in html and "Orders and delivery" not in html.split(
            'data-testid="no-agent-topics"')[1].split("</p>")[0]
    assert "Available now" in contact

    # Sending the form about a payment opens a written request, said so; no chat, no estimate.
    response = client.post(reverse("chat:start"), {"topic": "payment",
                                                   "description": "Charged twice"}, follow=True)
    conv = Conversation.objects.get(customer=customer)
    assert conv.channel == Channel.WEB
    assert response.redirect_chain[-1][0] == reverse("requests:detail", args=[conv.reference])
    assert "No agent who handles this topic is online right now" in response.content.decode()
    # About orders the chat starts.
    client.post(reverse("chat:start"), {"topic": "orders", "description": "Late parcel"})
    assert Conversation.objects.filter(customer=customer, channel=Channel.CHAT).exists()


def test_an_agent_for_another_language_only_is_no_chat_for_this_customer(client):
    make_agent(languages=["ru"], skills=[])
    client.force_login(CustomerFactory(language="en"))
    contact = client.get(reverse("contact")).content.decode()
    assert "Not available right now" in contact
    prechat = client.get(reverse("chat:start")).content.decode()
    assert 'data-testid="chat-unavailable"' in prechat


def test_position_counts_only_chats_the_same_agents_could_take():
    make_agent(languages=["en"], skills=["orders"], max_concurrent_chats=0)
    make_agent(languages=["ru"], skills=["payment"], max_concurrent_chats=0)
    open_conv(topic="orders", language="en", minutes_ago=10)
    open_conv(topic="orders", language="en", minutes_ago=9)
    russian = open_conv(topic="payment", language="ru", minutes_ago=1)
    english = open_conv(topic="orders", language="en", minutes_ago=0)
    assert queue_info(conversation=russian).position == 1
    assert queue_info(conversation=english).position == 3


# --- 2. Away after the grace period ---------------------------------------------------------


def test_closed_console_is_away_after_the_grace_everywhere_and_back_with_the_console(
        client, clock, settings):
    settings.AGENT_AWAY_GRACE_SECONDS = 120
    agent = make_agent(skills=[], languages=["en"])
    present_agents_changed()  # what the beat saw last
    clock.advance(119)  # the console closed right after its last heartbeat
    assert not present_agents_changed()
    assert support_availability().chat_available
    chat = open_conv(minutes_ago=0)
    assert queue_info(conversation=chat).estimated_wait == 0

    clock.advance(2)  # past the grace: away for the contact page, the queue and assignment
    assert present_agents_changed()  # the beat tells the waiting customers (queue frames)
    assert list(present_agents()) == []
    assert not support_availability().chat_available
    assert "Not available right now" in client.get(reverse("contact")).content.decode()
    assert queue_info(conversation=chat).estimated_wait is None
    assert assignment_run() == []
    web = open_conv(channel=Channel.WEB)
    assert assignment_run() == []
    # Nothing was stored: the agent chose online and stays so.
    agent.agent_profile.refresh_from_db()
    assert agent.agent_profile.status == AgentStatus.ONLINE

    agent_seen(agent_id=agent.pk)  # the console is back (its socket's heartbeat)
    assert present_agents_changed()
    assert support_availability().chat_available
    assert "Available now" in client.get(reverse("contact")).content.decode()
    assert sorted(assignment_run()) == sorted([(chat.pk, agent.pk), (web.pk, agent.pk)])


# --- 3. Written requests and emails by the same rules ---------------------------------------


def test_written_requests_are_assigned_by_skill_language_and_their_own_capacity():
    english = make_agent(languages=["en"], skills=["orders"], max_open_requests=1,
                         max_concurrent_chats=1)
    russian = make_agent(languages=["ru"], skills=["payment"], max_open_requests=5)
    first = open_conv(channel=Channel.WEB, topic="orders", language="en", minutes_ago=5)
    second = open_conv(channel=Channel.WEB, topic="orders", language="en", minutes_ago=1)
    payment = open_conv(channel=Channel.WEB, topic="payment", language="ru")
    nobody = open_conv(channel=Channel.WEB, topic="payment", language="en")
    chat = open_conv(topic="orders", language="en")

    assigned = assignment_run()
    assert sorted(assigned) == sorted([(chat.pk, english.pk), (first.pk, english.pk),
                                       (payment.pk, russian.pk)])
    for conv in (second, nobody):  # over capacity / nobody speaks and handles it
        conv.refresh_from_db()
        assert conv.assignee_id is None and conv.status == Status.OPEN
    first.refresh_from_db()
    assert (first.status, first.assignee_id) == (Status.OPEN, english.pk)


def test_an_email_is_assigned_on_arrival_by_the_same_rules(django_capture_on_commit_callbacks):
    team = Team.objects.create(name="Orders", topics=["orders"])
    outsider = make_agent(languages=["en"], skills=["orders"])  # not in the team
    member = make_agent(languages=["en"], skills=["orders"])
    team.members.add(member)
    with django_capture_on_commit_callbacks(execute=True):
        email_ingest((CORPUS / "plain_utf8_new.eml").read_bytes(), source="test")
    conv = Conversation.objects.get(channel=Channel.EMAIL)
    assert (conv.topic, conv.team_id) == ("orders", team.pk)
    assert conv.assignee_id == member.pk != outsider.pk


# --- 4. Priority and tier order the queue ---------------------------------------------------


def test_an_urgent_chat_overtakes_older_normal_ones_in_position_and_assignment():
    old = open_conv(minutes_ago=10)
    older = open_conv(minutes_ago=20)
    urgent = open_conv(minutes_ago=1, priority=Priority.URGENT)
    assert [queue_info(conversation=c).position for c in (urgent, older, old)] == [1, 2, 3]
    conversation_update(conversation=old, by=None, priority=Priority.HIGH)
    assert [queue_info(conversation=c).position for c in (urgent, old, older)] == [1, 2, 3]

    agent = make_agent(max_concurrent_chats=1)
    assert assignment_run() == [(urgent.pk, agent.pk)]


def test_premium_members_first_among_equal_priority_then_the_oldest():
    premium = CustomerFactory(profile__tier=MembershipTier.PREMIUM)
    standard_old = open_conv(minutes_ago=30)
    standard_urgent = open_conv(minutes_ago=0, priority=Priority.URGENT)
    premium_new = open_conv(minutes_ago=0, customer=premium)
    order = sorted((standard_old, standard_urgent, premium_new),
                   key=lambda c: queue_info(conversation=c).position)
    assert order == [standard_urgent, premium_new, standard_old]

    web_old = open_conv(channel=Channel.WEB, minutes_ago=30)
    web_premium = open_conv(channel=Channel.WEB, minutes_ago=0, customer=premium)
    agent = make_agent(max_concurrent_chats=0, max_open_requests=1)
    assert assignment_run() == [(web_premium.pk, agent.pk)]
    web_old.refresh_from_db()
    assert web_old.assignee_id is None


def test_queue_info_reads_a_fixed_number_of_queries(django_assert_max_num_queries):
    for language in ("en", "ru"):
        make_agent(languages=[language])
    chats = [open_conv(minutes_ago=m) for m in range(30, 0, -1)]
    with django_assert_max_num_queries(6):
        info = queue_info(conversation=chats[-1])
    assert info.position == 30
