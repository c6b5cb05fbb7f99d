"""My requests: the list of every conversation, a request's public messages, replies that
reopen, and access (another customer's reference is a 404; internal notes never show)."""

import pytest

from helpdesk.models import Channel, Message, MessageKind, Status
from helpdesk.services.conversations import (
    conversation_open,
    conversation_reopen,
    conversation_resolve,
    note_add,
    request_reply,
)
from tests.chat.conftest import make_agent
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db


def _open(customer, channel, description="Something is wrong", **kwargs):
    return conversation_open(customer=customer, channel=channel, topic="orders",
                             description=description, **kwargs)


def test_list_shows_every_channel_newest_first_with_status_and_reference(client, customer):
    order = OrderFactory(customer=customer)
    convs = [_open(customer, channel, description=f"About {channel}")
             for channel in (Channel.CHAT, Channel.EMAIL, Channel.WEB, Channel.PHONE)]
    convs.append(_open(customer, Channel.WEB, order=order, subject="Parcel missing"))
    _open(CustomerFactory(), Channel.WEB, description="Someone else's")
    client.force_login(customer)
    response = client.get("/requests/")
    assert response.status_code == 200
    page = response.context["page"]
    assert [c.reference for c in page.object_list] == [c.reference for c in reversed(convs)]
    html = response.content.decode()
    for conv in convs:
        assert conv.reference in html
    assert "Parcel missing" in html and f"Order {order.number}" in html
    assert "Someone else&#x27;s" not in html and "Someone else's" not in html
    assert html.count('data-testid="request-status"') == 5
    assert "Waiting" in html and "Open" in html  # the chat waits, the others are open


def test_list_is_paginated(client, customer):
    for i in range(23):
        _open(customer, Channel.WEB, description=f"Request {i}")
    client.force_login(customer)
    first = client.get("/requests/")
    assert len(first.context["page"].object_list) == 20
    assert b'rel="next"' in first.content
    second = client.get("/requests/?page=2")
    assert len(second.context["page"].object_list) == 3
    assert list(second.context["page"].object_list)[-1].subject == "Request 0"


def test_list_needs_login(client):
    response = client.get("/requests/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_request_page_shows_public_messages_and_never_internal_notes(client, customer):
    conv = _open(customer, Channel.WEB, description="My parcel is late")
    agent = make_agent()
    from helpdesk.services.conversations import chat_message_send

    chat_message_send(conversation=conv, user=agent, as_agent=True,
                      body="We asked the carrier.", client_id="a1")
    note_add(conversation=conv, agent=agent, body="SECRET carrier blames warehouse")
    client.force_login(customer)
    response = client.get(f"/requests/{conv.reference}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "My parcel is late" in html and "We asked the carrier." in html
    assert "SECRET" not in html
    assert all(m["kind"] != MessageKind.NOTE for m in response.context["thread"])


def test_another_customers_reference_is_a_404(client, customer, other_customer):
    theirs = _open(other_customer, Channel.WEB)
    client.force_login(customer)
    assert client.get(f"/requests/{theirs.reference}/").status_code == 404
    assert client.post(f"/requests/{theirs.reference}/", {"body": "hi"}).status_code == 404
    assert client.get("/requests/HD-NOSUCH1/").status_code == 404
    assert theirs.messages.count() == 1


def test_staff_do_not_use_the_customer_request_page(client, customer):
    conv = _open(customer, Channel.WEB)
    agent = make_agent()
    client.force_login(agent)
    assert client.get(f"/requests/{conv.reference}/").status_code == 404


def test_reply_to_an_open_request_is_posted(client, customer):
    conv = _open(customer, Channel.WEB)
    client.force_login(customer)
    response = client.post(f"/requests/{conv.reference}/", {"body": "Any news?",
                                                            "client_id": "r1"})
    assert response.status_code == 302 and response.url == f"/requests/{conv.reference}/"
    last = conv.messages.order_by("-seq").first()
    assert (last.body, last.author, last.kind) == ("Any news?", customer, MessageKind.MESSAGE)
    # The same form sent twice (same client id) posts once.
    client.post(f"/requests/{conv.reference}/", {"body": "Any news?", "client_id": "r1"})
    assert conv.messages.filter(body="Any news?").count() == 1


def test_reply_to_a_resolved_request_reopens_it_with_an_event(client, customer):
    conv = _open(customer, Channel.CHAT)
    agent = make_agent()
    conversation_resolve(conversation=conv, by=agent)
    client.force_login(customer)
    page = client.get(f"/requests/{conv.reference}/")
    assert b'data-testid="request-reopen-note"' in page.content
    response = client.post(f"/requests/{conv.reference}/", {"body": "It broke again"})
    assert response.status_code == 302
    conv.refresh_from_db()
    assert conv.status == Status.OPEN and conv.resolved_at is None
    tail = list(conv.messages.order_by("-seq")[:2])
    assert (tail[1].kind, tail[1].event) == (MessageKind.EVENT, "reopened")
    assert tail[0].body == "It broke again"
    page = client.get(f"/requests/{conv.reference}/").content.decode()
    assert "The conversation was reopened." in page


def test_an_empty_reply_shows_the_error_next_to_the_field_and_reopens_nothing(client, customer):
    conv = _open(customer, Channel.WEB)
    conversation_resolve(conversation=conv, by=make_agent())
    client.force_login(customer)
    response = client.post(f"/requests/{conv.reference}/", {"body": "   "})
    assert response.status_code == 200
    assert "body" in response.context["form"].errors
    assert b'id="id_body_error"' in response.content
    conv.refresh_from_db()
    assert conv.status == Status.RESOLVED


def test_conversation_reopen_records_one_event_and_is_a_no_op_when_open(customer,
                                                                       django_capture_on_commit_callbacks):
    conv = _open(customer, Channel.EMAIL)
    conversation_reopen(conversation=conv, by=customer)
    assert not conv.messages.filter(event="reopened").exists()
    conversation_resolve(conversation=conv, by=make_agent())
    with django_capture_on_commit_callbacks() as callbacks:
        conversation_reopen(conversation=conv, by=customer)
    conversation_reopen(conversation=conv, by=customer)
    assert conv.status == Status.OPEN
    assert conv.messages.filter(event="reopened").count() == 1
    assert callbacks  # state, inbox and the event's message broadcasts after commit


def test_request_reply_refuses_someone_else(customer, other_customer):
    conv = _open(customer, Channel.WEB)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        request_reply(conversation=conv, customer=other_customer, body="hi")
    assert Message.objects.filter(conversation=conv).count() == 1
