"""Who sent a message: the real address, never a name that looks like one; our receiving
server's DMARC verdict when it gives one; and an address joins an account only once its
owner has proved it."""

from pathlib import Path

import pytest
from django.core import mail

from accounts.models import User
from helpdesk.mail.inbound import email_ingest, inbound_release
from helpdesk.mail.models import InboundEmail, InboundStatus, OutboundEmail, OutboundKind
from helpdesk.models import Channel, Conversation
from helpdesk.services.conversations import conversation_open, conversation_resolve
from tests import factories
from tests.mail.factories import CustomerFactory, ManagerFactory
from tests.mail.test_inbound import raw_of

pytestmark = pytest.mark.django_db
TRUSTED = "mx.help.test"
CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture
def world(reply_domain):
    anna = CustomerFactory(email="anna@example.com", full_name="Anna Petrova")
    conversation = conversation_open(customer=anna, channel=Channel.EMAIL, topic="orders",
                                     description="Where is my parcel?", subject="Parcel late")
    conversation_resolve(conversation=conversation, by=None)
    return conversation


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def with_headers(raw: bytes, *headers: str) -> bytes:
    """``raw`` as our receiving server hands it on: its headers prepended, top first."""
    return "".join(f"{h}\r\n" for h in headers).encode() + raw


# --- The real address -------------------------------------------------------------------------


def test_a_name_that_looks_like_a_customers_address_is_filed_under_the_real_address(world):
    anna = world.customer
    before = Conversation.objects.filter(customer=anna).count()
    inbound = email_ingest(raw_of("display_name_spoof.eml", world), source="test").inbound
    assert inbound.from_address == "attacker@evil.example" and inbound.from_name == ""
    assert inbound.conversation.customer.email == "attacker@evil.example"
    assert Conversation.objects.filter(customer=anna).count() == before
    acks = OutboundEmail.objects.filter(kind=OutboundKind.ACKNOWLEDGEMENT)
    assert [row.to for row in acks] == [["attacker <attacker@evil.example>"]]


def test_a_spoofed_name_with_a_customers_reply_address_never_joins_her_conversation(world):
    raw = raw_of("reply_valid_token.eml", world).replace(
        b"From: Anna Petrova <anna@example.com>",
        b"From: anna@example.com <attacker@evil.example>")
    inbound = email_ingest(raw, source="test").inbound
    assert (inbound.status, inbound.reason) == (InboundStatus.CREATED, "not_participant")
    assert inbound.conversation_id != world.pk
    assert world.messages.filter(body__contains="It has arrived now").count() == 0


@pytest.mark.parametrize("name", ["from_two_addresses.eml", "from_two_headers.eml",
                                  "from_trailing_address.eml"])
def test_several_or_ambiguous_senders_are_quarantined(world, name):
    inbound = email_ingest(raw_of(name, world), source="test").inbound
    assert (inbound.status, inbound.reason) == (InboundStatus.QUARANTINED, "ambiguous_sender")
    assert inbound.conversation_id is None and inbound.raw


# --- DMARC by our receiving server -------------------------------------------------------------


DMARC_FAIL = (f"Authentication-Results: {TRUSTED}; spf=fail smtp.mailfrom=evil.example; "
              "dkim=none; dmarc=fail (p=reject dis=none) header.from=example.com")
DMARC_PASS = (f"Authentication-Results: {TRUSTED}; spf=pass smtp.mailfrom=example.com; "
              "dkim=pass header.d=example.com; dmarc=pass header.from=example.com")
RECEIVED = ("Received: from mail.evil.example (mail.evil.example [203.0.113.9]) by "
            f"{TRUSTED} with ESMTPS; Tue, 14 May 2024 09:12:35 +0300")


def test_mail_failing_dmarc_by_our_server_is_quarantined_not_appended(world, settings):
    settings.EMAIL_AUTHSERV_ID = TRUSTED
    raw = with_headers(raw_of("reply_valid_token.eml", world), DMARC_FAIL, RECEIVED)
    inbound = email_ingest(raw, source="test").inbound
    assert (inbound.status, inbound.reason) == (InboundStatus.QUARANTINED, "dmarc_fail")
    assert world.messages.filter(body__contains="It has arrived now").count() == 0


def test_a_forged_pass_below_our_servers_fail_changes_nothing(world, settings):
    settings.EMAIL_AUTHSERV_ID = TRUSTED
    raw = with_headers(raw_of("reply_valid_token.eml", world), DMARC_FAIL, RECEIVED,
                       DMARC_PASS)
    assert email_ingest(raw, source="test").inbound.reason == "dmarc_fail"


@pytest.mark.parametrize("headers", [
    pytest.param((DMARC_FAIL.replace(TRUSTED, "mx.evil.example"), RECEIVED),
                 id="another-servers-verdict"),
    pytest.param((DMARC_PASS, RECEIVED, DMARC_FAIL), id="a-forged-fail-below-ours"),
    pytest.param((DMARC_FAIL.replace("dmarc=fail (p=reject dis=none)", "dmarc=none"),),
                 id="no-dmarc-policy"),
])
def test_only_our_servers_topmost_verdict_counts(world, settings, headers):
    settings.EMAIL_AUTHSERV_ID = TRUSTED
    raw = with_headers(raw_of("reply_valid_token.eml", world), *headers)
    assert email_ingest(raw, source="test").inbound.reason == "reply"


