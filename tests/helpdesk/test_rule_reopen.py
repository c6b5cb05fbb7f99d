"""One rule reopens a conversation (``conversation_reopen``, reached through ``customer_reply``):
the customer's reply from "My requests" and an emailed reply reopen a resolved conversation
the same way: status open, ``resolved_at`` cleared, one "reopened" event before the reply, the
state broadcast; an emailed auto-reply reopens nothing."""

import pytest

from helpdesk.mail.inbound import email_ingest
from helpdesk.mail.tokens import reply_address
from helpdesk.models import Channel, Conversation, MessageKind, Status
from helpdesk.services.conversations import conversation_open, conversation_resolve
from tests.mail.factories import AgentFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def _by_request_page(client, conversation):
    client.force_login(conversation.customer)
    response = client.post(f"/requests/{conversation.reference}/", {"body": "It broke again"})
    assert response.status_code == 302


def _email(conversation, *, auto_reply=False) -> bytes:
    extra = "Auto-Submitted: auto-replied\r\n" if auto_reply else ""
    return (f"From: {conversation.customer.email}\r\nTo: <{reply_address(conversation.pk)}>\r\n"
            f"Subject: Re: [{conversation.reference}]\r\n"
            f"Message-ID: <reopen-{conversation.pk}-{auto_reply}@example.com>\r\n{extra}"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            "It broke again\r\n").encode()


def _by_email(client, conversation):
    assert email_ingest(_email(conversation), source="test").status == "appended"


PATHS = {"request_page": _by_request_page, "email": _by_email}


@pytest.fixture
def resolved(settings):
    settings.HELPDESK_REPLY_DOMAIN = "reply.help.test"

    def make(channel):
        customer = CustomerFactory()
        conversation = conversation_open(customer=customer, channel=channel, topic="orders",
                                         description="Where is my parcel?", subject="Parcel")
        conversation_resolve(conversation=conversation, by=AgentFactory())
        conversation.refresh_from_db()
        assert conversation.status == Status.RESOLVED and conversation.resolved_at
        return conversation
    return make


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CLOSED])
def test_every_path_reopens_the_same_way(path, status, client, resolved,
                                         django_capture_on_commit_callbacks):
    conversation = resolved(Channel.EMAIL)
    Conversation.objects.filter(pk=conversation.pk).update(status=status)
    with django_capture_on_commit_callbacks() as callbacks:
        PATHS[path](client, conversation)
    conversation.refresh_from_db()
    assert (conversation.status, conversation.resolved_at) == (Status.OPEN, None)
    after = list(conversation.messages.filter(seq__gt=2).order_by("seq")
                 .values_list("kind", "event", "body"))
    assert after == [(MessageKind.EVENT, "reopened", ""),
                     (MessageKind.MESSAGE, "", "It broke again")]
    assert callbacks  # the state, the inbox and the messages are broadcast after commit


def test_the_paths_leave_the_same_conversation(client, resolved):
    seen = {}
    for path, post in PATHS.items():
        conversation = resolved(Channel.EMAIL)
        post(client, conversation)
        conversation.refresh_from_db()
        seen[path] = (conversation.status, conversation.resolved_at,
                      list(conversation.messages.order_by("seq").values_list("kind", "event")))
    assert len(set(map(repr, seen.values()))) == 1, seen


def test_an_emailed_auto_reply_joins_but_reopens_nothing(resolved):
    conversation = resolved(Channel.EMAIL)
    assert email_ingest(_email(conversation, auto_reply=True), source="test").status == "appended"
    conversation.refresh_from_db()
    assert conversation.status == Status.RESOLVED and conversation.resolved_at is not None
    assert not conversation.messages.filter(event="reopened").exists()


@pytest.mark.parametrize("path", PATHS)
def test_a_reply_while_waiting_for_the_customer_opens_it_without_a_reopened_event(
        path, client, resolved):
    conversation = resolved(Channel.EMAIL)
    Conversation.objects.filter(pk=conversation.pk).update(status=Status.PENDING,
                                                           resolved_at=None)
    PATHS[path](client, conversation)
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    assert not conversation.messages.filter(event="reopened").exists()
