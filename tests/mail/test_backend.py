"""Every app's email goes through the outbox (EMAIL_BACKEND = OutboxBackend, the default,
which the suite keeps: tests/conftest.py swaps only the delivery backend for locmem):
password resets (accounts), return status changes (orders), chat transcripts (helpdesk).

On the embedded default the send task runs eagerly after commit; each step below runs the
captured after-commit callbacks one at a time, so the test sees the row before its delivery.
"""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from helpdesk.mail.inbound import email_ingest
from helpdesk.mail.models import InboundStatus, OutboundEmail, OutboundKind, OutboundStatus
from orders import services as orders
from orders.models import ReturnReason
from tests.factories import PASSWORD
from tests.mail.factories import AgentFactory, CustomerFactory
from tests.orders.conftest import make_delivered_order

pytestmark = pytest.mark.django_db
RESET = reverse("accounts:password_reset")


def run_step(callbacks, capture):
    """Run captured after-commit callbacks; return the ones they schedule in turn."""
    with capture(execute=False) as scheduled:
        for callback in callbacks:
            callback()
    return scheduled


def deliver_all(callbacks, capture):
    while callbacks:
        callbacks = run_step(callbacks, capture)


def reset_link(body: str) -> str:
    found = re.search(r"https?://\S+(/accounts/password/reset/\S+/\S+/)", body)
    assert found, body
    return found.group(1)


def test_a_password_reset_is_an_outbox_row_delivered_by_the_send_task(
        client, django_capture_on_commit_callbacks):
    customer = CustomerFactory(email="olga@example.com")
    with django_capture_on_commit_callbacks(execute=False) as request_done:
        client.post(RESET, {"email": "olga@example.com"})
    assert not OutboundEmail.objects.exists()  # nothing before the commit
    sends = run_step(request_done, django_capture_on_commit_callbacks)  # the reset task
    row = OutboundEmail.objects.get()
    assert (row.kind, row.status, row.to) == (OutboundKind.PASSWORD_RESET,
                                             OutboundStatus.PENDING, [customer.email])
    assert mail.outbox == [] and len(sends) == 1
    assert run_step(sends, django_capture_on_commit_callbacks) == []  # email_send
    row.refresh_from_db()
    assert row.status == OutboundStatus.SENT and row.attempts == 1
    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == row.message_id
    assert "X-Helpdesk-Kind" not in message.extra_headers
    assert message.extra_headers["Content-Language"] == "en"
    assert reset_link(message.body)  # the link leaves with the email...
    assert "/accounts/password/reset/" not in row.body_text  # ...and was never stored readable
    assert row.sealed == ""  # its sealed copy is gone once sent


def test_a_return_status_change_is_an_outbox_row_delivered_by_the_send_task(
        django_capture_on_commit_callbacks):
    customer = CustomerFactory(email="ivan@example.com")
    order = make_delivered_order(customer)
    item = order.items.order_by("id").first()
    with django_capture_on_commit_callbacks(execute=True):
        request = orders.return_request_create(customer=customer, order=order,
                                               quantities={item.pk: 1},
                                               reason=ReturnReason.DAMAGED)
    mail.outbox.clear()
    OutboundEmail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False) as approved:
        orders.return_approve(return_request=request, actor=AgentFactory(), note="Pack it well")
    sends = run_step(approved, django_capture_on_commit_callbacks)  # return_status_email
    row = OutboundEmail.objects.get()
    assert row.status == OutboundStatus.PENDING and request.reference in row.subject
    assert row.kind == OutboundKind.RETURN_STATUS
    assert mail.outbox == []
    deliver_all(sends, django_capture_on_commit_callbacks)
    row.refresh_from_db()
    assert row.status == OutboundStatus.SENT
    (message,) = mail.outbox
    assert message.to == [customer.email] and "Pack it well" in message.body
    assert message.extra_headers["Message-ID"] == row.message_id
    assert "X-Helpdesk-Kind" not in message.extra_headers


def test_a_chat_transcript_is_an_outbox_row_of_its_own_kind(django_capture_on_commit_callbacks):
    from helpdesk.chat.services import transcript_send
    from helpdesk.models import Channel
    from helpdesk.services.conversations import conversation_open

    customer = CustomerFactory(email="nina@example.com")
    chat = conversation_open(customer=customer, channel=Channel.CHAT, topic="orders",
                             description="Where is my parcel?")
    with django_capture_on_commit_callbacks(execute=True):
        assert transcript_send(conversation=chat) is True
    row = OutboundEmail.objects.get()
    assert (row.kind, row.status) == (OutboundKind.TRANSCRIPT, OutboundStatus.SENT)
    (message,) = mail.outbox
    assert chat.reference in message.subject and "X-Helpdesk-Kind" not in message.extra_headers


def test_a_rolled_back_change_writes_no_outbox_row(django_capture_on_commit_callbacks):
    from django.db import transaction

    CustomerFactory(email="olga@example.com")
    with django_capture_on_commit_callbacks(execute=True) as callbacks, \
            pytest.raises(RuntimeError), transaction.atomic():
        Client().post(RESET, {"email": "olga@example.com"})
        raise RuntimeError("rolled back")
    assert callbacks == [] and not OutboundEmail.objects.exists() and mail.outbox == []


# --- Accounts created from email claim them with a password reset ------------------------------

NEW_MAIL = (b"From: Pavel Orlov <pavel@example.net>\r\nTo: support@example.com\r\n"
            b"Subject: Where is my order?\r\nMessage-ID: <claim-1@example.net>\r\n\r\n"
            b"It is late.\r\n")


def test_a_customer_created_from_email_claims_the_account_by_password_reset(
        django_capture_on_commit_callbacks):
    from accounts.models import User

    assert email_ingest(NEW_MAIL, source="test").status == InboundStatus.CREATED
    user = User.objects.get(email="pavel@example.net")
    assert not user.has_usable_password()
    mail.outbox.clear()
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET, {"email": "pavel@example.net"})
    assert response.status_code == 302
    (message,) = [m for m in mail.outbox if m.to == ["pavel@example.net"]]
    link = client.get(reset_link(message.body), follow=True)
    assert link.status_code == 200
    form_url = link.redirect_chain[-1][0] if link.redirect_chain else reset_link(message.body)
    done = client.post(form_url, {"new_password1": "Quartz-Meadow-42!",
                                  "new_password2": "Quartz-Meadow-42!"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.has_usable_password() and user.check_password("Quartz-Meadow-42!")


def test_a_reset_looks_the_same_whoever_asks_and_inactive_or_staff_get_nothing(
        client, django_capture_on_commit_callbacks):
    CustomerFactory(email="gone@example.com", is_active=False, password=None)
    AgentFactory(email="agent-nopw@example.com", password=None)
    CustomerFactory(email="has@example.com", password=PASSWORD)
    answers = []
    for email in ["gone@example.com", "agent-nopw@example.com", "nobody@example.com",
                  "has@example.com"]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(RESET, {"email": email})
        answers.append((response.status_code, response["Location"]))
    assert len(set(answers)) == 1
    assert [m.to for m in mail.outbox] == [["has@example.com"]]
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == [["has@example.com"]]
