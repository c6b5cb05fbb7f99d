"""Inbound mail: a corpus of real-world shaped messages, each with its expected outcome.

Files in tests/mail/corpus/; ``{{REPLY_ADDRESS}}`` and ``{{REFERENCE}}`` are filled in with
the signed reply address and reference of the customer's resolved email conversation.
"""

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core import mail

from accounts.models import User
from helpdesk.mail.inbound import email_ingest
from helpdesk.mail.models import InboundEmail, InboundStatus, OutboundEmail, OutboundKind
from helpdesk.mail.parsing import email_parse
from helpdesk.mail.tokens import reply_address
from helpdesk.models import Attachment, Channel, Conversation, Status
from helpdesk.services.conversations import conversation_open, conversation_resolve
from tests.mail.factories import AgentFactory, CustomerFactory

CORPUS = Path(__file__).parent / "corpus"
pytestmark = pytest.mark.django_db


@dataclass
class Case:
    file: str
    status: str
    reason: str
    body_has: list[str] = field(default_factory=list)
    body_lacks: list[str] = field(default_factory=list)
    acknowledged: bool = False
    joins_existing: bool = False


CASES = [
    Case("plain_utf8_new.eml", InboundStatus.CREATED, "new",
         ["order 70000123 was due on Friday", "5 days — what is going on?"], [],
         acknowledged=True),
    Case("koi8r_quoted_reply.eml", InboundStatus.CREATED, "new",
         ["Посылка пришла повреждённой", "Прошу оформить возврат."],
         ["написал(а)", "Спасибо за обращение"], acknowledged=True),
    Case("gb2312_quoted_reply.eml", InboundStatus.CREATED, "new",
         ["我的订单还没有收到，请帮我查一下物流。"], ["写道", "感谢您的来信"], acknowledged=True),
    Case("html_only.eml", InboundStatus.CREATED, "new",
         ["Hi team,", "The payment was taken twice for order 70000777.",
          "my statement (https://bank.example/statement)"],
         ["alert", "color: red", "<", "Old quoted text", "wrote:"], acknowledged=True),
    Case("alternative_english_quote.eml", InboundStatus.CREATED, "new",
         ["I ordered size M and got XL. Can I exchange it?"],
         ["wrote:", "Old history line", "Thank you for contacting us"], acknowledged=True),
    Case("attachments.eml", InboundStatus.CREATED, "new",
         ["The kettle arrived broken"], [], acknowledged=True),
    Case("reply_valid_token.eml", InboundStatus.APPENDED, "reply",
         ["It has arrived now, thank you!"], ["Your parcel arrives tomorrow."],
         joins_existing=True),
    Case("reply_forged_token.eml", InboundStatus.QUARANTINED, "forged_token"),
    Case("reply_token_other_sender.eml", InboundStatus.CREATED, "not_participant",
         ["I found this address"], acknowledged=True),
    Case("auto_reply_out_of_office.eml", InboundStatus.IGNORED, "auto_reply"),
    Case("auto_reply_with_token.eml", InboundStatus.APPENDED, "reply",
         ["I am on holiday until the 20th."], joins_existing=True),
    Case("bulk_newsletter.eml", InboundStatus.IGNORED, "bulk"),
    Case("bounce_dsn.eml", InboundStatus.IGNORED, "auto_reply"),
    Case("staff_sender.eml", InboundStatus.QUARANTINED, "staff_sender"),
    Case("no_sender.eml", InboundStatus.QUARANTINED, "no_sender"),
    Case("header_injection_name.eml", InboundStatus.CREATED, "new",
         ["Names and subjects with line breaks."], acknowledged=True),
    # Hostile variants (tests/mail/test_hostile.py holds the generated ones).
    Case("raw_utf8_headers.eml", InboundStatus.CREATED, "new",
         ["Заказ 70000555 так и не пришёл."], acknowledged=True),
    Case("raw_latin1_headers.eml", InboundStatus.CREATED, "new", ["El paquete llegó dañado."],
         acknowledged=True),
    Case("malformed_encoded_words.eml", InboundStatus.CREATED, "new",
         ["My order number is 70000999"], acknowledged=True),
    Case("bad_charsets.eml", InboundStatus.CREATED, "new",
         ["Part one in an unknown charset.", "Part four claims punycode."], ["\x00"],
         acknowledged=True),
    Case("nul_bytes.eml", InboundStatus.CREATED, "new", ["A body with a zero byte in it."],
         acknowledged=True),
    Case("broken_base64.eml", InboundStatus.CREATED, "new", acknowledged=True),
    Case("missing_boundary.eml", InboundStatus.CREATED, "new",
         ["The multipart has no boundary parameter."], acknowledged=True),
    Case("unclosed_boundary.eml", InboundStatus.CREATED, "new",
         ["The inner and outer parts never end."], acknowledged=True),
    Case("lone_surrogates.eml", InboundStatus.CREATED, "new", acknowledged=True),
    Case("recursive_rfc822.eml", InboundStatus.CREATED, "new",
         ["The original message at the bottom of three forwards."], acknowledged=True),
    Case("subject_injection_echo.eml", InboundStatus.CREATED, "new", ["Please answer me."],
         acknowledged=True),
    # From-address confusion: the address in brackets, never a name that looks like one.
    Case("display_name_spoof.eml", InboundStatus.CREATED, "new",
         ["Please send my order to a new address."], acknowledged=True),
    Case("quoted_display_name_spoof.eml", InboundStatus.CREATED, "new",
         ["It is me, Anna"], acknowledged=True),
    Case("from_two_addresses.eml", InboundStatus.QUARANTINED, "ambiguous_sender"),
    Case("from_two_headers.eml", InboundStatus.QUARANTINED, "ambiguous_sender"),
    Case("from_trailing_address.eml", InboundStatus.QUARANTINED, "ambiguous_sender"),
]


