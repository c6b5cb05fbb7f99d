from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orders import services
from orders.models import ReturnReason, ReturnRequest, ReturnStatus
from tests.factories import AgentFactory, OrderFactory
from tests.orders.conftest import MODEL_BACKEND, png_upload

pytestmark = pytest.mark.django_db


def a_return(order, photos=()):
    item = order.items.order_by("id").first()
    return services.return_request_create(customer=order.customer, order=order,
                                          quantities={item.pk: 1},
                                          reason=ReturnReason.DAMAGED, photos=photos)


@pytest.fixture
def strangers_return(strangers_order):
    return a_return(strangers_order, photos=[png_upload()])


def customer_urls(order, return_request):
    photo = return_request.photos.first()
    return [
        ("get", reverse("orders:order_detail", args=[order.number])),
        ("get", reverse("orders:return_create", args=[order.number])),
        ("post", reverse("orders:return_create", args=[order.number])),
        ("get", reverse("orders:return_detail", args=[return_request.reference])),
        ("post", reverse("orders:return_cancel", args=[return_request.reference])),
        ("get", reverse("orders:return_photo", args=[return_request.reference, photo.pk])),
        ("get", reverse("report_problem", args=[order.number])),
        ("post", reverse("report_problem", args=[order.number])),
    ]


def test_every_customer_view_answers_404_for_another_customers_objects(
        customer_client, strangers_order, strangers_return):
    # The stranger's own return opened their conversation about the order (helpdesk.services
    # .returns); nothing the other customer does may add one.
    conversations = list(strangers_order.conversations.values_list("pk", flat=True))
    for method, url in customer_urls(strangers_order, strangers_return):
        data = {"reason": "damaged", "problem": "damaged", "description": "mine now",
                "channel": "web"}
        response = getattr(customer_client, method)(url, data if method == "post" else None)
        assert response.status_code == 404, (method, url)
    strangers_return.refresh_from_db()
    assert strangers_return.status == ReturnStatus.REQUESTED
    assert ReturnRequest.objects.count() == 1
    assert list(strangers_order.conversations.values_list("pk", flat=True)) == conversations


def test_missing_and_foreign_objects_look_the_same(customer_client, strangers_order,
                                                   strangers_return):
    foreign = customer_client.get(reverse("orders:order_detail", args=[strangers_order.number]))
    missing = customer_client.get(reverse("orders:order_detail", args=["99999999"]))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content
    photo = strangers_return.photos.first()
    # A real photo id paired with a reference the customer does not own: still 404.
    response = customer_client.get(
        reverse("orders:return_photo", args=["RT-NOTMINE1", photo.pk]))
    assert response.status_code == 404


