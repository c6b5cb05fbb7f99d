"""Hostile mail cannot stall the channel: every message, whatever its bytes, ends recorded
(a conversation, a reply, a quarantine entry or ignored) and never raises out of
``email_ingest``; nothing stored holds a NUL or a lone surrogate (no database takes them);
what an agent's reply echoes of it can never become a header."""

import re
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.core import mail

from helpdesk.mail.inbound import email_ingest
from helpdesk.mail.models import InboundEmail, InboundStatus
from helpdesk.mail.parsing import Unreadable, email_parse, mime_shape, sender_parse, text_clean
from helpdesk.models import Attachment, Channel, Conversation, Message
from helpdesk.services.conversations import (
    chat_message_send,
    conversation_open,
    conversation_resolve,
)
from tests.mail import hostile
from tests.mail.factories import AgentFactory, CustomerFactory
from tests.mail.test_inbound import raw_of

CORPUS = Path(__file__).parent / "corpus"
ALL_FILES = sorted(p.name for p in CORPUS.glob("*.eml"))
RECORDED = {InboundStatus.CREATED, InboundStatus.APPENDED, InboundStatus.QUARANTINED,
            InboundStatus.IGNORED}
SURROGATE = re.compile(r"[\ud800-\udfff]")
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(reply_domain):
    anna = CustomerFactory(email="anna@example.com", full_name="Anna Petrova")
    AgentFactory(email="agent.ivan@example.com", full_name="Ivan Sidorov")
    conversation = conversation_open(customer=anna, channel=Channel.EMAIL, topic="orders",
                                     description="Where is my parcel?", subject="Parcel late")
    conversation_resolve(conversation=conversation, by=None)
    return conversation


def assert_clean(*values) -> None:
    for value in values:
        assert "\x00" not in (value or ""), repr(value)
        assert not SURROGATE.search(value or ""), repr(value)


def assert_recorded_cleanly(inbound: InboundEmail) -> None:
    inbound = InboundEmail.objects.get(pk=inbound.pk)  # as stored
    assert inbound.status in RECORDED
    assert_clean(inbound.message_id, inbound.from_address, inbound.from_name, inbound.subject,
                 inbound.reason)
    if inbound.status in (InboundStatus.QUARANTINED, InboundStatus.IGNORED):
        assert inbound.conversation_id is None
        if inbound.reason != "too_large":
            assert inbound.raw  # kept for review
        return
    conversation = inbound.conversation
    assert_clean(conversation.subject, conversation.customer.full_name)
    for message in Message.objects.filter(conversation=conversation):
        assert_clean(message.body)
    for attachment in Attachment.objects.filter(message__conversation=conversation):
        assert_clean(attachment.original_name)


@pytest.mark.parametrize("name", ALL_FILES)
def test_every_corpus_message_ends_recorded_with_clean_text(name, world):
    result = email_ingest(raw_of(name, world), source="test")
    assert_recorded_cleanly(result.inbound)


@pytest.mark.parametrize("name", sorted(hostile.GENERATED))
def test_every_generated_hostile_message_ends_recorded_in_bounded_time(name):
    make, reason = hostile.GENERATED[name]
    raw = make()
    started = time.monotonic()
    result = email_ingest(raw, source="test")
    assert time.monotonic() - started < 10
    assert not result.duplicate
    if reason is not None:
        assert result.inbound.reason == reason
    assert_recorded_cleanly(result.inbound)


def test_raw_utf8_headers_are_read_as_utf8(world):
    result = email_ingest(raw_of("raw_utf8_headers.eml", world), source="test")
    inbound = InboundEmail.objects.get(pk=result.inbound.pk)
    assert (inbound.status, inbound.reason) == (InboundStatus.CREATED, "new")
    assert inbound.from_name == "Ольга Петрова"
    assert inbound.subject == "Посылка не пришла — заказ 70000555"
    assert inbound.message_id == "<посылка-0101@example.ru>"
    customer = inbound.conversation.customer
    assert (customer.email, customer.full_name, customer.language) == (
        "olga@example.ru", "Ольга Петрова", "ru")
    assert Attachment.objects.get(message=inbound.conversation_message).original_name \
        == "квитанция.pdf"


