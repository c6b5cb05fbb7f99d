import re

import pytest
from django.urls import reverse

from accounts.choices import Topic
from helpdesk.models import Channel, Conversation, Status
from helpdesk.services.order_problems import order_problem_report
from tests.factories import CustomerFactory
from tests.orders.conftest import MODEL_BACKEND, make_delivered_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(db):
    return CustomerFactory(full_name="Olga Ivanova")


@pytest.fixture
def order(customer):
    return make_delivered_order(customer)


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer, backend=MODEL_BACKEND)
    return client


@pytest.mark.parametrize("problem,topic", [
    ("not_received", Topic.ORDERS), ("wrong_or_missing", Topic.ORDERS),
    ("damaged", Topic.RETURNS), ("payment", Topic.PAYMENT),
])
def test_report_opens_a_written_request_that_carries_the_order_and_topic(
        customer, order, problem, topic):
    conversation = order_problem_report(customer=customer, order=order, problem=problem,
                                        description="Where is it?")
    assert conversation.order == order and conversation.topic == topic
    assert conversation.channel == Channel.WEB and conversation.status == Status.OPEN
    assert order.number in conversation.subject
    assert conversation.messages.get().body == "Where is it?"


def test_report_through_the_page_shows_the_reference(customer_client, order):
    url = reverse("report_problem", args=[order.number])
    form = customer_client.get(url + "?problem=not_received").content.decode()
    checked = re.findall(r'<input type="radio" name="problem" value="(\w+)"[^>]*checked', form)
    assert checked == ["not_received"]
    response = customer_client.post(url, {"problem": "not_received", "channel": "web",
                                          "description": "Tracking is stuck in transit"},
                                    follow=True)
    conversation = Conversation.objects.get()
    assert conversation.order == order and conversation.topic == Topic.ORDERS
    assert conversation.reference in response.content.decode()


def test_description_is_required_and_the_error_shows_by_the_field(customer_client, order):
    response = customer_client.post(reverse("report_problem", args=[order.number]),
                                    {"problem": "damaged", "channel": "web", "description": ""})
    assert response.status_code == 200
    assert 'class="field has-error"' in response.content.decode()
    assert not Conversation.objects.exists()


def test_customer_cannot_report_on_someone_elses_order(customer_client):
    other = make_delivered_order(CustomerFactory())
    response = customer_client.post(reverse("report_problem", args=[other.number]),
                                    {"problem": "damaged", "channel": "web",
                                     "description": "x"})
    assert response.status_code == 404
    assert not Conversation.objects.exists()


def test_confirmation_page_of_someone_elses_request_is_404(customer_client, order):
    other_customer = CustomerFactory()
    other_order = make_delivered_order(other_customer)
    theirs = order_problem_report(customer=other_customer, order=other_order,
                                  problem="payment", description="Charged twice")
    url = reverse("report_problem_sent", args=[other_order.number, theirs.reference])
    assert customer_client.get(url).status_code == 404


def test_channel_outside_the_offered_ones_is_refused(customer_client, order):
    response = customer_client.post(reverse("report_problem", args=[order.number]),
                                    {"problem": "damaged", "channel": "phone",
                                     "description": "x"})
    assert response.status_code == 200
    assert not Conversation.objects.exists()