@pytest.fixture
def world(reply_domain):
    """Anna with a resolved email conversation; an agent whose address someone may forge."""
    anna = CustomerFactory(email="anna@example.com", full_name="Anna Petrova")
    AgentFactory(email="agent.ivan@example.com", full_name="Ivan Sidorov")
    conversation = conversation_open(customer=anna, channel=Channel.EMAIL, topic="orders",
                                     description="Where is my parcel?", subject="Parcel late")
    conversation_resolve(conversation=conversation, by=None)
    return conversation


def raw_of(name: str, conversation: Conversation) -> bytes:
    raw = (CORPUS / name).read_bytes()
    return (raw.replace(b"{{REPLY_ADDRESS}}", reply_address(conversation.pk).encode())
            .replace(b"{{REFERENCE}}", conversation.reference.encode()))


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_each_corpus_message_has_its_expected_outcome(case, world,
                                                      django_capture_on_commit_callbacks):
    existing = Conversation.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        result = email_ingest(raw_of(case.file, world), source="test")
    inbound = result.inbound
    assert (inbound.status, inbound.reason) == (case.status, case.reason)
    assert not result.duplicate
    acks = OutboundEmail.objects.filter(kind=OutboundKind.ACKNOWLEDGEMENT)
    assert acks.exists() is case.acknowledged
    if case.acknowledged:
        assert len(mail.outbox) == 1 and mail.outbox[0].extra_headers.get(
            "Auto-Submitted") == "auto-replied"
    if case.status in (InboundStatus.QUARANTINED, InboundStatus.IGNORED):
        assert inbound.conversation_id is None and inbound.raw  # kept for review
        assert Conversation.objects.count() == existing
        return
    message = inbound.conversation_message
    assert message is not None and message.author_role == "customer"
    assert message.author.is_staff is False
    if case.joins_existing:
        assert inbound.conversation_id == world.pk
        assert Conversation.objects.count() == existing
    else:
        assert inbound.conversation_id != world.pk
        assert inbound.conversation.channel == Channel.EMAIL
        assert inbound.conversation.customer.email == inbound.from_address
    for text in case.body_has:
        assert text in message.body
    for text in case.body_lacks:
        assert text not in message.body


