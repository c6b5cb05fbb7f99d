"""The console is reachable: from the admin index where staff land after signing in, and from
the site's header; and the inbox's script finds every string it shows on the page."""

import re

import pytest

from tests.console.inbox_helpers import make_conversation
from tests.factories import AgentFactory, CustomerFactory, ManagerFactory, UserFactory
from tests.services import REPO

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("factory", [AgentFactory, ManagerFactory])
def test_the_admin_index_links_agents_and_managers_to_the_console(client, factory):
    client.force_login(factory())
    html = client.get("/admin/").content.decode()
    assert 'data-testid="admin-console-link"' in html
    assert 'href="/admin/console/"' in html
    header = client.get("/").content.decode()
    assert 'data-testid="nav-console" href="/admin/console/"' in header.replace(
        'href="/admin/console/" data-testid="nav-console"',
        'data-testid="nav-console" href="/admin/console/"')


def test_staff_without_a_support_role_get_no_console_link(client):
    client.force_login(UserFactory(is_staff=True))
    assert 'data-testid="admin-console-link"' not in client.get("/admin/").content.decode()
    assert 'data-testid="nav-console"' not in client.get("/").content.decode()


def _attributes(html: str, element_id: str) -> dict[str, str]:
    match = re.search(rf'<template id="{element_id}"(.*?)></template>', html, re.S)
    assert match, element_id
    return {re.sub(r"-(\w)", lambda m: m.group(1).upper(), name): value
            for name, value in re.findall(r'data-([\w-]+)="([^"]*)"', match.group(1))}


def test_the_inbox_page_carries_every_string_console_inbox_js_shows(client):
    make_conversation(CustomerFactory())
    client.force_login(AgentFactory())
    html = client.get("/admin/console/").content.decode()
    source = (REPO / "static" / "js" / "console-inbox.js").read_text()
    for var, element_id in (("w", "console-inbox-i18n"), ("al", "console-alerts-i18n")):
        strings = _attributes(html, element_id)
        used = set(re.findall(rf"\b{var}\.(\w+)", source))
        assert used and used <= set(strings), element_id
        assert all(strings[key].strip() for key in used)
    assert "<script>" not in html  # CSP: scripts only from static files
