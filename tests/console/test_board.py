"""The live board (helpdesk/console/board.py): each figure on known data, who may open it, its
fixed number of queries, and, in Chromium, the queue count rising without a reload when a
customer starts a chat."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AgentStatus
from helpdesk.console.board import board_figures, board_payload
from helpdesk.models import Channel, Conversation, SatisfactionRating, Status, Team
from helpdesk.services.assignment import agent_seen
from helpdesk.services.conversations import conversation_open
from tests.chat.conftest import make_agent
from tests.console.conftest import console_login
from tests.e2e.conftest import browser, page_factory  # noqa: F401 - Chromium for the browser test
from tests.factories import AgentFactory, CustomerFactory, ManagerFactory
from tests.services import REPO

DATA_URL = "/admin/console/board/data/"


def _open(*, channel=Channel.WEB, topic="orders", status=None, assignee=None, team=None,
          queued_at=None, due=None, resolved_at=None):
    conv = conversation_open(customer=CustomerFactory(full_name="Ann Customer"),
                             channel=channel, topic=topic, description="Where is my parcel?")
    conv.assignee, conv.team = assignee, team
    if status:
        conv.status = status
    if queued_at:   # a chat waits from its queueing, a written request from its creation
        if channel == Channel.CHAT:
            conv.queued_at = queued_at
        else:
            conv.created_at = queued_at
    conv.response_due_at = due
    conv.resolved_at = resolved_at
    conv.save(update_fields=["assignee", "team", "status", "queued_at", "created_at",
                             "response_due_at", "resolved_at"])
    return conv


def _data(client, user) -> dict:
    client.force_login(user)
    response = client.get(DATA_URL)
    assert response.status_code == 200
    return response.json()


@pytest.mark.django_db
def test_queue_counts_waiting_conversations_by_channel_and_topic_with_the_oldest_wait(client):
    now = datetime.now(UTC)
    _open(topic="orders", queued_at=now - timedelta(minutes=40))
    _open(topic="orders", queued_at=now - timedelta(minutes=5))
    _open(channel=Channel.CHAT, topic="payment", queued_at=now - timedelta(minutes=12))
    _open(channel=Channel.CHAT, topic="payment", status=Status.PENDING)  # waits on the customer
    _open(topic="orders", status=Status.OPEN, assignee=make_agent())   # taken: not queued
    _open(topic="returns", status=Status.RESOLVED)       # over: not in the queue

    queue = _data(client, ManagerFactory())["queue"]

    assert queue["waiting"] == 3
    assert queue["oldest_wait"] == "40\xa0minutes"
    rows = {(r["channel"], r["topic"]): (r["waiting"], r["oldest_wait"]) for r in queue["rows"]}
    assert rows == {("Written request", "Orders and delivery"): (2, "40\xa0minutes"),
                    ("Live chat", "Payment"): (1, "12\xa0minutes")}


@pytest.mark.django_db
def test_each_agent_is_shown_online_away_or_offline_with_their_load(client):
    busy = make_agent(full_name="Anna Busy", max_concurrent_chats=4)
    gone = make_agent(full_name="Boris Gone", present=False)   # online, but no console
    make_agent(full_name="Clara Away", status=AgentStatus.AWAY)
    make_agent(full_name="Dmitri Off", status=AgentStatus.OFFLINE, present=False)
    for _ in range(2):
        _open(channel=Channel.CHAT, status=Status.OPEN, assignee=busy)
    _open(status=Status.PENDING, assignee=busy)           # a written request waiting on the customer
    _open(status=Status.RESOLVED, assignee=busy)          # over: no load
    _open(channel=Channel.CHAT, status=Status.OPEN, assignee=gone)

    agents = _data(client, ManagerFactory())["agents"]

    rows = {r["name"]: (r["presence"], r["open"], r["chats"], r["max_chats"])
            for r in agents["rows"]}
    assert rows == {"Anna Busy": ("online", 3, 2, 4), "Boris Gone": ("away", 1, 1, 3),
                    "Clara Away": ("away", 0, 0, 3), "Dmitri Off": ("offline", 0, 0, 3)}
    assert (agents["online"], agents["away"], agents["offline"]) == (1, 2, 1)


@pytest.mark.django_db
def test_conversations_breached_or_due_soon_are_listed_and_the_others_not(client, settings):
    settings.SLA_WARNING_MINUTES = 15
    now = datetime.now(UTC)
    agent = make_agent(full_name="Anna Agent")
    soon = _open(status=Status.OPEN, assignee=agent, due=now + timedelta(minutes=5))
    late = _open(due=now - timedelta(minutes=10))
    later = _open(status=Status.OPEN, assignee=agent, due=now + timedelta(hours=2))
    paused = _open(status=Status.PENDING, assignee=agent, due=now - timedelta(minutes=30))
    done = _open(status=Status.RESOLVED, due=now - timedelta(hours=1))

    sla = _data(client, ManagerFactory())["sla"]

    assert [r["reference"] for r in sla["rows"]] == [late.reference, soon.reference]
    assert (sla["at_risk"], sla["breached"]) == (2, 1)
    by_ref = {r["reference"]: r for r in sla["rows"]}
    assert by_ref[late.reference]["breached"] is True
    assert by_ref[late.reference]["state"].startswith("Breached")
    assert by_ref[late.reference]["assignee"] == ""
    assert by_ref[soon.reference]["breached"] is False
    assert by_ref[soon.reference]["state"].startswith("Due in")
    assert (by_ref[soon.reference]["customer"], by_ref[soon.reference]["assignee"]) == (
        "Ann Customer", "Anna")
    assert by_ref[soon.reference]["url"] == reverse("helpdesk_console:conversation",
                                                    args=[soon.reference])
    assert {later.reference, paused.reference, done.reference}.isdisjoint(by_ref)


@pytest.mark.django_db
def test_todays_satisfaction_counts_the_support_time_zones_day_edges(settings):
    settings.SUPPORT_TIME_ZONE = "Asia/Shanghai"                 # UTC+8, no DST
    tz = ZoneInfo("Asia/Shanghai")
    now = datetime(2026, 3, 10, 12, 0, tzinfo=tz)
    start = datetime(2026, 3, 10, 0, 0, tzinfo=tz)               # 16:00 UTC the day before
    scores = [(start, 5), (start + timedelta(days=1, microseconds=-1), 3),   # today's edges
              (start - timedelta(microseconds=1), 1),                         # yesterday
              (start + timedelta(days=1), 1)]                                 # tomorrow
    for at, score in scores:
        conv = _open(status=Status.RESOLVED, resolved_at=at)
        SatisfactionRating.objects.create(conversation=conv, score=score, source="chat",
                                          created_at=at)

    today = board_payload(board_figures(user=ManagerFactory(), now=now))["today"]

    assert today == {"ratings": 2, "average": "4.00", "good_share": 50, "resolved": 2}


@pytest.mark.django_db
def test_an_agent_sees_only_the_figures_of_conversations_they_may_see(client):
    agent = make_agent(full_name="Anna Agent")
    mine, other = Team.objects.create(name="Mine"), Team.objects.create(name="Other")
    mine.members.add(agent)
    _open(team=mine)
    _open()                                       # unassigned, no team: everyone's queue
    _open(team=other)                             # another team's: not counted
    assert _data(client, agent)["queue"]["waiting"] == 2
    assert _data(client, ManagerFactory())["queue"]["waiting"] == 3


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/console/board/", DATA_URL])
def test_a_customer_and_an_anonymous_visitor_get_no_board(client, url):
    _open()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    client.force_login(CustomerFactory())
    customer = client.get(url)
    assert customer.status_code in (302, 403)
    assert b"waiting" not in customer.content


@pytest.mark.django_db
def test_the_board_page_links_from_the_console_and_carries_its_strings(client):
    client.force_login(make_agent())
    assert 'href="/admin/console/board/"' in client.get("/admin/console/").content.decode()
    page = client.get("/admin/console/board/").content.decode()
    assert 'data-board-url="/admin/console/board/data/"' in page
    assert 'src="/static/js/console-board.js"' in page
    # Every string the script shows comes from the page's <template id="console-i18n">.
    used = set(re.findall(r"\bt\.(\w+)", (REPO / "static/js/console-board.js").read_text()))
    template = re.search(r'<template id="console-i18n"(.*?)></template>', page, re.S).group(1)
    given = dict(re.findall(r'data-([\w-]+)="([^"]*)"', template))
    assert used and all(given.get(key, "").strip() for key in used), used - set(given)


def _many_agents(n: int) -> None:
    """``n`` agents online, each with an open chat close to its due time, and a rating."""
    for _ in range(n):
        agent = AgentFactory(agent_profile__status=AgentStatus.ONLINE)
        agent_seen(agent_id=agent.pk)
        conv = _open(channel=Channel.CHAT, status=Status.OPEN, assignee=agent,
                     due=datetime.now(UTC) + timedelta(minutes=1))
        SatisfactionRating.objects.create(conversation=conv, score=5, source="chat",
                                          created_at=datetime.now(UTC))


@pytest.mark.django_db
@pytest.mark.parametrize(("viewer", "queries"), [("manager", 7), ("agent", 9)])
def test_the_board_costs_the_same_queries_for_5_and_50_agents(client, viewer, queries,
                                                              django_assert_num_queries):
    """The board's own six queries, after reading the viewer's roles (one for a manager,
    three for an agent, whose visible conversations depend on their teams)."""
    user = ManagerFactory() if viewer == "manager" else make_agent()
    client.force_login(user)
    _many_agents(4)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(DATA_URL).json()["agents"]["rows"]) == 5 - (viewer == "manager")
    _many_agents(46)
    with CaptureQueriesContext(connection) as many:
        data = client.get(DATA_URL).json()
    assert len(data["agents"]["rows"]) == 51 - (viewer == "manager")
    # An agent outside these conversations' teams counts none of them (visible_conversations).
    seen = 50 if viewer == "manager" else 0
    assert (data["sla"]["at_risk"], data["today"]["ratings"]) == (seen, seen)
    assert len(few) == len(many)
    with django_assert_num_queries(queries):
        board_figures(user=user)


# --- In Chromium -----------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_board_counts_a_new_chat_without_a_reload(console_server, page_factory):  # noqa: F811
    base = console_server.url
    customer = CustomerFactory(full_name="Ann Customer")
    manager = ManagerFactory(full_name="Mila Manager")
    # An agent busy with another chat, so the customer's chat waits in the queue.
    agent = make_agent(full_name="Boris Agent", max_concurrent_chats=1)
    _open(channel=Channel.CHAT, status=Status.OPEN, assignee=agent)

    board_page, customer_page = page_factory(locale="en-US"), page_factory(locale="en-US")
    console_login(board_page, console_server, manager)
    console_login(customer_page, console_server, customer)

    def open_board(p):
        p.goto(f"{base}/admin/console/board/")
        p.wait_for_selector("[data-console=board][data-connected='1'][data-loaded='1']")
        return {"waiting": p.get_by_test_id("board-waiting").inner_text(),
                "agents": p.locator("[data-testid=board-agents] tbody tr").all_inner_texts()}

    seen = board_page.run(open_board)
    assert seen["waiting"] == "0"
    assert any("Boris Agent" in row and "1 / 1" in row for row in seen["agents"])

    def start_chat(p):
        p.goto(f"{base}/chat/")
        p.select_option("#id_topic", "orders")
        p.fill("#id_description", "My delivery is late")
        p.get_by_test_id("prechat-submit").click()
        p.wait_for_url(f"{base}/chat/HD-*/")

    customer_page.run(start_chat)
    conv = Conversation.objects.get(customer=customer)
    assert conv.status == Status.WAITING

    def queue_rises(p):
        p.wait_for_function("() => document.querySelector('[data-testid=board-waiting]')"
                            ".textContent === '1'", timeout=10_000)
        return p.locator("[data-testid=board-queue] tbody tr").all_inner_texts()

    rows = board_page.run(queue_rises)
    assert len(rows) == 1 and "Live chat" in rows[0] and "Orders and delivery" in rows[0]
    assert board_page.csp_violations == [] and customer_page.csp_violations == []
    assert board_page.page_errors == []
