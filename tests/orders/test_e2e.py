"""In headless Chromium against the real ASGI server: open an order and its tracking; request
a return with a photo and see its reference number."""

import pytest

from orders.models import ReturnRequest
from tests.e2e.conftest import browser, page  # noqa: F401 - the shared Playwright fixtures
from tests.factories import PASSWORD, CustomerFactory
from tests.orders.conftest import make_delivered_order, png_bytes

pytestmark = pytest.mark.e2e


def log_in(p, base, email):
    p.goto(f"{base}/accounts/login/")
    p.fill("#id_username", email)
    p.fill("#id_password", PASSWORD)
    p.locator("main form button[type=submit]").click()
    p.wait_for_url(f"{base}/")


def test_customer_opens_an_order_and_its_tracking(asgi_server, page):  # noqa: F811
    customer = CustomerFactory(email="olga@example.com", full_name="Olga Ivanova")
    order = make_delivered_order(customer)
    shipment = order.shipments.get()
    base = asgi_server.url

    def steps(p):
        log_in(p, base, "olga@example.com")
        p.goto(f"{base}/orders/")
        p.get_by_role("link", name=f"Order {order.number}").click()
        p.wait_for_url(f"{base}/orders/{order.number}/")
        timeline = p.get_by_test_id("tracking-timeline")
        return {
            "tracking": p.get_by_test_id("tracking-number").inner_text(),
            "events": timeline.locator("li").all_inner_texts(),
            "status": p.get_by_test_id("order-status").inner_text(),
        }

    seen = page.run(steps)
    assert seen["tracking"] == shipment.tracking_number
    assert len(seen["events"]) == 2
    assert "Moscow, pickup point" in seen["events"][0]  # newest first
    assert seen["status"] == "Delivered"
    assert page.csp_violations == [] and page.page_errors == []


def test_customer_requests_a_return_with_a_photo_and_sees_the_reference(
        asgi_server, page, settings):  # noqa: F811
    customer = CustomerFactory(email="olga@example.com", full_name="Olga Ivanova")
    order = make_delivered_order(customer, items=((2, "1500.00"),))
    item = order.items.get()
    base = asgi_server.url
    photo = png_bytes(size=(120, 90))

    def steps(p):
        log_in(p, base, "olga@example.com")
        p.goto(f"{base}/orders/{order.number}/")
        p.get_by_test_id("request-return").click()
        p.wait_for_url(f"{base}/orders/{order.number}/return/")
        p.fill(f"#id_qty_{item.pk}", "1")
        p.get_by_label("Changed my mind").check()
        changed_mind_refund = p.locator('[data-quote="refund"]').inner_text()
        p.get_by_label("Arrived damaged").check()
        damaged_refund = p.locator('[data-quote="refund"]').inner_text()
        address = p.get_by_test_id("return-address").inner_text()
        p.fill("#id_description", "The glass lid is cracked")
        p.set_input_files("#id_photos", files=[
            {"name": "lid.png", "mimeType": "image/png", "buffer": photo}])
        p.get_by_test_id("submit-return").click()
        p.wait_for_url(f"{base}/returns/**")
        image = p.locator(".photo-grid img").first
        image.wait_for()
        p.wait_for_function("() => document.querySelector('.photo-grid img').complete")
        return {
            "changed_mind_refund": changed_mind_refund, "damaged_refund": damaged_refund,
            "address": address,
            "reference": p.get_by_test_id("return-reference").inner_text(),
            "status": p.get_by_test_id("return-status").inner_text(),
            "photo_width": image.evaluate("img => img.naturalWidth"),
        }

    seen = page.run(steps)
    request = ReturnRequest.objects.get()
    assert seen["reference"] == request.reference
    assert seen["status"] == "Requested"
    assert seen["changed_mind_refund"] == "1301.00"  # 1500 minus the 199 fee, computed in JS
    assert seen["damaged_refund"] == "1500.00"
    assert seen["address"] == settings.RETURN_ADDRESS
    assert seen["photo_width"] == 120  # served through the owner-checking view
    assert request.photos.count() == 1
    assert page.csp_violations == [] and page.page_errors == []
