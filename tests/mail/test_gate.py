"""What the outbox sends to whom: nothing but proof links to the address of an account that
has not proved it (recorded as withheld, never retried by itself); and acknowledgements to one
address are throttled."""

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from accounts.services import email_verification_request, password_reset_request
from helpdesk.mail.inbound import email_ingest
from helpdesk.mail.models import OutboundEmail, OutboundKind, OutboundStatus
from helpdesk.mail.outbox import outbox_enqueue, outbox_retry
from helpdesk.mail.send_tasks import email_outbox_sweep
from helpdesk.models import Channel, Conversation, Status
from helpdesk.services.conversations import chat_message_send, conversation_open
from helpdesk.surveys.services import surveys_run
from tests import factories
from tests.mail.factories import AgentFactory
from tests.mail.test_inbound import CORPUS

pytestmark = pytest.mark.django_db


@pytest.fixture
def squatter():
    """An account made with olga@example.ru by someone who never proved it."""
    return factories.CustomerFactory(email="olga@example.ru", full_name="Not Olga",
                                     email_verified_at=None)


def agent_reply(conversation, capture):
    with capture(execute=True):
        chat_message_send(conversation=conversation, user=AgentFactory(), as_agent=True,
                          body="Here is everything about your order.", client_id="")
    return OutboundEmail.objects.filter(kind=OutboundKind.REPLY).latest("pk")


def test_nothing_but_proof_links_goes_to_an_unverified_accounts_address(
        squatter, django_capture_on_commit_callbacks):
    conversation = conversation_open(customer=squatter, channel=Channel.EMAIL,
                                     topic="orders", description="Where is it?")
    row = agent_reply(conversation, django_capture_on_commit_callbacks)
    assert (row.status, row.last_error) == (OutboundStatus.WITHHELD,
                                            "not sent: address not verified")
    assert row.get_status_display() == "Not sent: address not verified"
    assert mail.outbox == []
    assert email_outbox_sweep() == 0  # not a retry loop
    with django_capture_on_commit_callbacks(execute=True):
        password_reset_request(email="olga@example.ru")
        email_verification_request(user=squatter)
    sent = OutboundEmail.objects.filter(status=OutboundStatus.SENT)
    assert set(sent.values_list("kind", flat=True)) == {OutboundKind.PASSWORD_RESET,
                                                        OutboundKind.VERIFY}
    assert len(mail.outbox) == 2


def test_withheld_mail_can_be_sent_again_once_the_address_is_verified(
        squatter, django_capture_on_commit_callbacks):
    conversation = conversation_open(customer=squatter, channel=Channel.EMAIL,
                                     topic="orders", description="Where is it?")
    row = agent_reply(conversation, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_retry(outbound_ids=[row.pk]) == 1  # not verified yet: withheld again
    row.refresh_from_db()
    assert row.status == OutboundStatus.WITHHELD and mail.outbox == []
    User.objects.filter(pk=squatter.pk).update(email_verified_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        outbox_retry(outbound_ids=[row.pk])
    row.refresh_from_db()
    assert row.status == OutboundStatus.SENT
    (message,) = mail.outbox
    assert message.reply_to[0].startswith("reply+")  # the sealed parts were kept for this


def test_mail_to_an_address_without_an_account_is_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox_enqueue(kind=OutboundKind.RETURN_STATUS, to=[("guest@example.org", "")],
                             subject="Your return", body_text="Approved")
    row.refresh_from_db()
    assert row.status == OutboundStatus.SENT and len(mail.outbox) == 1


def test_bulk_mail_withholds_the_unverified_and_sends_the_rest(
        squatter, django_capture_on_commit_callbacks):
    trusted = factories.CustomerFactory(email_verified_at=timezone.now())
    for customer in (squatter, trusted):
        conversation = conversation_open(customer=customer, channel=Channel.WEB,
                                         topic="returns", description="Broken kettle")
        conversation.status = Status.RESOLVED
        conversation.resolved_at = timezone.now() - timezone.timedelta(days=2)
        conversation.save(update_fields=["status", "resolved_at"])
    with django_capture_on_commit_callbacks(execute=True):
        surveys_run()
    outcome = sorted(OutboundEmail.objects.filter(kind=OutboundKind.SURVEY)
                     .values_list("status", flat=True))
    assert outcome == [OutboundStatus.SENT, OutboundStatus.WITHHELD]
    assert [m.to for m in mail.outbox] == [[f"{trusted.full_name} <{trusted.email}>"]]


def test_at_most_n_acknowledgements_an_hour_go_to_one_address(
        settings, django_capture_on_commit_callbacks):
    settings.EMAIL_ACKS_PER_HOUR = 2
    raw = (CORPUS / "plain_utf8_new.eml").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(4):
            email_ingest(raw.replace(b"plain-utf8-0001", f"ack-{i}".encode()), source="test")
    conversations = Conversation.objects.filter(customer__email="oleg.smirnov@mail.example")
    assert conversations.count() == 4  # every request stands
    assert OutboundEmail.objects.filter(kind=OutboundKind.ACKNOWLEDGEMENT).count() == 2
    assert len(mail.outbox) == 2
