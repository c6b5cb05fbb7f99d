"""Change lists of large tables never count the whole table (helpdesk/admin_paginator.py)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.admin_paginator import EstimatedCountPaginator
from helpdesk.models import Conversation, Message, SatisfactionRating
from orders.models import Order
from tests.factories import CustomerFactory, ManagerFactory
from tests.services import require

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 3, 9, tzinfo=UTC)


def make_conversations(n: int, channel: str = "chat") -> list[Conversation]:
    customer = CustomerFactory()
    return Conversation.objects.bulk_create(
        [Conversation(reference=f"HD-P{channel}{i:06d}", customer=customer, channel=channel,
                      created_at=START + timedelta(minutes=i)) for i in range(n)])


def count_sql(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def analyze(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def test_small_lists_and_other_backends_get_the_exact_count():
    make_conversations(7)
    assert EstimatedCountPaginator(Conversation.objects.order_by("pk"), 5).count == 7
    assert EstimatedCountPaginator(Conversation.objects.filter(channel="email"), 5).count == 0


def test_unfiltered_large_table_reads_the_planner_estimate_not_count(monkeypatch):
    require(connection.vendor == "postgresql", "needs PostgreSQL (pg_class.reltuples)")
    monkeypatch.setattr(EstimatedCountPaginator, "exact_limit", 10)
    make_conversations(40)
    analyze(Conversation._meta.db_table)
    with CaptureQueriesContext(connection) as queries:
        count = EstimatedCountPaginator(Conversation.objects.order_by("-created_at"), 5).count
    assert count == 40  # ANALYZE of a small table is exact
    assert count_sql(queries.captured_queries) == []
    assert "reltuples" in queries.captured_queries[0]["sql"]


def test_filtered_large_list_counts_at_most_the_limit_then_estimates(monkeypatch):
    require(connection.vendor == "postgresql", "needs PostgreSQL (EXPLAIN estimates)")
    monkeypatch.setattr(EstimatedCountPaginator, "exact_limit", 10)
    make_conversations(30, "chat")
    make_conversations(4, "email")
    analyze(Conversation._meta.db_table)
    assert EstimatedCountPaginator(Conversation.objects.filter(channel="email"), 5).count == 4
    with CaptureQueriesContext(connection) as queries:
        count = EstimatedCountPaginator(Conversation.objects.filter(channel="chat"), 5).count
    assert count >= 11  # more than the limit: at least what was counted, then the estimate
    capped = count_sql(queries.captured_queries)
    assert len(capped) == 1 and "LIMIT 11" in capped[0]
    assert any(q["sql"].startswith("EXPLAIN") for q in queries.captured_queries)


@pytest.mark.parametrize("model", [Conversation, Message, SatisfactionRating, Order])
def test_large_table_admins_use_the_estimating_paginator(model):
    assert admin.site._registry[model].paginator is EstimatedCountPaginator


def test_change_lists_render_without_counting_the_table(client):
    make_conversations(3)
    client.force_login(ManagerFactory(is_superuser=True))
    for url in ("/admin/helpdesk/conversation/", "/admin/helpdesk/message/",
                "/admin/helpdesk/satisfactionrating/", "/admin/helpdesk/satisfactionrating/?score=5"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        whole = [sql for sql in count_sql(queries.captured_queries)
                 if "WHERE" not in sql.upper() and "LIMIT" not in sql.upper()
                 and connection.vendor == "postgresql"]
        assert whole == [], url
        # No SELECT DISTINCT over a table for a filter or a date hierarchy.
        assert not [q for q in queries.captured_queries if "DISTINCT" in q["sql"].upper()], url
