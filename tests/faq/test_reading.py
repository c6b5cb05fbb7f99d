"""The article page notes in the visitor's session which article they read, and when."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse

from faq.reading import SESSION_KEY, article_last_read, article_read_note
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

WINDOW = timedelta(minutes=30)


def test_reading_a_published_article_notes_it_with_the_time(client, corpus):
    before = time.time()
    client.get(reverse("faq:article", args=["late-delivery"]))
    note = client.session[SESSION_KEY]
    assert note["id"] == corpus["late"].pk
    assert before <= note["at"] <= time.time()
    client.get(reverse("faq:article", args=["track-order"]))
    assert client.session[SESSION_KEY]["id"] == corpus["track"].pk  # the last one read


def test_a_draft_previewed_by_staff_is_not_noted(client, corpus):
    client.force_login(AgentFactory(is_staff=True))
    assert client.get(reverse("faq:article", args=["secret-draft"])).status_code == 200
    assert SESSION_KEY not in client.session


def test_a_missing_article_notes_nothing(client, corpus):
    assert client.get(reverse("faq:article", args=["no-such-article"])).status_code == 404
    assert SESSION_KEY not in client.session


def test_last_read_is_only_what_was_read_within_the_window(corpus):
    session = {}
    assert article_last_read(session=session, within=WINDOW) is None
    article_read_note(session=session, article=corpus["late"], now=1000.0)
    assert article_last_read(session=session, within=WINDOW, now=1000.0 + 30 * 60) \
        == corpus["late"].pk
    assert article_last_read(session=session, within=WINDOW, now=1001.0 + 30 * 60) is None
    assert article_last_read(session=session, within=WINDOW, now=999.0) is None  # clock skew


@pytest.mark.parametrize("note", ["7", {"id": "7", "at": 1000.0}, {"id": 7}, {"id": 7, "at": "x"},
                                  {"id": True, "at": 1000.0}])
def test_a_malformed_note_counts_as_none(note):
    assert article_last_read(session={SESSION_KEY: note}, within=WINDOW, now=1000.0) is None


def test_suggestions_carry_the_article_id(client, corpus):
    data = client.get(reverse("faq:suggest"), {"q": "refund", "lang": "en"}).json()
    assert data["results"]
    by_url = {r["url"]: r["id"] for r in data["results"]}
    assert by_url[reverse("faq:article", args=["how-refunds-work"])] == corpus["refund"].pk