def test_raw_8bit_headers_that_are_not_utf8_are_read_as_windows_1252(world):
    inbound = email_ingest(raw_of("raw_latin1_headers.eml", world), source="test").inbound
    assert (inbound.from_name, inbound.subject) == ("José Müller", "Pedido dañado")


def test_a_message_nested_a_thousand_deep_is_quarantined_unread():
    inbound = email_ingest(hostile.nested_multipart(1000), source="test").inbound
    assert (inbound.status, inbound.reason) == (InboundStatus.QUARANTINED, "too_complex")
    assert inbound.from_address == "hostile@example.net"  # its headers still read for review
    assert Conversation.objects.count() == 0


def test_nesting_up_to_the_limit_is_read(settings):
    settings.EMAIL_INBOUND_MAX_DEPTH = 30
    assert email_parse(hostile.nested_multipart(30)).text == "the bottom"
    with pytest.raises(Unreadable):
        email_parse(hostile.nested_multipart(31))


def test_the_part_limit_is_a_setting(settings):
    settings.EMAIL_INBOUND_MAX_PARTS = 50
    assert len(email_parse(hostile.part_bomb(40)).text) > 0
    inbound = email_ingest(hostile.part_bomb(60), source="test").inbound
    assert inbound.reason == "too_complex"


def test_the_structure_is_measured_as_the_parser_reads_it():
    assert mime_shape(hostile.nested_multipart(7)).depth == 7
    assert mime_shape(hostile.nested_rfc822(5)).depth == 5
    assert mime_shape(hostile.part_bomb(12)).parts == 13
    assert mime_shape((CORPUS / "attachments.eml").read_bytes()).depth == 1


def test_a_message_the_pipeline_fails_on_is_quarantined_and_the_next_one_goes_in(world):
    # A conversation subject of more than its 255 characters cannot be stored on PostgreSQL and
    # is cut on SQLite: the point is that nothing raises either way.
    raw = raw_of("plain_utf8_new.eml", world).replace(
        b"Subject: =?utf-8?q?Order_70000123_never_arrived_=E2=80=94_please_help?=",
        b"Subject: " + b"=?utf-8?q?=D0=90?= " * 400)
    first = email_ingest(raw, source="test").inbound
    assert first.status in RECORDED
    second = email_ingest(raw_of("html_only.eml", world), source="test").inbound
    assert (second.status, second.reason) == (InboundStatus.CREATED, "new")


@pytest.mark.parametrize("value", [
    "Ольга <olga@example.ru>", "=?utf-8?b?0J7Qu9GM0LPQsA==?= <olga@example.ru>",
    "olga@example.ru (Ольга)", '"Ольга, Петрова" <olga@example.ru>',
])
def test_the_sender_is_read_from_any_well_formed_from(value):
    sender = sender_parse([value])
    assert (sender.address, sender.problem) == ("olga@example.ru", "")
    assert sender.name.startswith("Ольга")


def test_text_clean_turns_escaped_bytes_into_text_and_drops_what_no_database_takes():
    escaped = "Ольга".encode().decode("ascii", "surrogateescape")
    assert text_clean(escaped) == "Ольга"
    assert text_clean("a\x00b\ud800c") == "ab\ufffdc"


def test_a_subject_with_line_breaks_is_never_echoed_as_a_header(
        world, django_capture_on_commit_callbacks):
    inbound = email_ingest(raw_of("subject_injection_echo.eml", world), source="test").inbound
    assert inbound.status == InboundStatus.CREATED
    mail.outbox.clear()
    agent = AgentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        chat_message_send(conversation=inbound.conversation, user=agent, as_agent=True,
                          body="We are on it.", client_id="")
    (sent,) = mail.outbox
    parsed = message_from_bytes(sent.message().as_bytes(), policy=policy.default)
    assert set(parsed.keys()) & {"Bcc", "Cc", "X-Evil"} == set()
    assert [a.addr_spec for a in parsed["To"].addresses] == ["mallory@mail.example"]
    assert "\n" not in str(parsed["Subject"]) and "\r" not in str(parsed["Subject"])
    assert "Injected body" not in sent.body.split("We are on it.")[0]
