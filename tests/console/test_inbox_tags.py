"""Tags: managers create them in the admin (configuration services); agents put existing tags
on the conversations they may see; the tags show on the inbox rows and the conversation."""

import pytest
from django.core.exceptions import PermissionDenied

from helpdesk.models import Status, Tag, Team
from helpdesk.roles import sync_roles
from helpdesk.services.configuration import configuration_save
from tests.console.inbox_helpers import make_conversation
from tests.factories import AgentFactory, CustomerFactory, ManagerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _roles():
    from django.apps import apps
    sync_roles(apps)


def test_an_agent_tags_a_conversation_and_sees_the_tag_on_the_row_and_the_page(client):
    agent = AgentFactory()
    Tag.objects.create(name="damaged")
    conv = make_conversation(CustomerFactory())
    client.force_login(agent)
    response = client.post(f"/admin/console/{conv.reference}/tags/add/", {"tag": "damaged"})
    assert response.status_code == 302
    assert list(conv.tags.values_list("name", flat=True)) == ["damaged"]
    row = client.get("/admin/console/rows/", {"box": "waiting"}).json()["rows"][0]
    assert row["tags"] == ["damaged"]
    page = client.get(f"/admin/console/{conv.reference}/").content.decode()
    assert 'data-testid="conversation-tag">damaged' in page
    client.post(f"/admin/console/{conv.reference}/tags/remove/", {"tag": "damaged"})
    assert not conv.tags.exists()


def test_an_unknown_tag_is_refused_with_a_message_and_nothing_changes(client):
    agent = AgentFactory()
    conv = make_conversation(CustomerFactory())
    client.force_login(agent)
    response = client.post(f"/admin/console/{conv.reference}/tags/add/", {"tag": "invented"},
                           follow=True)
    assert "Choose a tag from the list." in response.content.decode()
    assert not Tag.objects.exists() and not conv.tags.exists()


def test_an_agent_cannot_tag_a_conversation_they_may_not_see(client):
    agent = AgentFactory()
    Tag.objects.create(name="vip")
    other_team = Team.objects.create(name="Elsewhere")
    conv = make_conversation(CustomerFactory(), status=Status.OPEN, team=other_team)
    client.force_login(agent)
    assert client.post(f"/admin/console/{conv.reference}/tags/add/",
                       {"tag": "vip"}).status_code == 404
    assert not conv.tags.exists()


def test_managers_create_tags_in_the_admin_and_agents_cannot(client):
    manager, agent = ManagerFactory(), AgentFactory()
    client.force_login(manager)
    response = client.post("/admin/helpdesk/tag/add/", {"name": "fragile"})
    assert response.status_code == 302, response.content.decode()[:500]
    assert Tag.objects.filter(name="fragile").exists()
    client.force_login(agent)
    assert client.post("/admin/helpdesk/tag/add/", {"name": "mine"}).status_code == 403
    with pytest.raises(PermissionDenied):
        configuration_save(by=agent, obj=Tag(name="mine"))
    assert not Tag.objects.filter(name="mine").exists()