def test_without_a_trusted_server_id_no_verdict_is_read(world, settings):
    settings.EMAIL_AUTHSERV_ID = ""
    raw = with_headers(raw_of("reply_valid_token.eml", world), DMARC_FAIL, RECEIVED)
    assert email_ingest(raw, source="test").inbound.reason == "reply"


def test_a_verdict_about_another_domain_than_the_from_address_counts_as_failed(world, settings):
    settings.EMAIL_AUTHSERV_ID = TRUSTED
    judged_other = DMARC_PASS.replace("header.from=example.com", "header.from=evil.example")
    raw = with_headers(raw_of("reply_valid_token.eml", world), judged_other, RECEIVED)
    assert email_ingest(raw, source="test").inbound.reason == "dmarc_fail"


def test_a_manager_may_let_in_mail_that_failed_dmarc(world, settings):
    settings.EMAIL_AUTHSERV_ID = TRUSTED
    raw = with_headers(raw_of("reply_valid_token.eml", world), DMARC_FAIL, RECEIVED)
    inbound = email_ingest(raw, source="test").inbound
    released = inbound_release(inbound_id=inbound.pk, by=ManagerFactory())
    assert (released.status, released.reason) == (InboundStatus.APPENDED, "released_reply")


# --- Addresses an account has not proved -------------------------------------------------------


@pytest.fixture
def squatter(reply_domain):
    """Someone signed up with Olga's address before she did; it was never verified."""
    return factories.CustomerFactory(email="olga@example.ru", full_name="Not Olga",
                                     email_verified_at=None)


def test_mail_from_an_unverified_accounts_address_is_held_and_its_owner_gets_a_proof_link(
        squatter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inbound = email_ingest(corpus("raw_utf8_headers.eml"), source="test").inbound
    assert (inbound.status, inbound.reason) == (InboundStatus.QUARANTINED,
                                                "unverified_address")
    assert not Conversation.objects.filter(customer=squatter).exists()
    (proof,) = mail.outbox
    assert proof.to == ["olga@example.ru"] and "/accounts/password/reset/" in proof.body
    # A second message within the hour is held too, without a second link.
    with django_capture_on_commit_callbacks(execute=True):
        again = email_ingest(corpus("raw_utf8_headers.eml").replace(
            b"0101@", b"0102@"), source="test").inbound
    assert again.reason == "unverified_address" and len(mail.outbox) == 1


def test_held_mail_goes_in_once_the_owner_proves_the_address(
        squatter, django_capture_on_commit_callbacks):
    from accounts.services import password_reset_complete

    held = email_ingest(corpus("raw_utf8_headers.eml"), source="test").inbound
    with django_capture_on_commit_callbacks(execute=True):
        password_reset_complete(user=squatter, password="A-new-passw0rd-of-olgas")
    held.refresh_from_db()
    assert (held.status, held.reason) == (InboundStatus.CREATED, "new")
    assert held.conversation.customer_id == squatter.pk
    assert "Заказ 70000555" in held.conversation_message.body


def test_a_reply_token_from_an_unverified_accounts_address_does_not_join(
        squatter, django_capture_on_commit_callbacks):
    conversation = conversation_open(customer=squatter, channel=Channel.EMAIL, topic="orders",
                                     description="Where is it?", subject="Parcel late")
    raw = raw_of("reply_valid_token.eml", conversation).replace(
        b"Anna Petrova <anna@example.com>", b"Olga <olga@example.ru>")
    inbound = email_ingest(raw, source="test").inbound
    assert (inbound.status, inbound.reason) == (InboundStatus.QUARANTINED,
                                                "unverified_address")
    assert conversation.messages.filter(body__contains="It has arrived now").count() == 0


def test_an_auto_reply_from_an_unverified_address_gets_no_proof_link(
        squatter, django_capture_on_commit_callbacks):
    raw = corpus("auto_reply_out_of_office.eml").replace(
        b"boris@mail.example", b"olga@example.ru")
    with django_capture_on_commit_callbacks(execute=True):
        inbound = email_ingest(raw, source="test").inbound
    assert inbound.status == InboundStatus.IGNORED and mail.outbox == []


def test_a_manager_cannot_let_held_mail_into_an_unverified_account(squatter):
    held = email_ingest(corpus("raw_utf8_headers.eml"), source="test").inbound
    from helpdesk.mail.inbound import ReviewRefused

    with pytest.raises(ReviewRefused):
        inbound_release(inbound_id=held.pk, by=ManagerFactory())
    assert InboundEmail.objects.get(pk=held.pk).reason == "unverified_address"


def test_an_account_made_from_mail_is_trusted_for_the_next_mail(world):
    email_ingest(raw_of("plain_utf8_new.eml", world), source="test")
    oleg = User.objects.get(email="oleg.smirnov@mail.example")
    assert not oleg.has_usable_password()
    raw = raw_of("plain_utf8_new.eml", world).replace(b"plain-utf8-0001", b"plain-utf8-0002")
    assert email_ingest(raw, source="test").inbound.reason == "new"
