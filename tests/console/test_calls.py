"""Phone calls (helpdesk/services/calls.py, helpdesk/console/calls.py): logged from a
conversation or from the inbox, shown to the customer in My requests, counted in the reports."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import CustomerProfile
from helpdesk.models import (
    CallOutcome,
    Channel,
    Conversation,
    Message,
    MessageKind,
    PhoneCall,
    Status,
)
from helpdesk.reports.filters import ReportFilters, report_tz
from helpdesk.reports.selectors import volume
from helpdesk.services.calls import call_log, customers_lookup
from helpdesk.services.conversations import conversation_open
from tests.factories import AgentFactory, CustomerFactory, ManagerFactory, OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    customer = CustomerFactory(full_name="Anna Petrova", email="anna@example.com")
    CustomerProfile.objects.filter(user=customer).update(phone="+7 916 204-18-37")
    return customer


@pytest.fixture
def agent():
    return AgentFactory(full_name="Ivan Sidorov")


def _form(**overrides):
    data = {"direction": "inbound", "phone_number": "+7 916 204-18-37", "minutes": "4",
            "seconds": "5", "outcome": "follow_up", "order": "", "topic": "orders",
            "notes": "Asked about the courier."}
    data.update(overrides)
    return data


def test_a_call_logged_from_a_conversation_joins_it(client, customer, agent):
    conv = conversation_open(customer=customer, channel=Channel.WEB, topic="orders",
                             description="Where is my parcel?")
    client.force_login(agent)
    page = client.get(reverse("helpdesk_console:call_log", args=[conv.reference]))
    assert 'value="+7 916 204-18-37"' in page.content.decode()  # prefilled from the profile
    response = client.post(reverse("helpdesk_console:call_log", args=[conv.reference]),
                           _form())
    assert response.status_code == 302
    call = PhoneCall.objects.get()
    assert call.conversation == conv and call.duration_seconds == 245
    assert call.phone_number == "+79162041837" and call.agent == agent
    assert Conversation.objects.filter(customer=customer).count() == 1
    event = Message.objects.get(conversation=conv, kind=MessageKind.EVENT, event="call_inbound")
    assert event.body == "4:05"
    note = Message.objects.get(conversation=conv, kind=MessageKind.NOTE)
    assert note.body == "Asked about the courier." and note.author == agent
    assert Conversation.objects.get(pk=conv.pk).status == Status.OPEN


def test_a_call_logged_from_the_inbox_opens_a_phone_conversation(client, customer, agent):
    client.force_login(agent)
    inbox = client.get(reverse("helpdesk_console:inbox")).content.decode()
    assert reverse("helpdesk_console:call_find") in inbox
    found = client.get(reverse("helpdesk_console:call_find"), {"q": "+79162041837"})
    assert reverse("helpdesk_console:call_customer", args=[customer.pk]) in found.content.decode()
    order = OrderFactory(customer=customer)
    response = client.post(reverse("helpdesk_console:call_customer", args=[customer.pk]),
                           _form(direction="outbound", order=str(order.pk),
                                 outcome="callback", topic="payment"))
    assert response.status_code == 302
    conv = Conversation.objects.get(customer=customer)
    assert conv.channel == Channel.PHONE and conv.status == Status.OPEN
    assert conv.assignee == agent and conv.topic == "payment" and conv.order == order
    assert conv.first_response_at is not None
    assert PhoneCall.objects.get().conversation == conv


def test_a_resolved_call_resolves_its_new_conversation(customer, agent):
    call = call_log(by=agent, customer=customer, direction="inbound",
                    phone_number="+7 916 204-18-37", duration_seconds=60,
                    outcome=CallOutcome.RESOLVED)
    conv = Conversation.objects.get(pk=call.conversation_id)
    assert conv.status == Status.RESOLVED and conv.resolved_at is not None


def test_a_call_from_a_resolved_conversation_opens_a_new_one(customer, agent):
    old = conversation_open(customer=customer, channel=Channel.EMAIL, topic="orders",
                            description="Old question")
    Conversation.objects.filter(pk=old.pk).update(status=Status.RESOLVED)
    old.refresh_from_db()
    call = call_log(by=agent, customer=customer, direction="inbound",
                    phone_number="+7 916 204-18-37", duration_seconds=60,
                    outcome=CallOutcome.FOLLOW_UP, conversation=old)
    assert call.conversation != old and call.conversation.channel == Channel.PHONE
    assert Conversation.objects.get(pk=old.pk).status == Status.RESOLVED


def test_the_call_shows_in_the_customers_my_requests_without_the_notes(client, customer, agent):
    call_log(by=agent, customer=customer, direction="outbound", phone_number="+79162041837",
             duration_seconds=125, outcome=CallOutcome.VOICEMAIL, notes="Secret agent note")
    conv = Conversation.objects.get(customer=customer)
    client.force_login(customer)
    listing = client.get(reverse("requests:list")).content.decode()
    assert conv.reference in listing
    detail = client.get(reverse("requests:detail", args=[conv.reference])).content.decode()
    assert "We called you (2:05)." in detail and "Phone" in detail
    assert "Secret agent note" not in detail


def test_phone_conversations_are_counted_in_the_reports(client, customer, agent):
    call_log(by=agent, customer=customer, direction="inbound", phone_number="+79162041837",
             duration_seconds=60, outcome=CallOutcome.RESOLVED)
    today = timezone.localdate(timezone=report_tz())  # the reports count days in SUPPORT_TIME_ZONE
    rows = volume(ReportFilters(date_from=today - timedelta(days=1), date_to=today))["channel"]
    phone = next(r for r in rows if r["channel"] == Channel.PHONE)
    assert phone["count"] == 1
    client.force_login(ManagerFactory())
    page = client.get(reverse("reports:dashboard"), {"channel": "phone"}).content.decode()
    assert 'data-testid="total-conversations"' in page
    assert Conversation.objects.filter(channel=Channel.PHONE).count() == 1


def test_an_order_of_another_customer_is_rejected_with_a_clear_error(client, customer, agent):
    foreign = OrderFactory()
    client.force_login(agent)
    response = client.post(reverse("helpdesk_console:call_customer", args=[customer.pk]),
                           _form(order=str(foreign.pk)))
    assert response.status_code == 400
    assert "Choose one of this customer&#x27;s orders." in response.content.decode()
    assert not PhoneCall.objects.exists() and not Conversation.objects.exists()
    with pytest.raises(ValidationError) as exc:
        call_log(by=agent, customer=customer, direction="inbound", phone_number="+79162041837",
                 duration_seconds=60, outcome="resolved", order=foreign)
    assert "order" in exc.value.message_dict


@pytest.mark.parametrize(("field", "value"), [
    ("phone_number", "call me"), ("phone_number", "12"), ("phone_number", "+1 234 567 890 123 456"),
    ("duration_seconds", -1), ("duration_seconds", 4 * 3600 + 1), ("direction", "sideways"),
    ("outcome", "great"),
])
def test_bad_input_is_refused_and_changes_nothing(customer, agent, field, value):
    kwargs = {"by": agent, "customer": customer, "direction": "inbound",
              "phone_number": "+79162041837", "duration_seconds": 60, "outcome": "resolved"}
    kwargs[field] = value
    with pytest.raises(ValidationError) as exc:
        call_log(**kwargs)
    expected = {"duration_seconds": "duration"}.get(field, field)
    assert expected in exc.value.message_dict
    assert not Conversation.objects.exists() and not PhoneCall.objects.exists()


def test_the_console_form_bounds_the_duration(client, customer, agent):
    client.force_login(agent)
    response = client.post(reverse("helpdesk_console:call_customer", args=[customer.pk]),
                           _form(minutes="241"))
    assert response.status_code == 400 and not PhoneCall.objects.exists()


def test_the_customer_lookup_is_exact_and_bounded(customer, agent):
    CustomerFactory(email="anna.other@example.com")
    assert customers_lookup(by=agent, query="ANNA@example.com") == [customer]
    assert customers_lookup(by=agent, query="+7 (916) 204 18 37") == [customer]
    assert customers_lookup(by=agent, query="anna") == []
    assert customers_lookup(by=agent, query="+7916") == []
    assert customers_lookup(by=agent, query=AgentFactory().email) == []  # staff are no customers


def test_erasing_the_customer_erases_the_number_and_notes_but_keeps_the_call(customer, agent):
    from accounts.erasure import customer_erase

    call = call_log(by=agent, customer=customer, direction="inbound",
                    phone_number="+79162041837", duration_seconds=60,
                    outcome=CallOutcome.FOLLOW_UP, notes="Lives at 1 Arbat St")
    customer_erase(customer=customer, actor=agent, reason="Asked on the phone")
    call.refresh_from_db()
    assert (call.phone_number, call.notes, call.duration_seconds) == ("", "", 60)