def test_a_reply_reopens_a_resolved_conversation_but_an_auto_reply_does_not(world):
    email_ingest(raw_of("auto_reply_with_token.eml", world), source="test")
    world.refresh_from_db()
    assert world.status == Status.RESOLVED
    email_ingest(raw_of("reply_valid_token.eml", world), source="test")
    world.refresh_from_db()
    assert world.status == Status.OPEN
    assert world.messages.filter(event="reopened").exists()


def test_the_same_message_is_ingested_once(world):
    raw = raw_of("plain_utf8_new.eml", world)
    first = email_ingest(raw, source="imap")
    again = email_ingest(raw, source="webhook")
    # The same message relayed again: another Received header, so other bytes, same Message-ID.
    relayed = email_ingest(b"Received: from relay.example by mx.help.test\r\n" + raw,
                           source="command")
    assert not first.duplicate and again.duplicate and relayed.duplicate
    assert again.inbound.pk == relayed.inbound.pk == first.inbound.pk
    assert InboundEmail.objects.count() == 1
    assert Conversation.objects.filter(channel=Channel.EMAIL).count() == 2


def test_a_message_without_message_id_is_recognised_by_its_bytes(world):
    raw = raw_of("plain_utf8_new.eml", world).replace(
        b"Message-ID: <CAF=plain-utf8-0001@mail.example>\r\n", b"")
    assert not email_ingest(raw, source="test").duplicate
    assert email_ingest(raw, source="test").duplicate


def test_unknown_senders_get_an_account_without_a_usable_password(world):
    email_ingest(raw_of("koi8r_quoted_reply.eml", world), source="test")
    user = User.objects.get(email="maria@mail.example")
    assert not user.has_usable_password() and not user.is_staff
    assert user.full_name == "Мария Иванова" and user.language == "ru"
    assert user.customer_profile is not None and user.has_role("customer")


def test_unknown_senders_can_be_quarantined_instead(world, settings):
    settings.EMAIL_UNKNOWN_SENDERS = "quarantine"
    result = email_ingest(raw_of("plain_utf8_new.eml", world), source="test")
    assert (result.status, result.inbound.reason) == (InboundStatus.QUARANTINED,
                                                      "unknown_sender")
    assert not User.objects.filter(email="oleg.smirnov@mail.example").exists()


def test_encoded_names_and_subjects_are_decoded_without_line_breaks(world):
    parsed = email_parse(raw_of("gb2312_quoted_reply.eml", world))
    assert (parsed.from_name, parsed.subject) == ("王芳", "订单没有收到")
    assert parsed.language == "zh-hans"
    injected = email_parse(raw_of("header_injection_name.eml", world))
    assert "\n" not in injected.from_name and "\r" not in injected.subject
    assert injected.from_address == "eve@mail.example"


def test_attachments_images_are_checked_and_other_files_are_download_only(world):
    result = email_ingest(raw_of("attachments.eml", world), source="test")
    atts = {a.original_name: a for a in Attachment.objects.filter(
        message=result.inbound.conversation_message)}
    assert set(atts) == {"kettle.png", "receipt.pdf", "_.._not-really.png"}
    assert atts["kettle.png"].content_type == "image/png"
    assert (atts["kettle.png"].width, atts["kettle.png"].height) == (64, 48)
    assert atts["receipt.pdf"].content_type == "application/pdf"
    # Claimed to be a PNG, is HTML: stored, but only ever as a download.
    assert atts["_.._not-really.png"].content_type == "application/octet-stream"
    assert not atts["_.._not-really.png"].file.name.endswith(".png")


def test_a_sender_over_the_limit_is_quarantined(world, settings):
    settings.EMAIL_INBOUND_RATE_LIMIT = 3
    base = raw_of("plain_utf8_new.eml", world)
    outcomes = []
    for i in range(5):
        raw = base.replace(b"plain-utf8-0001", f"bomb-{i}".encode())
        outcomes.append(email_ingest(raw, source="test").inbound.reason)
    assert outcomes == ["new", "new", "new", "rate_limited", "rate_limited"]


def test_agent_identity_never_comes_from_the_from_header(world):
    result = email_ingest(raw_of("staff_sender.eml", world), source="test")
    assert result.inbound.conversation_message_id is None
    assert not Conversation.objects.filter(customer__is_staff=True).exists()
