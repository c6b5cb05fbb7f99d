from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from orders import services
from orders.models import ReturnReason, ReturnStatus
from tests.factories import AgentFactory
from tests.orders.conftest import MODEL_BACKEND, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client):
    agent = AgentFactory()
    client.force_login(agent, backend=MODEL_BACKEND)
    client.agent = agent
    return client


def a_return(order, **kwargs):
    item = order.items.order_by("id").first()
    return services.return_request_create(customer=order.customer, order=order,
                                          quantities={item.pk: 1},
                                          reason=ReturnReason.DAMAGED, **kwargs)


def decide(client, request, decision, **data):
    url = reverse("admin:orders_returnrequest_decide", args=[request.pk, decision])
    return client.post(url, data)


def test_agent_approves_with_a_note_and_the_customer_is_emailed(
        agent_client, order, django_capture_on_commit_callbacks):
    request = a_return(order, photos=[png_upload()])
    change = agent_client.get(reverse("admin:orders_returnrequest_change", args=[request.pk]))
    html = change.content.decode()
    assert reverse("admin:orders_returnrequest_decide", args=[request.pk, "approve"]) in html
    assert reverse("orders:return_photo", args=[request.reference,
                                                request.photos.get().pk]) in html
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(agent_client, request, "approve", note="Pack it in the original box")
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ReturnStatus.APPROVED
    event = request.events.last()
    assert event.note == "Pack it in the original box" and event.actor == agent_client.agent
    assert "Pack it in the original box" in mail.outbox[-1].body


def test_agent_walks_a_return_to_refund_with_an_adjusted_amount(agent_client, order):
    request = a_return(order)
    for decision in ("approve", "receive"):
        assert decide(agent_client, request, decision).status_code == 302
    assert decide(agent_client, request, "refund", amount="1200.00").status_code == 302
    request.refresh_from_db()
    assert request.status == ReturnStatus.REFUNDED
    assert request.refund_amount == Decimal("1200.00")


def test_reject_without_a_note_shows_the_error_and_changes_nothing(agent_client, order):
    request = a_return(order)
    response = decide(agent_client, request, "reject", note="")
    assert response.status_code == 200
    assert "why the return is rejected" in response.content.decode()
    request.refresh_from_db()
    assert request.status == ReturnStatus.REQUESTED


def test_bulk_action_approves_every_selected_return(agent_client, customer):
    from tests.orders.conftest import make_delivered_order

    requests = [a_return(make_delivered_order(customer)) for _ in range(2)]
    url = reverse("admin:orders_returnrequest_changelist")
    ids = [str(r.pk) for r in requests]
    confirm = agent_client.post(url, {"action": "approve_selected", "_selected_action": ids})
    assert confirm.status_code == 200 and "Note to the customer" in confirm.content.decode()
    done = agent_client.post(url, {"action": "approve_selected", "_selected_action": ids,
                                   "apply": "1", "note": "Approved in bulk"})
    assert done.status_code == 302
    for r in requests:
        r.refresh_from_db()
        assert r.status == ReturnStatus.APPROVED


def test_status_cannot_be_edited_directly_in_the_change_form(agent_client, order):
    request = a_return(order)
    url = reverse("admin:orders_returnrequest_change", args=[request.pk])
    agent_client.post(url, {"status": "refunded", "refund_amount": "99999"})
    request.refresh_from_db()
    assert request.status == ReturnStatus.REQUESTED


def test_customer_cannot_reach_the_decisions(customer_client, order):
    request = a_return(order)
    response = decide(customer_client, request, "approve")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    request.refresh_from_db()
    assert request.status == ReturnStatus.REQUESTED