def test_photo_of_own_return_under_another_reference_is_404(customer_client, order,
                                                           strangers_return):
    own = a_return(order)
    photo = strangers_return.photos.first()
    response = customer_client.get(
        reverse("orders:return_photo", args=[own.reference, photo.pk]))
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, order):
    response = client.get(reverse("orders:order_detail", args=[order.number]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_order_page_shows_items_payment_shipment_and_tracking(customer_client, order):
    response = customer_client.get(reverse("orders:order_detail", args=[order.number]))
    html = response.content.decode()
    shipment = order.shipments.get()
    assert response.status_code == 200
    assert shipment.tracking_number in html and shipment.carrier in html
    assert "Moscow sorting centre" in html and "Handed to the customer" in html
    assert order.items.first().name in html
    assert "Paid" in html
    assert reverse("report_problem", args=[order.number]) in html
    assert reverse("orders:return_create", args=[order.number]) in html


def test_order_list_shows_only_own_orders_with_filters_and_pages(customer_client, customer,
                                                                 strangers_order):
    now = timezone.now()
    for i in range(12):
        OrderFactory(customer=customer, placed_at=now - timedelta(days=i + 1), status="shipped")
    old = OrderFactory(customer=customer, placed_at=now - timedelta(days=100),
                       status="delivered")
    url = reverse("orders:order_list")
    first = customer_client.get(url).content.decode()
    assert strangers_order.number not in first
    assert first.count('class="card order-card"') == 10
    second = customer_client.get(url, {"page": 2}).content.decode()
    assert second.count('class="card order-card"') == 3 and old.number in second
    delivered = customer_client.get(url, {"status": "delivered"}).content.decode()
    assert old.number in delivered and delivered.count('class="card order-card"') == 1
    since = (now - timedelta(days=5)).date().isoformat()
    recent = customer_client.get(url, {"date_from": since}).content.decode()
    assert old.number not in recent and recent.count('class="card order-card"') == 5
    bad = customer_client.get(url, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert "must not be before" in bad.content.decode()


def test_return_form_shows_address_cost_and_processing_before_submitting(
        customer_client, order, settings):
    settings.RETURN_CHANGED_MIND_FEE = "199.00"
    url = reverse("orders:return_create", args=[order.number])
    html = customer_client.get(url).content.decode()
    assert settings.RETURN_ADDRESS in html
    assert "199.00" in html and "7 days" in html
    first = order.items.order_by("id").first()
    # The no-JavaScript "Recalculate" path computes the same figures on the server.
    preview = customer_client.post(url, {"reason": "changed_mind", f"qty_{first.pk}": "2",
                                         "preview": "1"}).content.decode()
    assert "3000.00" in preview and "2801.00" in preview
    assert not ReturnRequest.objects.exists()


def test_customer_submits_a_return_with_a_photo_and_sees_its_reference(customer_client, order):
    first = order.items.order_by("id").first()
    response = customer_client.post(
        reverse("orders:return_create", args=[order.number]),
        {"reason": "damaged", f"qty_{first.pk}": "1", "description": "Crushed",
         "photos": [png_upload()]}, follow=True)
    request = ReturnRequest.objects.get()
    assert response.redirect_chain[-1][0] == reverse("orders:return_detail",
                                                     args=[request.reference])
    html = response.content.decode()
    assert request.reference in html
    photo = request.photos.get()
    assert reverse("orders:return_photo", args=[request.reference, photo.pk]) in html


def test_invalid_photo_error_shows_next_to_the_field(customer_client, order):
    first = order.items.order_by("id").first()
    bad = png_upload()
    bad.file.seek(0)
    bad.file.write(b"<?php echo 1; ?>")
    bad.file.seek(0)
    response = customer_client.post(
        reverse("orders:return_create", args=[order.number]),
        {"reason": "damaged", f"qty_{first.pk}": "1", "photos": [bad]})
    assert response.status_code == 200
    assert "not a photo we can accept" in response.content.decode()
    assert not ReturnRequest.objects.exists()


def test_quantity_above_what_was_bought_is_refused_by_the_form(customer_client, order):
    first = order.items.order_by("id").first()
    response = customer_client.post(reverse("orders:return_create", args=[order.number]),
                                    {"reason": "damaged", f"qty_{first.pk}": "5"})
    assert response.status_code == 200 and not ReturnRequest.objects.exists()


def test_photo_is_served_to_its_owner_with_safe_headers(customer_client, order):
    request = a_return(order, photos=[png_upload()])
    photo = request.photos.get()
    response = customer_client.get(reverse("orders:return_photo",
                                           args=[request.reference, photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline; filename=")
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_photo_files_are_not_under_a_public_url(settings, order):
    request = a_return(order, photos=[png_upload()])
    photo = request.photos.get()
    response = Client().get("/" + photo.file.name)
    assert response.status_code == 404
    assert not settings.MEDIA_URL.startswith("/returns")


def test_customer_cancels_a_requested_return(customer_client, order):
    request = a_return(order)
    response = customer_client.post(reverse("orders:return_cancel", args=[request.reference]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ReturnStatus.CANCELLED


def test_forms_require_csrf(customer, order):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer, backend=MODEL_BACKEND)
    request = a_return(order)
    for url in (reverse("orders:return_cancel", args=[request.reference]),
                reverse("orders:return_create", args=[order.number]),
                reverse("report_problem", args=[order.number])):
        assert client.post(url, {}).status_code == 403


def test_return_page_shows_each_step_with_its_date(customer_client, order):
    agent = AgentFactory()
    request = a_return(order)
    services.return_approve(return_request=request, actor=agent, note="OK, send it")
    html = customer_client.get(reverse("orders:return_detail",
                                       args=[request.reference])).content.decode()
    assert "Approved" in html and "OK, send it" in html
    assert html.count("<time datetime=") >= 4  # two steps + two timeline entries
    assert "Cancel this return" not in html  # no longer only requested


def test_agent_sees_a_customers_return_photo(client, order):
    agent = AgentFactory()
    client.force_login(agent, backend=MODEL_BACKEND)
    request = a_return(order, photos=[png_upload()])
    photo = request.photos.get()
    response = client.get(reverse("orders:return_photo", args=[request.reference, photo.pk]))
    assert response.status_code == 200
