"""Saved views: an agent names the inbox's current filters and sort, finds them again on the
inbox and deletes them; nobody else sees or deletes them."""

import pytest
from django.core.exceptions import ValidationError

from common.errors import NotFound
from helpdesk.models import SavedView, Tag
from helpdesk.services.inbox import SAVED_VIEWS_MAX, saved_view_delete, saved_view_save
from tests.factories import AgentFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def test_an_agent_saves_the_current_filters_and_opens_them_again(client):
    agent = AgentFactory()
    Tag.objects.create(name="vip")
    client.force_login(agent)
    response = client.post("/admin/console/views/", {
        "name": "VIP breaches", "tag": "vip", "sla": "breached", "sort": "due", "channel": ""})
    view = SavedView.objects.get(owner=agent)
    assert view.query == {"tag": "vip", "sla": "breached", "sort": "due"}
    assert response.status_code == 302 and "tag=vip" in response["Location"]
    html = client.get("/admin/console/").content.decode()
    assert "VIP breaches" in html and "sla=breached" in html
    page = client.get(response["Location"]).content.decode()
    assert 'value="breached" selected' in page


def test_saving_again_under_the_same_name_replaces_the_view():
    agent = AgentFactory()
    saved_view_save(owner=agent, name="Mine", params={"channel": "chat"})
    saved_view_save(owner=agent, name="Mine", params={"channel": "email"})
    assert list(SavedView.objects.filter(owner=agent).values_list("query", flat=True)) == [
        {"channel": "email"}]


def test_a_view_with_an_unknown_filter_or_no_name_is_refused_and_nothing_saved():
    agent = AgentFactory()
    with pytest.raises(ValidationError):
        saved_view_save(owner=agent, name="Bad", params={"channel": "fax"})
    with pytest.raises(ValidationError):
        saved_view_save(owner=agent, name="   ", params={})
    with pytest.raises(ValidationError):
        saved_view_save(owner=agent, name="x" * 61, params={})
    assert not SavedView.objects.exists()


def test_the_number_of_views_is_bounded():
    agent = AgentFactory()
    for n in range(SAVED_VIEWS_MAX):
        saved_view_save(owner=agent, name=f"v{n}", params={})
    with pytest.raises(ValidationError):
        saved_view_save(owner=agent, name="one more", params={})


def test_an_agent_sees_and_deletes_only_their_own_views(client):
    ann, bob = AgentFactory(), AgentFactory()
    anns = saved_view_save(owner=ann, name="Ann's view", params={"channel": "chat"})
    client.force_login(bob)
    assert "Ann&#x27;s view" not in client.get("/admin/console/").content.decode()
    assert client.post(f"/admin/console/views/{anns.pk}/delete/").status_code == 404
    with pytest.raises(NotFound):
        saved_view_delete(owner=bob, pk=anns.pk)
    assert SavedView.objects.filter(pk=anns.pk).exists()
    client.force_login(ann)
    assert client.post(f"/admin/console/views/{anns.pk}/delete/").status_code == 302
    assert not SavedView.objects.filter(pk=anns.pk).exists()


def test_a_customer_cannot_save_a_view():
    with pytest.raises(ValidationError):
        saved_view_save(owner=CustomerFactory(), name="x", params={})
