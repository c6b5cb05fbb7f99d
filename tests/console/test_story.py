"""The conversation view is the customer's whole story (helpdesk/console/story.py): the
sidebar's figures, the late flag, a return request opening or joining the customer's
conversation, and the return actions taken from the console."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import (
    Channel,
    Conversation,
    MessageKind,
    RatingSource,
    SatisfactionRating,
    Status,
    Team,
)
from helpdesk.services.conversations import conversation_open, conversation_resolve
from helpdesk.surveys.models import Survey
from helpdesk.surveys.services import surveys_schedule
from orders import services as order_services
from orders.models import OrderStatus, ReturnReason, ReturnStatus, Shipment, ShipmentStatus
from orders.selectors import late_shipments, shipment_is_late
from tests.factories import (
    AgentFactory,
    CustomerFactory,
    DeliveredOrderFactory,
    OrderFactory,
    OrderItemFactory,
    ShipmentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    return CustomerFactory(full_name="Ann Story", profile__phone="+7 900 000-00-00",
                           profile__tier="premium", language="ru")


@pytest.fixture
def agent():
    return AgentFactory(full_name="Olga Agent")


def _conversation(customer, *, channel=Channel.WEB, order=None, topic="orders"):
    return conversation_open(customer=customer, channel=channel, topic=topic, order=order,
                             description="Hello")


def _requested_return(order):
    item = order.items.order_by("id").first() or OrderItemFactory(order=order)
    return order_services.return_request_create(
        customer=order.customer, order=order, quantities={item.pk: 1},
        reason=ReturnReason.DAMAGED, description="The screen is cracked")


def _page(client, user, conversation):
    client.force_login(user)
    response = client.get(reverse("helpdesk_console:conversation",
                                  args=[conversation.reference]))
    assert response.status_code == 200
    return response


# --- the sidebar ------------------------------------------------------------------------------

def test_sidebar_shows_profile_tier_lifetime_orders_and_spend_per_currency(
        client, customer, agent):
    OrderFactory(customer=customer, total=Decimal("1000.00"), currency="RUB")
    OrderFactory(customer=customer, total=Decimal("500.50"), currency="RUB")
    OrderFactory(customer=customer, total=Decimal("9999.00"), currency="RUB",
                 status=OrderStatus.CANCELLED)  # counted, not spent
    OrderFactory(customer=customer, total=Decimal("20.00"), currency="EUR")
    OrderFactory(total=Decimal("777.00"))  # someone else's
    conv = _conversation(customer)
    ctx = _page(client, agent, conv).context
    assert ctx["orders_total"] == 4
    assert {t["currency"]: (t["orders"], t["spend"]) for t in ctx["order_totals"]} == {
        "RUB": (3, Decimal("1500.50")), "EUR": (1, Decimal("20.00"))}
    html = _page(client, agent, conv).content.decode()
    for text in ("Ann Story", customer.email, "+7 900 000-00-00", "Premium", "Русский",
                 "1500.50 RUB", "20.00 EUR"):
        assert text in html, text


def test_sidebar_lists_past_conversations_of_every_channel_with_status_and_rating(
        client, customer, agent):
    rated = _conversation(customer, channel=Channel.CHAT)
    conversation_resolve(conversation=rated, by=agent)
    SatisfactionRating.objects.create(conversation=rated, score=4, source=RatingSource.CHAT,
                                      created_at=timezone.now())
    email = _conversation(customer, channel=Channel.EMAIL)
    phone = _conversation(customer, channel=Channel.PHONE)
    _conversation(CustomerFactory())  # another customer's
    conv = _conversation(customer)
    response = _page(client, agent, conv)
    past = response.context["past"]
    assert {p.pk for p in past} == {rated.pk, email.pk, phone.pk}
    html = response.content.decode()
    assert "rated 4/5" in html
    for label in ("Live chat", "Email", "Phone", "Resolved"):
        assert label in html


def test_long_lists_are_bounded_with_how_many_more(client, customer, agent):
    for _ in range(8):
        OrderFactory(customer=customer)
    for _ in range(12):
        _conversation(customer)
    conv = _conversation(customer)
    ctx = _page(client, agent, conv).context
    assert len(ctx["orders"]) == 5 and ctx["orders_more"] == 3
    assert len(ctx["past"]) == 10 and ctx["past_more"] == 2
    html = _page(client, agent, conv).content.decode()
    assert "and 3 more" in html and "and 2 more" in html


# --- the late flag ----------------------------------------------------------------------------

def test_a_shipment_is_late_when_its_estimate_passed_and_it_is_not_delivered():
    today = timezone.localdate()
    late = ShipmentFactory(estimated_delivery=today - timedelta(days=1))
    due_today = ShipmentFactory(estimated_delivery=today)
    delivered = ShipmentFactory(estimated_delivery=today - timedelta(days=3),
                                status=ShipmentStatus.DELIVERED, delivered_at=timezone.now())
    no_estimate = ShipmentFactory(estimated_delivery=None)
    assert shipment_is_late(late, today=today)
    for shipment in (due_today, delivered, no_estimate):
        assert not shipment_is_late(shipment, today=today)
    # The same rule as a filter: the two agree on every shipment.
    assert set(late_shipments(today=today)) == {
        s for s in Shipment.objects.all() if shipment_is_late(s, today=today)} == {late}


def test_sidebar_flags_the_late_shipment_only(client, customer, agent):
    order = OrderFactory(customer=customer)
    ShipmentFactory(order=order, tracking_number="LATE1",
                    estimated_delivery=timezone.localdate() - timedelta(days=2))
    ShipmentFactory(order=OrderFactory(customer=customer), tracking_number="ONTIME1")
    html = _page(client, agent, _conversation(customer, order=order)).content.decode()
    assert html.count('data-testid="story-late"') == 1
    late_span = html[html.index('data-tracking="LATE1"'):]
    assert late_span.index('story-late') < late_span.index("</span>")


# --- query count --------------------------------------------------------------------------------

def _busy(customer, *, orders, conversations, returns):
    for i in range(orders):
        order = DeliveredOrderFactory(customer=customer)
        OrderItemFactory(order=order)
        ShipmentFactory(order=order, estimated_delivery=timezone.localdate() - timedelta(days=i))
    for _ in range(conversations):
        conv = _conversation(customer)
        conversation_resolve(conversation=conv, by=None)
        SatisfactionRating.objects.create(conversation=conv, score=5, source=RatingSource.CHAT,
                                          created_at=timezone.now())
    for order in customer.orders.all()[:returns]:
        _requested_return(order)
    return _conversation(customer)


def _queries(client, user, conv):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    url = reverse("helpdesk_console:conversation", args=[conv.reference])
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_conversation_view_costs_the_same_queries_for_a_small_and_a_busy_customer(
        client, agent):
    small = _busy(CustomerFactory(), orders=2, conversations=2, returns=2)
    busy = _busy(CustomerFactory(), orders=30, conversations=30, returns=8)
    few = _queries(client, agent, small)
    many = _queries(client, agent, busy)
    assert few == many
    assert many <= 24  # 24 with tags and macros: session, user, roles, the conversation, ...


# --- a return belongs to a conversation ---------------------------------------------------------

def test_requesting_a_return_opens_a_written_returns_conversation_about_the_order(customer):
    order = DeliveredOrderFactory(customer=customer)
    ret = _requested_return(order)
    conv = Conversation.objects.get(return_requests=ret)
    assert (conv.customer, conv.channel, conv.topic, conv.order) == (
        customer, Channel.WEB, "returns", order)
    assert conv.status == Status.OPEN
    first, event = conv.messages.order_by("seq")
    assert first.body == "The screen is cracked"
    assert (event.kind, event.event, event.body) == (MessageKind.EVENT, "return_requested",
                                                     ret.reference)
    assert ret.reference in conv.subject


def test_requesting_a_return_joins_the_customers_open_conversation_about_that_order(customer):
    order = DeliveredOrderFactory(customer=customer)
    chat = _conversation(customer, channel=Channel.CHAT, order=order)
    _conversation(customer)  # open, about something else: not joined
    ret = _requested_return(order)
    assert list(ret.conversations.all()) == [chat]
    assert chat.messages.filter(event="return_requested", body=ret.reference).exists()
    assert Conversation.objects.filter(customer=customer).count() == 2


def test_a_resolved_conversation_is_not_joined_and_a_failed_request_opens_nothing(customer):
    order = DeliveredOrderFactory(customer=customer)
    old = _conversation(customer, order=order)
    conversation_resolve(conversation=old, by=None)
    ret = _requested_return(order)
    assert old not in ret.conversations.all()
    assert ret.conversations.get().status == Status.OPEN
    count = Conversation.objects.count()
    too_late = DeliveredOrderFactory(customer=customer,
                                     delivered_at=timezone.now() - timedelta(days=400))
    with pytest.raises(Exception):  # noqa: B017, PT011 - the window closed: a ValidationError
        _requested_return(too_late)
    assert Conversation.objects.count() == count


def test_the_survey_follows_the_resolution_of_a_returns_conversation(customer, agent, settings):
    conv = Conversation.objects.get(
        return_requests=_requested_return(DeliveredOrderFactory(customer=customer)))
    conversation_resolve(conversation=conv, by=agent)
    later = timezone.now() + timedelta(hours=settings.SURVEY_DELAY_HOURS + 1)
    surveys_schedule(now=later)
    assert Survey.objects.filter(conversation=conv).exists()


# --- return actions from the console -------------------------------------------------------------

def _act(client, user, conv, ret, action, **data):
    client.force_login(user)
    return client.post(reverse("helpdesk_console:return_action",
                               args=[conv.reference, ret.reference]),
                       {"action": action, **data}, follow=True)


def _events(conv):
    return list(conv.messages.filter(kind=MessageKind.EVENT).values_list("event", flat=True))


def test_an_agent_approves_receives_and_refunds_a_return_from_the_conversation(
        client, customer, agent):
    order = DeliveredOrderFactory(customer=customer, total=Decimal("1000.00"))
    OrderItemFactory(order=order, unit_price=Decimal("1000.00"))
    ret = _requested_return(order)
    conv = ret.conversations.get()
    html = _page(client, agent, conv).content.decode()
    assert 'data-testid="story-return-approve"' in html
    assert 'data-testid="story-return-refund"' not in html  # not yet: only what may follow
    for action, status in (("approve", ReturnStatus.APPROVED),
                           ("receive", ReturnStatus.RECEIVED),
                           ("refund", ReturnStatus.REFUNDED)):
        response = _act(client, agent, conv, ret, action)
        assert response.status_code == 200
        ret.refresh_from_db()
        assert ret.status == status
    assert _events(conv) == ["return_requested", "return_approved", "return_received",
                             "return_refunded"]
    order.refresh_from_db()
    assert order.payment_status == "refunded"
    assert list(ret.events.values_list("status", flat=True)) == [
        "requested", "approved", "received", "refunded"]


def test_the_customer_sees_the_return_decisions_in_their_history(client, customer, agent):
    ret = _requested_return(DeliveredOrderFactory(customer=customer))
    conv = ret.conversations.get()
    _act(client, agent, conv, ret, "approve")
    client.force_login(customer)
    from helpdesk.selectors import messages_visible_to
    bodies = [m.event for m in messages_visible_to(conversation=conv, as_agent=False)]
    assert "return_approved" in bodies


def test_an_invalid_transition_is_a_message_and_changes_nothing(client, customer, agent):
    ret = _requested_return(DeliveredOrderFactory(customer=customer))
    conv = ret.conversations.get()
    response = _act(client, agent, conv, ret, "refund")
    assert response.status_code == 200
    assert "cannot become refunded" in response.content.decode()
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.REQUESTED
    assert _events(conv) == ["return_requested"]


def test_rejecting_needs_a_note_which_reaches_the_return(client, customer, agent):
    ret = _requested_return(DeliveredOrderFactory(customer=customer))
    conv = ret.conversations.get()
    response = _act(client, agent, conv, ret, "reject")
    assert "Tell the customer why" in response.content.decode()
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.REQUESTED
    _act(client, agent, conv, ret, "reject", note="Outside the rules for this item")
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.REJECTED
    assert ret.events.last().note == "Outside the rules for this item"
    assert _events(conv)[-1] == "return_rejected"


def test_an_agent_who_may_not_see_the_conversation_cannot_act_on_its_returns(client, customer):
    ret = _requested_return(DeliveredOrderFactory(customer=customer))
    conv = ret.conversations.get()
    conv.team = Team.objects.create(name="Returns")
    conv.save(update_fields=["team"])
    outsider = AgentFactory()
    response = _act(client, outsider, conv, ret, "approve")
    assert response.status_code == 404
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.REQUESTED


def test_another_customers_return_cannot_be_decided_through_this_conversation(
        client, customer, agent):
    conv = _conversation(customer)
    other = _requested_return(DeliveredOrderFactory())
    response = _act(client, agent, conv, other, "approve")
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == ReturnStatus.REQUESTED


def test_staff_without_the_return_permission_get_a_message_not_a_decision(
        client, customer, agent):
    from django.contrib.auth.models import Permission

    ret = _requested_return(DeliveredOrderFactory(customer=customer))
    conv = ret.conversations.get()
    for group in agent.groups.all():
        group.permissions.remove(Permission.objects.get(codename="change_returnrequest"))
    agent = type(agent).objects.get(pk=agent.pk)  # forget the cached permissions
    html = _page(client, agent, conv).content.decode()
    assert 'data-testid="story-return-approve"' not in html
    response = _act(client, agent, conv, ret, "approve")
    assert "You may not decide returns." in response.content.decode()
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.REQUESTED


def test_the_page_carries_every_string_console_story_js_shows(client, customer, agent):
    import re

    from tests.services import REPO

    html = _page(client, agent, _conversation(customer)).content.decode()
    match = re.search(r'<template id="story-i18n"(.*?)></template>', html, re.S)
    assert match
    strings = dict(re.findall(r'data-([\w-]+)="([^"]*)"', match.group(1)))
    used = set(re.findall(r"\bt\.(\w+)", (REPO / "static/js/console-story.js").read_text()))
    assert used and used <= set(strings)
    assert all(strings[key].strip() for key in used)
    assert "{name}" in strings["viewing"] and "{name}" in strings["typing"]
