import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests.factories import (
    CustomerFactory,
    DeliveredOrderFactory,
    OrderItemFactory,
    ShipmentFactory,
    TrackingEventFactory,
)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    # Not for browser tests: the ASGI server checks passwords with the real hashers.
    if not request.node.get_closest_marker("e2e"):
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def customer(db):
    return CustomerFactory(email="olga@example.com", full_name="Olga Ivanova")


@pytest.fixture
def stranger(db):
    return CustomerFactory(email="boris@example.com", full_name="Boris Petrov")


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer, backend=MODEL_BACKEND)
    return client


def make_delivered_order(customer, *, items=((2, "1500.00"), (1, "990.00")), days_ago=3):
    """A delivered order with ``items`` ((quantity, unit price), ...), a shipment and events."""
    delivered = timezone.now() - timedelta(days=days_ago)
    order = DeliveredOrderFactory(customer=customer, delivered_at=delivered)
    for qty, price in items:
        OrderItemFactory(order=order, quantity=qty, unit_price=price)
    shipment = ShipmentFactory(order=order, status="delivered", delivered_at=delivered)
    TrackingEventFactory(shipment=shipment, occurred_at=delivered - timedelta(days=2),
                         location="Moscow sorting centre", status="in_transit")
    TrackingEventFactory(shipment=shipment, occurred_at=delivered, location="Moscow, pickup point",
                         status="delivered", description="Handed to the customer")
    return order


@pytest.fixture
def order(customer):
    return make_delivered_order(customer)


@pytest.fixture
def strangers_order(stranger):
    return make_delivered_order(stranger)


def png_bytes(size=(64, 48), color=(200, 30, 30), **save_kwargs) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG", **save_kwargs)
    return out.getvalue()


def png_upload(name="photo.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")
