"""Two submissions of the same return at the same moment produce exactly one request."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from orders import services
from orders.models import ReturnReason, ReturnRequest
from tests.orders.conftest import make_delivered_order
from tests.services import require


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_make_exactly_one_return(customer):
    require(connection.vendor == "postgresql",
            "needs PostgreSQL (DATABASE_URL=postgres://...) for real row locks between threads")
    order = make_delivered_order(customer)
    item = order.items.order_by("id").first()
    barrier = threading.Barrier(2)
    results: list[object] = []

    def submit():
        try:
            barrier.wait(timeout=10)
            results.append(services.return_request_create(
                customer=customer, order=order, quantities={item.pk: item.quantity},
                reason=ReturnReason.DAMAGED))
        except ValidationError as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    created = [r for r in results if isinstance(r, ReturnRequest)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(created) == 1 and len(refused) == 1, results
    assert "already in a return" in " ".join(refused[0].messages)
    assert ReturnRequest.objects.count() == 1
