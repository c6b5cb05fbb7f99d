"""Reads for the customer's order and return pages and the agent's view of a customer, each
with the joins it needs."""

from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from orders.access import access_order, access_return
from orders.models import (
    Order,
    OrderItem,
    OrderStatus,
    ReturnItem,
    ReturnRequest,
    Shipment,
    ShipmentStatus,
    TrackingEvent,
)


def order_list(*, customer, status: str = "", date_from: date | None = None,
               date_to: date | None = None) -> QuerySet[Order]:
    """The customer's orders, newest first, with the item count; filters are optional."""
    qs = Order.objects.filter(customer=customer).prefetch_related(
        Prefetch("items", queryset=OrderItem.objects.only("id", "order_id", "name", "quantity"))
    )
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(placed_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(placed_at__date__lte=date_to)
    return qs.order_by("-placed_at", "-id")


def order_detail(*, user, number: str) -> Order:
    """The order with its items, shipments and their tracking events (four queries).

    Raises NotFound (common.errors) when ``user`` may not see it.
    """
    queryset = Order.objects.prefetch_related(
        "items",
        Prefetch("shipments", queryset=Shipment.objects.prefetch_related(
            Prefetch("events", queryset=TrackingEvent.objects.order_by("-occurred_at", "-id"))
        )),
    )
    return access_order(user=user, number=number, queryset=queryset)


def return_list(*, customer) -> QuerySet[ReturnRequest]:
    return (ReturnRequest.objects.filter(customer=customer).select_related("order")
            .prefetch_related(Prefetch("items", queryset=ReturnItem.objects.select_related(
                "order_item")))
            .order_by("-created_at", "-id"))


def return_detail(*, user, reference: str) -> ReturnRequest:
    """The return with its order, items, photos and timeline (four queries)."""
    queryset = ReturnRequest.objects.select_related("order").prefetch_related(
        Prefetch("items", queryset=ReturnItem.objects.select_related("order_item")),
        "photos", "events",
    )
    return access_return(user=user, reference=reference, queryset=queryset)


# --- The agent's view of a customer (the console's sidebar) -----------------------------------

def shipment_is_late(shipment: Shipment, *, today: date | None = None) -> bool:
    """The one rule for "late": the estimated delivery date has passed and the shipment is not
    delivered. ``late_shipments`` is the same rule as a filter (pinned together by a test)."""
    today = today or timezone.localdate()
    return (shipment.estimated_delivery is not None and shipment.estimated_delivery < today
            and shipment.status != ShipmentStatus.DELIVERED and shipment.delivered_at is None)


def late_shipments(*, today: date | None = None) -> QuerySet[Shipment]:
    """Every late shipment (``shipment_is_late`` as a queryset)."""
    today = today or timezone.localdate()
    return (Shipment.objects.filter(estimated_delivery__lt=today, delivered_at=None)
            .exclude(status=ShipmentStatus.DELIVERED))


def customer_order_totals(*, customer) -> list[dict]:
    """Lifetime orders and spend per currency, in one aggregate query: a list of
    {"currency", "orders", "spend"} (spend leaves out cancelled orders), largest count first."""
    rows = (Order.objects.filter(customer=customer).order_by().values("currency")
            .annotate(orders=Count("id"),
                      spend=Coalesce(Sum("total", filter=~Q(status=OrderStatus.CANCELLED)),
                                     Value(Decimal("0")), output_field=DecimalField()))
            .order_by("-orders", "currency"))
    return [dict(row) for row in rows]


def customer_recent_orders(*, customer, limit: int) -> list[Order]:
    """The customer's ``limit`` latest orders, each shipment with its tracking events as
    ``event_list`` and its ``late`` flag (three queries whatever the sizes)."""
    events = Prefetch("events", queryset=TrackingEvent.objects.order_by("occurred_at", "id"),
                      to_attr="event_list")
    shipments = Prefetch("shipments", queryset=Shipment.objects.prefetch_related(events))
    orders = list(Order.objects.filter(customer=customer).prefetch_related(shipments)
                  .order_by("-placed_at", "-id")[:limit])
    today = timezone.localdate()
    for order in orders:
        for shipment in order.shipments.all():
            setattr(shipment, "late", shipment_is_late(shipment, today=today))  # noqa: B010
    return orders
