"""Every string chat.js and console.js show comes from the page, translated by Django.

The scripts read their words from a ``<template id="chat-i18n">`` / ``<template
id="console-i18n">`` whose data attributes the templates fill with ``{% translate %}``; a
string used in a script but missing from its template would show as "undefined".
"""

import re

import pytest
from django.utils import translation

from tests.services import REPO

STATIC = REPO / "static" / "js"


def _keys_used(script: str) -> set[str]:
    source = (STATIC / script).read_text()
    keys = set(re.findall(r"\bt\.(\w+)", source))
    # console.js also looks up author roles by name: t[m.author_role].
    if "t[m.author_role]" in source:
        keys |= {"customer", "agent", "system"}
    return keys


def _attributes(html: str, element_id: str) -> dict[str, str]:
    match = re.search(rf'<template id="{element_id}"(.*?)></template>', html, re.S)
    assert match, element_id
    return {re.sub(r"-(\w)", lambda m: m.group(1).upper(), name): value
            for name, value in re.findall(r'data-([\w-]+)="([^"]*)"', match.group(1))}


@pytest.mark.django_db
def test_chat_page_carries_every_string_chat_js_shows(client, customer, chat):
    client.force_login(customer)
    html = client.get(f"/chat/{chat.reference}/").content.decode()
    strings = _attributes(html, "chat-i18n")
    missing = _keys_used("chat.js") - set(strings)
    assert not missing
    assert all(strings[key].strip() for key in _keys_used("chat.js"))


@pytest.mark.django_db
def test_console_pages_carry_every_string_console_js_shows(client, chat, agent):
    client.force_login(agent)
    inbox = _attributes(client.get("/admin/console/").content.decode(), "console-i18n")
    page = _attributes(client.get(f"/admin/console/{chat.reference}/").content.decode(),
                       "console-i18n")
    source = (STATIC / "console.js").read_text()
    inbox_part, conversation_part = source.split("function conversation(root)")
    for part, strings in ((inbox_part, inbox), (conversation_part, page)):
        used = set(re.findall(r"\bt\.(\w+)", part))
        if "t[m.author_role]" in part:
            used |= {"customer", "agent", "system"}
        assert used - set(strings) == set()
        assert all(strings[key].strip() for key in used)


@pytest.mark.django_db
def test_the_strings_are_rendered_in_the_readers_language(client, customer, chat):
    """The template goes through gettext: with a catalog entry the page shows the translation."""
    customer.language = "ru"
    customer.save(update_fields=["language"])
    client.force_login(customer)
    with translation.override("ru"):
        expected = translation.gettext("Connection lost. Reconnecting…")
    html = client.get(f"/chat/{chat.reference}/", headers={"accept-language": "ru"}).content
    assert b'<html lang="ru">' in html
    assert f'data-reconnecting="{expected}"'.encode() in html
