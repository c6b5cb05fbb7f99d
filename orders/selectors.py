"""Reads for the customer's order and return pages, each with the joins it needs."""

from datetime import date

from django.db.models import Prefetch, QuerySet

from orders.access import access_order, access_return
from orders.models import Order, OrderItem, ReturnItem, ReturnRequest, Shipment, TrackingEvent


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
