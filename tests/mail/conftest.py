"""Fixtures of the email tests: conversations by channel, a real SMTP server."""

import pytest

from helpdesk.models import Channel
from helpdesk.services.conversations import conversation_open
from tests.mail.factories import AgentFactory, CustomerFactory
from tests.mail.smtp import SmtpServer


@pytest.fixture
def customer(db):
    return CustomerFactory(full_name="Anna Petrova", email="anna@example.com")


@pytest.fixture
def agent(db):
    return AgentFactory(full_name="Ivan Sidorov")


@pytest.fixture
def email_conversation(customer):
    return conversation_open(customer=customer, channel=Channel.EMAIL, topic="orders",
                             description="Where is my parcel?", subject="Parcel late")


@pytest.fixture
def web_conversation(customer):
    return conversation_open(customer=customer, channel=Channel.WEB, topic="orders",
                             description="Refund please", subject="Refund")


@pytest.fixture
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def reply_domain(settings):
    settings.HELPDESK_REPLY_DOMAIN = "reply.help.test"
    return settings.HELPDESK_REPLY_DOMAIN
