import pytest

from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language, header", [("ru", "Служба поддержки"), ("zh-hans", "客服中心")])
def test_the_admin_login_is_translated_and_offers_the_language_switcher(client, language, header):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 200
    assert header in page
    assert 'action="/i18n/setlang/"' in page
    assert f'<html lang="{language}"' in page


def test_an_agent_switches_the_console_language_and_keeps_it(client):
    agent = AgentFactory(language="en")
    client.force_login(agent)
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/admin/"})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.language == "ru"
    assert "Служба поддержки" in client.get("/admin/").content.decode()
