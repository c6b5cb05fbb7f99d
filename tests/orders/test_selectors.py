import pytest

from orders import selectors
from orders.access import NotFound, access_order, access_return
from tests.factories import AgentFactory, ShipmentFactory, TrackingEventFactory
from tests.orders.conftest import make_delivered_order

pytestmark = pytest.mark.django_db


def test_order_list_takes_two_queries_however_many_orders(customer, django_assert_num_queries):
    for _ in range(5):
        make_delivered_order(customer)
    with django_assert_num_queries(2):  # orders + their items
        orders = list(selectors.order_list(customer=customer))
        names = [item.name for order in orders for item in order.items.all()]
    assert len(orders) == 5 and len(names) == 10


def test_order_detail_takes_four_queries_with_tracking(customer, order,
                                                       django_assert_num_queries):
    extra = ShipmentFactory(order=order)
    for _ in range(3):
        TrackingEventFactory(shipment=extra)
    with django_assert_num_queries(4):  # order, items, shipments, events
        loaded = selectors.order_detail(user=customer, number=order.number)
        events = [e.location for s in loaded.shipments.all() for e in s.events.all()]
        items = [i.name for i in loaded.items.all()]
    assert len(events) == 5 and len(items) == 2


def test_tracking_events_come_newest_first(customer, order):
    loaded = selectors.order_detail(user=customer, number=order.number)
    times = [e.occurred_at for e in loaded.shipments.get().events.all()]
    assert times == sorted(times, reverse=True)


def test_access_refuses_other_customers_the_same_way_as_missing(customer, strangers_order):
    with pytest.raises(NotFound):
        access_order(user=customer, number=strangers_order.number)
    with pytest.raises(NotFound):
        access_order(user=customer, number="no-such-order")
    with pytest.raises(NotFound):
        access_return(user=customer, reference="RT-XXXXXXXX")


def test_agents_see_every_order(strangers_order):
    agent = AgentFactory()
    assert access_order(user=agent, number=strangers_order.number) == strangers_order
