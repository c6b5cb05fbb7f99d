"""Throttles of the customer's writing over HTTP: every page that opens a conversation (the
chat form, which leaves a written request when no agent is online, and "report a problem")
and the reply form of My requests. Each holds per account across client addresses and per
client address across accounts, answers 429 in the customer's language, and keeps the text."""

import html

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.limits import THROTTLES
from helpdesk.models import Conversation, Message
from helpdesk.services.conversations import conversation_open
from tests.factories import CustomerFactory
from tests.orders.conftest import make_delivered_order

pytestmark = pytest.mark.django_db

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in(user, ip: str) -> Client:
    client = Client(REMOTE_ADDR=ip)
    client.force_login(user, backend=MODEL_BACKEND)
    return client


def assert_refused_in_russian(response, name: str, kept: str) -> None:
    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="ru">' in page
    with translation.override("ru"):
        assert html.escape(str(THROTTLES[name].message)) in page
    assert kept in page  # what they wrote is still in the form


def chat_form(client, n):
    return client.post(reverse("chat:start"), {"topic": "orders",
                                               "description": f"Parcel {n} is late"})


def report_form(client, order, n):
    return client.post(reverse("report_problem", args=[order.number]), {
        "problem": "not_received", "channel": "web", "description": f"Parcel {n} is late"})


@pytest.fixture
def customer(db):
    return CustomerFactory(language="ru")


@pytest.fixture
def two_requests(settings):
    settings.WEB_REQUESTS_PER_ACCOUNT = 2
    settings.WEB_REQUESTS_PER_IP = 3


def test_new_requests_of_one_account_are_refused_over_the_limit_from_any_address(
    two_requests, customer,
):
    order = make_delivered_order(customer)
    answers = [chat_form(signed_in(customer, "203.0.113.1"), 1),
               report_form(signed_in(customer, "203.0.113.2"), order, 2),
               chat_form(signed_in(customer, "203.0.113.3"), 3),
               report_form(signed_in(customer, "203.0.113.4"), order, 4)]

    assert [a.status_code for a in answers] == [302, 302, 429, 429]
    assert_refused_in_russian(answers[2], "web_request", "Parcel 3 is late")
    assert_refused_in_russian(answers[3], "web_request", "Parcel 4 is late")
    assert Conversation.objects.filter(customer=customer).count() == 2


def test_new_requests_from_one_address_are_refused_over_the_limit_for_any_accounts(
    two_requests,
):
    customers = CustomerFactory.create_batch(4, language="ru")
    answers = [chat_form(signed_in(c, "203.0.113.7"), n) for n, c in enumerate(customers)]

    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert_refused_in_russian(answers[-1], "web_request", "Parcel 3 is late")
    assert Conversation.objects.count() == 3


def reply(client, conversation, n):
    return client.post(reverse("requests:detail", args=[conversation.reference]),
                       {"body": f"Any news {n}?", "client_id": f"r{n}"})


def test_replies_of_one_account_are_refused_over_the_limit_from_any_address(settings, customer):
    settings.WEB_REPLIES_PER_ACCOUNT = 2
    conversation = conversation_open(customer=customer, channel="web", topic="orders",
                                     description="Late parcel")
    answers = [reply(signed_in(customer, f"203.0.113.{n}"), conversation, n) for n in range(3)]

    assert [a.status_code for a in answers] == [302, 302, 429]
    assert_refused_in_russian(answers[-1], "web_reply", "Any news 2?")
    assert not Message.objects.filter(body="Any news 2?").exists()


def test_replies_from_one_address_are_refused_over_the_limit_for_any_accounts(settings):
    settings.WEB_REPLIES_PER_IP = 2
    answers = []
    for n, customer in enumerate(CustomerFactory.create_batch(3, language="ru")):
        conversation = conversation_open(customer=customer, channel="web", topic="orders",
                                         description="Late parcel")
        answers.append(reply(signed_in(customer, "203.0.113.7"), conversation, n))

    assert [a.status_code for a in answers] == [302, 302, 429]
    assert_refused_in_russian(answers[-1], "web_reply", "Any news 2?")


def test_a_form_with_errors_does_not_use_up_the_allowance(settings, customer):
    settings.WEB_REQUESTS_PER_ACCOUNT = 1
    client = signed_in(customer, "203.0.113.7")
    assert client.post(reverse("chat:start"), {"topic": "orders",
                                               "description": ""}).status_code == 200
    assert chat_form(client, 1).status_code == 302
