"""The IMAP poller against an IMAP server over a socket (tests/mail/imap.py): it remembers
where it is, and no message, however poisonous, stops the ones after it."""

import imaplib
from pathlib import Path

import pytest
from django.db import connection

from helpdesk.mail.imap import imap_poll
from helpdesk.mail.models import ImapState, InboundEmail, InboundStatus
from helpdesk.models import Conversation
from tests.mail import hostile
from tests.mail.imap import ImapServer

CORPUS = Path(__file__).parent / "corpus"
pytestmark = pytest.mark.django_db


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


@pytest.fixture
def imap(settings):
    server = ImapServer().start()
    settings.IMAP_URL = server.url
    yield server
    server.stop()


def fetches_of(server: ImapServer, uid: int) -> int:
    return server.fetched.count(uid)


def test_the_imap_poller_remembers_the_last_uid(imap):
    imap.messages.update({10: corpus("plain_utf8_new.eml"), 11: corpus("html_only.eml")})
    assert imap_poll() == 2
    assert ImapState.objects.get().last_uid == 11
    assert imap_poll() == 0  # "12:*" returns 11 again: skipped
    assert any("UID 12:*" in c for c in imap.commands if c.startswith("UID SEARCH"))
    imap.messages[12] = corpus("gb2312_quoted_reply.eml")
    assert imap_poll() == 1
    assert InboundEmail.objects.filter(source="imap").count() == 3
    assert imap.fetched == [10, 11, 12]  # each message downloaded once


def test_a_new_uidvalidity_starts_over_without_duplicates(imap):
    imap.messages[10] = corpus("plain_utf8_new.eml")
    imap_poll()
    imap.uidvalidity, imap.messages = 8, {1: imap.messages[10]}
    assert imap_poll() == 1
    assert ImapState.objects.get().last_uid == 1
    assert InboundEmail.objects.count() == 1  # the same message, recognised


def test_poisonous_messages_do_not_stop_the_ones_after_them(imap):
    imap.messages.update({
        10: corpus("raw_utf8_headers.eml"),
        11: hostile.nested_multipart(1000),
        12: corpus("nul_bytes.eml"),
        13: corpus("plain_utf8_new.eml"),
    })
    assert imap_poll() == 4
    outcomes = dict(InboundEmail.objects.values_list("from_address", "reason"))
    assert outcomes == {"olga@example.ru": "new", "hostile@example.net": "too_complex",
                        "nul.sender@example.com": "new", "oleg.smirnov@mail.example": "new"}
    state = ImapState.objects.get()
    assert (state.last_uid, state.retry) == (13, {})
    assert imap_poll() == 0 and imap.fetched == [10, 11, 12, 13]


def test_a_message_the_server_will_not_give_is_retried_a_few_times_then_given_up(
        imap, settings, caplog):
    settings.EMAIL_INBOUND_MAX_ATTEMPTS = 3
    imap.messages.update({10: corpus("html_only.eml"), 11: corpus("plain_utf8_new.eml")})
    imap.refuse.add(10)
    assert imap_poll() == 1  # the one after it is read at once
    assert ImapState.objects.get().retry == {"10": 1}
    imap.messages[12] = corpus("gb2312_quoted_reply.eml")
    assert imap_poll() == 1
    assert imap_poll() == 0
    assert ImapState.objects.get().retry == {"10": 3}
    with caplog.at_level("ERROR", logger="helpdesk.mail.imap"):
        assert imap_poll() == 0
    assert "UID 10 rejected" in caplog.text  # a logged rejection; it stays in the mailbox
    assert ImapState.objects.get().retry == {}
    fetch_commands = [c for c in imap.commands if c.startswith("UID FETCH 10 ")]
    imap.refuse.clear()
    assert imap_poll() == 0  # given up: never asked for again
    assert [c for c in imap.commands if c.startswith("UID FETCH 10 ")] == fetch_commands
    assert len(fetch_commands) == 3


def test_a_message_the_database_refuses_is_retried_while_later_ones_are_read(imap, settings):
    """A real database fault for one message (a trigger refuses its record) defers it; the
    poller goes on with the next and tries it again at the next polls, a bounded number of
    times."""
    settings.EMAIL_INBOUND_MAX_ATTEMPTS = 2
    poison = corpus("html_only.eml").replace(b"Subject: Charged twice", b"Subject: poison")
    imap.messages.update({10: poison, 11: corpus("plain_utf8_new.eml")})
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER refuse_poison BEFORE INSERT ON helpdesk_inboundemail "
                "WHEN NEW.subject = 'poison' BEGIN SELECT RAISE(ABORT, 'refused'); END")
        else:
            cursor.execute(
                "CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ "
                "BEGIN IF NEW.subject = 'poison' THEN RAISE EXCEPTION 'refused'; END IF; "
                "RETURN NEW; END $$")
            cursor.execute(
                "CREATE TRIGGER refuse_poison BEFORE INSERT ON helpdesk_inboundemail "
                "FOR EACH ROW EXECUTE FUNCTION refuse_poison()")
    assert imap_poll() == 1
    assert list(InboundEmail.objects.values_list("from_address", flat=True)) == [
        "oleg.smirnov@mail.example"]
    assert ImapState.objects.get().retry == {"10": 1}
    assert imap_poll() == 0 and ImapState.objects.get().retry == {"10": 2}
    assert imap_poll() == 0 and ImapState.objects.get().retry == {}
    assert imap.fetched.count(10) == 2


def test_a_cut_connection_counts_nothing_against_the_message(imap):
    imap.messages.update({10: corpus("html_only.eml"), 11: corpus("plain_utf8_new.eml")})
    imap.drop.add(10)
    with pytest.raises((imaplib.IMAP4.abort, OSError, EOFError)):
        imap_poll()
    assert ImapState.objects.get().retry == {"10": 0}
    imap.drop.clear()
    assert imap_poll() == 2
    assert ImapState.objects.get().retry == {}


def test_a_message_over_the_size_limit_is_not_downloaded_whole(imap, settings):
    settings.EMAIL_INBOUND_MAX_BYTES = 600
    imap.messages[10] = corpus("attachments.eml")
    assert len(imap.messages[10]) > 600
    assert imap_poll() == 1
    inbound = InboundEmail.objects.get()
    assert (inbound.status, inbound.reason) == (InboundStatus.QUARANTINED, "too_large")
    assert any("BODY.PEEK[]<0.601>" in c for c in imap.commands)
    assert Conversation.objects.count() == 0


def test_one_poll_of_a_mailbox_at_a_time(imap):
    from django.core.cache import cache

    from helpdesk.mail.imap import _lock_key

    imap.messages[10] = corpus("html_only.eml")
    cache.add(_lock_key(imap.url), 1)  # a slow poll still holds the mailbox
    assert imap_poll() == 0 and imap.commands == []
    cache.delete(_lock_key(imap.url))
    assert imap_poll() == 1
