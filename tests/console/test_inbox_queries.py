"""The inbox page and its rows JSON take the same number of queries for 5 conversations as
for 50, whatever the filters."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.models import Status, Tag, Team
from tests.console.inbox_helpers import make_conversation
from tests.factories import AgentFactory, CustomerFactory, ManagerFactory

pytestmark = pytest.mark.django_db


def _make(n, *, agent, team, tag):
    customers = [CustomerFactory() for _ in range(min(n, 5))]
    for i in range(n):
        customer = customers[i % len(customers)]
        make_conversation(customer, status=Status.OPEN if i % 2 else Status.WAITING,
                          assignee=agent if i % 2 else None, team=team, tags=[tag])


def _queries(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("factory", [AgentFactory, ManagerFactory])
@pytest.mark.parametrize("params", [{}, {"box": "mine", "tag": "vip", "sla": "none",
                                         "tier": "standard", "sort": "due"}])
def test_inbox_queries_do_not_grow_with_the_number_of_conversations(client, factory, params):
    user = factory()
    team = Team.objects.create(name="Orders")
    team.members.add(user)
    tag = Tag.objects.create(name="vip")
    client.force_login(user)
    _make(5, agent=user, team=team, tag=tag)
    small = {url: _queries(client, url, params)
             for url in ("/admin/console/", "/admin/console/rows/")}
    _make(45, agent=user, team=team, tag=tag)
    large = {url: _queries(client, url, params)
             for url in ("/admin/console/", "/admin/console/rows/")}
    assert small == large
    assert large["/admin/console/rows/"] <= 12 and large["/admin/console/"] <= 20, large
