"""Agents' replies leave as threaded email, from the outbox, after commit."""

import pytest
from django.core import mail
from django.db import transaction

from helpdesk.mail.models import OutboundEmail, OutboundKind, OutboundStatus
from helpdesk.mail.tokens import reply_token_parse
from helpdesk.services.conversations import chat_message_send, note_add
from helpdesk.services.messages import message_post

pytestmark = pytest.mark.django_db


def reply(conversation, agent, body="Your parcel arrives tomorrow."):
    return chat_message_send(conversation=conversation, user=agent, as_agent=True, body=body,
                             client_id="")


def test_an_agents_reply_to_an_email_request_is_sent_once_threaded(
        email_conversation, agent, reply_domain, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reply(email_conversation, agent)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    message = sent.message()
    row = OutboundEmail.objects.get()
    assert row.kind == OutboundKind.REPLY and row.status == OutboundStatus.SENT
    assert message["Message-ID"] == row.message_id
    assert email_conversation.reference in sent.subject and sent.subject.startswith("Re: ")
    assert message["In-Reply-To"] and message["References"].startswith(message["In-Reply-To"])
    assert sent.to == ["Anna Petrova <anna@example.com>"]
    token = reply_token_parse(sent.reply_to[0])
    assert token.valid and token.conversation_id == email_conversation.pk
    html = sent.alternatives[0][0]
    assert "Your parcel arrives tomorrow." in sent.body and "Your parcel arrives tomorrow." in html


def test_the_second_reply_refers_to_the_first(email_conversation, agent, reply_domain,
                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reply(email_conversation, agent, "First")
        reply(email_conversation, agent, "Second")
    first, second = OutboundEmail.objects.order_by("created_at", "pk")
    assert second.headers["In-Reply-To"] == first.message_id
    assert first.message_id in second.headers["References"].split()
    assert first.message_id != second.message_id


def test_the_email_is_written_in_the_replys_transaction_and_sent_after_commit(
        email_conversation, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reply(email_conversation, agent)
        assert OutboundEmail.objects.filter(status=OutboundStatus.PENDING).count() == 1
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


def test_a_rolled_back_reply_sends_nothing(email_conversation, agent,
                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            reply(email_conversation, agent)
            raise RuntimeError("the request failed after the reply")
    assert OutboundEmail.objects.count() == 0
    assert mail.outbox == []


def test_notes_customer_messages_and_chats_send_no_email(email_conversation, agent, customer,
                                                         django_capture_on_commit_callbacks):
    from helpdesk.models import Channel
    from helpdesk.services.conversations import conversation_open

    chat = conversation_open(customer=customer, channel=Channel.CHAT, topic="orders",
                             description="Hi")
    with django_capture_on_commit_callbacks(execute=True):
        note_add(conversation=email_conversation, agent=agent, body="Carrier asked")
        message_post(conversation=email_conversation, author=customer, author_role="customer",
                     body="Thanks")
        reply(chat, agent)
    assert OutboundEmail.objects.count() == 0 and mail.outbox == []


def test_a_written_request_reply_respects_the_customers_choice(
        web_conversation, agent, customer, django_capture_on_commit_callbacks):
    profile = customer.customer_profile
    profile.notify_request_replies = False
    profile.save(update_fields=["notify_request_replies"])
    with django_capture_on_commit_callbacks(execute=True):
        reply(web_conversation, agent)
    assert mail.outbox == []
    profile.notify_request_replies = True
    profile.save(update_fields=["notify_request_replies"])
    with django_capture_on_commit_callbacks(execute=True):
        reply(web_conversation, agent, "Refund approved")
    assert len(mail.outbox) == 1


def test_names_and_subjects_cannot_inject_headers_or_recipients(
        customer, agent, django_capture_on_commit_callbacks):
    from helpdesk.models import Channel
    from helpdesk.services.conversations import conversation_open

    customer.full_name = "Eve\r\nBcc: victim@evil.test, other@evil.test"
    customer.save(update_fields=["full_name"])
    agent.full_name = "Mallory\nX-Injected: yes"
    agent.save(update_fields=["full_name"])
    conv = conversation_open(customer=customer, channel=Channel.EMAIL, topic="orders",
                             description="Hi",
                             subject="Help\r\nBcc: victim@evil.test\r\nX-Evil: 1")
    with django_capture_on_commit_callbacks(execute=True):
        reply(conv, agent)
    from email import message_from_bytes, policy
    from email.utils import getaddresses

    sent = mail.outbox[0]
    parsed = message_from_bytes(sent.message().as_bytes(), policy=policy.default)
    assert [a.addr_spec for a in parsed["To"].addresses] == ["anna@example.com"]
    assert getaddresses([str(parsed["To"])])[0][1] == "anna@example.com"
    assert set(parsed.keys()) & {"Bcc", "X-Evil", "X-Injected"} == set()
    assert "\n" not in str(parsed["Subject"]) and "\n" not in str(parsed["From"])
    assert str(parsed["From"]).startswith("\"Mallory X-Injected: (Help Desk)\" <")
