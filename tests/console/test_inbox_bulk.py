"""Bulk actions: each selected conversation goes through its one service in its own
transaction; those the agent may not touch are reported by reference, never skipped silently."""

import pytest
from django.core.exceptions import ValidationError

from helpdesk.models import Status, Tag, Team
from helpdesk.services.inbox import BULK_MAX, conversations_bulk
from tests.console.inbox_helpers import make_conversation
from tests.factories import AgentFactory, CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return AgentFactory(full_name="Bea Bulk")


@pytest.fixture
def hidden():
    """A conversation of a team the agent is not in."""
    return make_conversation(CustomerFactory(), status=Status.OPEN,
                             team=Team.objects.create(name="Elsewhere"))


def test_bulk_resolve_resolves_the_visible_and_reports_the_one_not_theirs(client, agent, hidden):
    customer = CustomerFactory()
    mine = [make_conversation(customer), make_conversation(customer, status=Status.OPEN,
                                                           assignee=agent)]
    client.force_login(agent)
    response = client.post("/admin/console/bulk/", {
        "action": "resolve", "conversation": [c.reference for c in [*mine, hidden]]},
        follow=True)
    html = response.content.decode()
    assert "Done for 2 conversations." in html
    assert f"{hidden.reference}: not found, or not yours to change" in html
    for conv in mine:
        conv.refresh_from_db()
        assert conv.status == Status.RESOLVED
    hidden.refresh_from_db()
    assert hidden.status == Status.OPEN


def test_bulk_assign_transfer_and_tag_each_go_through_their_service(agent):
    customer = CustomerFactory()
    other = AgentFactory(full_name="Otto Other")
    team = Team.objects.create(name="Payments")
    tag = Tag.objects.create(name="vip")
    convs = [make_conversation(customer) for _ in range(3)]
    refs = [c.reference for c in convs]
    assert all(o.ok for o in conversations_bulk(by=agent, references=refs, action="tag", tag=tag))
    assert all(c.tags.filter(name="vip").exists() for c in convs)
    assert all(o.ok for o in conversations_bulk(by=agent, references=refs[:1], action="assign",
                                                agent=other))
    convs[0].refresh_from_db()
    assert (convs[0].assignee, convs[0].status) == (other, Status.OPEN)
    outcomes = conversations_bulk(by=agent, references=refs[1:], action="transfer", team=team)
    assert all(o.ok for o in outcomes)
    convs[1].refresh_from_db()
    assert convs[1].team == team


def test_a_failure_halfway_leaves_the_others_done_and_reports_it(agent):
    customer = CustomerFactory()
    team = Team.objects.create(name="Payments")
    team.members.add(agent)
    first = make_conversation(customer)
    closed = make_conversation(customer, status=Status.RESOLVED)
    last = make_conversation(customer)
    outcomes = conversations_bulk(by=agent, references=[first.reference, closed.reference,
                                                        last.reference],
                                  action="transfer", team=team)
    assert [o.ok for o in outcomes] == [True, False, True]
    assert "closed" in outcomes[1].message
    for conv, team_id in ((first, team.pk), (closed, None), (last, team.pk)):
        conv.refresh_from_db()
        assert conv.team_id == team_id


def test_bulk_without_an_action_a_target_or_a_selection_is_refused_with_a_message(client, agent):
    conv = make_conversation(CustomerFactory())
    client.force_login(agent)
    for data in ({"conversation": [conv.reference]},
                 {"action": "assign", "conversation": [conv.reference]},
                 {"action": "tag", "tag": "nope", "conversation": [conv.reference]},
                 {"action": "resolve"}):
        response = client.post("/admin/console/bulk/", data, follow=True)
        assert response.status_code == 200
        assert 'class="error"' in response.content.decode(), data
    conv.refresh_from_db()
    assert conv.status == Status.WAITING and conv.assignee is None
    with pytest.raises(ValidationError):
        conversations_bulk(by=agent, references=[f"HD{n}" for n in range(BULK_MAX + 1)],
                           action="resolve")


def test_a_customer_cannot_run_a_bulk_action():
    customer = CustomerFactory()
    conv = make_conversation(customer)
    with pytest.raises(ValidationError):
        conversations_bulk(by=customer, references=[conv.reference], action="resolve")
