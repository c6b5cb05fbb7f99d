"""The inbox's filters, sort and paging: every tab's count is the number of rows it shows
under the same filters; a bad filter value is reported and ignored, never an error page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import MembershipTier
from helpdesk.models import Channel, Status, Tag, Team
from helpdesk.selectors import BOX_NAMES, InboxQuery, inbox, inbox_counts, inbox_query_parse
from tests.console.inbox_helpers import make_conversation
from tests.factories import AgentFactory, CustomerFactory, ManagerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """An agent in one team, a tag, and open work of every kind around them."""
    agent = AgentFactory(full_name="Alma Agent")
    team = Team.objects.create(name="Orders")
    team.members.add(agent)
    other = Team.objects.create(name="Elsewhere")
    vip = Tag.objects.create(name="vip")
    now = timezone.now()
    standard = CustomerFactory(full_name="Sam Standard")
    premium = CustomerFactory(full_name="Pat Premium", profile__tier=MembershipTier.PREMIUM)
    make_conversation(standard, due=now - timedelta(minutes=5), tags=[vip])       # breached
    make_conversation(premium, due=now + timedelta(minutes=5), language="ru")    # at risk
    make_conversation(standard, status=Status.OPEN, channel=Channel.EMAIL, assignee=agent,
                      team=team, due=now + timedelta(hours=3), priority=4)        # on track
    make_conversation(premium, status=Status.PENDING, channel=Channel.WEB, team=team,
                      topic="payment", tags=[vip])                               # no due
    make_conversation(standard, status=Status.OPEN, team=other)                   # not theirs
    make_conversation(standard, status=Status.RESOLVED, assignee=agent, team=team)  # done
    return agent


QUERIES = [
    {}, {"channel": "chat"}, {"channel": "email"}, {"status": "pending"}, {"topic": "payment"},
    {"priority": "4"}, {"tier": "premium"}, {"tier": "standard"}, {"tag": "vip"},
    {"sla": "breached"}, {"sla": "at_risk"}, {"sla": "on_track"}, {"sla": "none"},
    {"language": "ru"}, {"tag": "vip", "tier": "premium"},
]


@pytest.mark.parametrize("params", QUERIES)
def test_every_tabs_count_is_the_number_of_rows_it_shows_under_the_filters(
        client, world, params):
    client.force_login(world)
    for box in BOX_NAMES:
        data = client.get("/admin/console/rows/", {**params, "box": box}).json()
        assert data["total"] == data["counts"][box] == len(data["rows"]), (params, box)
        assert data["errors"] == {}


def test_each_filter_keeps_exactly_the_matching_conversations(world):
    def refs(**params):
        query, errors = inbox_query_parse(params, tag_names=["vip"])
        assert not errors
        return {c.customer.full_name + ":" + c.status + ":" + c.channel
                for c in inbox(user=world, box="all", query=query)}

    assert refs(sla="breached") == {"Sam Standard:waiting:chat"}
    assert refs(sla="at_risk") == {"Pat Premium:waiting:chat"}
    assert refs(sla="on_track") == {"Sam Standard:open:email"}
    assert refs(sla="none") == {"Pat Premium:pending:web"}
    assert refs(tier="premium") == {"Pat Premium:waiting:chat", "Pat Premium:pending:web"}
    assert refs(tag="vip", channel="web") == {"Pat Premium:pending:web"}
    assert refs(priority="4") == {"Sam Standard:open:email"}
    assert refs(language="ru") == {"Pat Premium:waiting:chat"}
    assert inbox_counts(user=world, query=InboxQuery(tag="vip")) == {
        "waiting": 1, "mine": 0, "team": 1, "all": 2}


def test_a_customer_without_a_profile_counts_as_standard(world):
    from tests.factories import UserFactory
    make_conversation(UserFactory(full_name="No Profile"))
    names = {c.customer.full_name for c in
             inbox(user=world, box="waiting", query=InboxQuery(tier="standard"))}
    assert "No Profile" in names and "Pat Premium" not in names


def test_the_sla_warning_window_is_the_setting(world, settings):
    settings.SLA_WARNING_MINUTES = 1
    assert inbox_counts(user=world, query=InboxQuery(sla="at_risk"))["all"] == 0
    settings.SLA_WARNING_MINUTES = 240
    assert inbox_counts(user=world, query=InboxQuery(sla="at_risk"))["all"] == 2


def test_an_unknown_filter_value_is_shown_as_an_error_and_not_applied(client, world):
    client.force_login(world)
    page = client.get("/admin/console/", {"box": "all", "channel": "fax", "tag": "nope",
                                          "sort": "random", "priority": "<script>"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="filter-error-channel"' in html
    assert 'data-testid="filter-error-tag"' in html
    assert 'data-testid="filter-error-sort"' in html
    assert "<script>" not in html.split('data-testid="inbox-filters"')[1]
    data = client.get("/admin/console/rows/", {"box": "all", "channel": "fax"}).json()
    assert set(data["errors"]) == {"channel"}
    assert data["total"] == 4  # unfiltered


def test_sort_by_sla_due_puts_conversations_without_a_due_time_last(world):
    rows = list(inbox(user=world, box="all", query=InboxQuery(sort="due")))
    dues = [c.response_due_at for c in rows]
    assert dues[-1] is None
    assert dues[:-1] == sorted(dues[:-1])


def test_sort_by_wait_puts_the_longest_wait_first_and_newest_the_latest_first():
    agent = ManagerFactory()
    customer = CustomerFactory()
    queued_long_ago = make_conversation(customer, age_minutes=5, queued_minutes=90)
    old = make_conversation(customer, age_minutes=60)
    new = make_conversation(customer, age_minutes=1)
    wait = list(inbox(user=agent, box="waiting", query=InboxQuery(sort="wait")))
    assert wait == [queued_long_ago, old, new]
    newest = list(inbox(user=agent, box="waiting", query=InboxQuery(sort="newest")))
    assert newest == [new, queued_long_ago, old]


def test_more_rows_than_a_page_show_n_of_m_and_page_on(client):
    manager = ManagerFactory()
    customer = CustomerFactory()
    for minutes in range(60):
        make_conversation(customer, age_minutes=minutes + 1)
    client.force_login(manager)
    first = client.get("/admin/console/rows/", {"box": "waiting"}).json()
    assert (first["first"], first["last"], first["total"], first["has_next"]) == (1, 50, 60, True)
    second = client.get("/admin/console/rows/", {"box": "waiting", "page": 2}).json()
    assert (second["first"], second["last"], second["has_next"]) == (51, 60, False)
    seen = {r["reference"] for r in first["rows"]} | {r["reference"] for r in second["rows"]}
    assert len(seen) == 60
    html = client.get("/admin/console/", {"box": "waiting"}).content.decode()
    assert "Showing 1–50 of 60" in html and 'data-testid="page-next"' in html
    # A page past the end or not a number shows the last or the first page, not an error.
    assert client.get("/admin/console/rows/", {"page": 999}).json()["first"] == 51
    assert client.get("/admin/console/rows/", {"page": "x"}).json()["first"] == 1
