"""Take: an agent takes a waiting conversation for themselves; one someone else took first
stays theirs with a clear message; two agents taking at once: exactly one wins."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from helpdesk.models import Channel, Message, Status, Team
from helpdesk.services.assignment import conversation_take
from tests.console.inbox_helpers import make_conversation
from tests.factories import AgentFactory, CustomerFactory, ManagerFactory
from tests.services import require


@pytest.mark.django_db
def test_take_assigns_the_waiting_conversation_to_the_agent(client):
    agent = AgentFactory(full_name="Tina Taker")
    conv = make_conversation(CustomerFactory())
    client.force_login(agent)
    html = client.get("/admin/console/").content.decode()
    assert f'/admin/console/{conv.reference}/take/' in html
    response = client.post(f"/admin/console/{conv.reference}/take/")
    assert response["Location"] == f"/admin/console/{conv.reference}/"
    conv.refresh_from_db()
    assert (conv.status, conv.assignee) == (Status.OPEN, agent)
    assert Message.objects.filter(conversation=conv, event="assigned").count() == 1
    page = client.get(f"/admin/console/{conv.reference}/").content.decode()
    assert 'data-testid="take"' not in page


@pytest.mark.django_db
def test_a_conversation_someone_else_took_stays_theirs_with_a_clear_message(client):
    first, second = AgentFactory(full_name="Fay First"), AgentFactory(full_name="Sid Second")
    team = Team.objects.create(name="Orders")
    team.members.add(first, second)
    conv = make_conversation(CustomerFactory(), team=team)
    conversation_take(conversation=conv, agent=first)
    client.force_login(second)
    # A teammate still sees it: told who took it.
    response = client.post(f"/admin/console/{conv.reference}/take/", follow=True)
    assert "Fay already took this conversation." in response.content.decode()
    # Outside the team it is out of sight now: told it is gone, not an error page.
    outsider = AgentFactory()
    client.force_login(outsider)
    response = client.post(f"/admin/console/{conv.reference}/take/", follow=True)
    assert response.status_code == 200
    assert "Someone else already took this conversation" in response.content.decode()
    conv.refresh_from_db()
    assert conv.assignee == first
    assert Message.objects.filter(conversation=conv, event="assigned").count() == 1


@pytest.mark.django_db
def test_an_agent_at_their_chat_limit_cannot_take_another_chat():
    agent = AgentFactory(agent_profile__max_concurrent_chats=1)
    customer = CustomerFactory()
    make_conversation(customer, status=Status.OPEN, assignee=agent)
    conv = make_conversation(customer)
    with pytest.raises(ValidationError) as exc:
        conversation_take(conversation=conv, agent=agent)
    assert exc.value.code == "capacity"
    conv.refresh_from_db()
    assert conv.assignee is None
    # A written request does not count against the chat limit.
    request = make_conversation(customer, channel=Channel.WEB)
    assert conversation_take(conversation=request, agent=agent).assignee == agent


@pytest.mark.django_db
def test_an_agent_cannot_take_another_teams_waiting_conversation(client):
    agent = AgentFactory()
    conv = make_conversation(CustomerFactory(), team=Team.objects.create(name="Elsewhere"))
    with pytest.raises(ValidationError):
        conversation_take(conversation=conv, agent=agent)
    client.force_login(agent)
    client.post(f"/admin/console/{conv.reference}/take/")
    conv.refresh_from_db()
    assert conv.assignee is None
    # A manager sees every conversation and may take it.
    assert conversation_take(conversation=conv, agent=ManagerFactory()).status == Status.OPEN


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_agents_taking_at_once_one_wins_and_the_other_is_told():
    require(connection.vendor == "postgresql",
            "needs PostgreSQL (DATABASE_URL=postgres://...) for real row locks between threads")
    agents = [AgentFactory(), AgentFactory()]
    conv = make_conversation(CustomerFactory())
    barrier = threading.Barrier(2)
    results: list[object] = []

    def take(agent):
        try:
            barrier.wait(timeout=10)
            results.append(conversation_take(conversation=conv, agent=agent).assignee_id)
        except ValidationError as exc:
            results.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(a,)) for a in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    conv.refresh_from_db()
    assert sorted(map(str, results)) == sorted([str(conv.assignee_id), "taken"])
    assert Message.objects.filter(conversation=conv, event="assigned").count() == 1
