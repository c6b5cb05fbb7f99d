"""One rule decides whether a message leaves as an email (``message_emails``); every path that
acts on it (``message_post``'s signal, the mail app's outbox) must agree with it, and the chat's
fast path derives its SQL from the same set (tests/chat/test_chat_fast.py)."""

import itertools

import pytest

from helpdesk.mail.models import OutboundEmail, OutboundKind
from helpdesk.mail.outbound import email_reply_enqueue
from helpdesk.models import AuthorRole, Channel, Message, MessageKind
from helpdesk.services.conversations import conversation_open
from helpdesk.services.messages import (
    EMAILED_MESSAGES,
    emailed_channels,
    message_emails,
    message_post,
)
from helpdesk.signals import message_posted
from tests.factories import AgentFactory, CustomerFactory

pytestmark = pytest.mark.django_db

CASES = [(channel, role, kind)
         for channel, role, kind in itertools.product(Channel.values, AuthorRole.values,
                                                       MessageKind.values)
         # a system author writes only events; a customer no events
         if (role == AuthorRole.SYSTEM) == (kind == MessageKind.EVENT)]


def test_only_an_agents_answer_in_an_email_or_written_request_leaves_as_email():
    assert {case for case in CASES if message_emails(channel=case[0], author_role=case[1],
                                                     kind=case[2])} == {
        ("email", "agent", "message"), ("web", "agent", "message")}


@pytest.mark.parametrize("role,kind", list(itertools.product(AuthorRole.values, MessageKind.values)))
def test_the_channels_for_sql_are_the_rule(role, kind):
    assert set(emailed_channels(author_role=role, kind=kind)) == {
        channel for channel in Channel.values
        if message_emails(channel=channel, author_role=role, kind=kind)}


@pytest.mark.parametrize("channel,role,kind", CASES)
def test_message_post_and_the_outbox_follow_the_one_rule(channel, role, kind):
    customer = CustomerFactory()
    agent = AgentFactory()
    conversation = conversation_open(customer=customer, channel=channel, topic="orders",
                                     description="Where is my parcel?", subject="Parcel")
    told = []

    def listen(sender, message, may_email, **kwargs):
        told.append(may_email)

    author = {AuthorRole.AGENT: agent, AuthorRole.CUSTOMER: customer}.get(role)
    message_posted.connect(listen)
    try:
        message = message_post(conversation=conversation, author=author, author_role=role,
                               body="The answer", kind=kind, event="assigned" if
                               kind == MessageKind.EVENT else "").message
    finally:
        message_posted.disconnect(listen)
    expected = message_emails(channel=channel, author_role=role, kind=kind)
    replies = OutboundEmail.objects.filter(conversation_message=message, kind=OutboundKind.REPLY)
    assert told == [expected]
    assert replies.exists() is expected
    # The mail app, asked directly, writes (or has written) the row exactly when the rule says.
    assert (email_reply_enqueue(message=Message.objects.get(pk=message.pk)) is not None) \
        is expected
    assert ((channel, role, kind) in EMAILED_MESSAGES) is expected
