"""A change list paginator that never counts a large table in full (docs/decisions 0005).

Django's admin asks its paginator for ``count`` on every page, and ``show_full_result_count =
False`` only drops the *second* count. On PostgreSQL a ``COUNT(*)`` reads the whole table (or
index), so a page of a million-row table costs hundreds of milliseconds. This paginator:

- an unfiltered list reads the planner's estimate, ``pg_class.reltuples`` (kept by autovacuum
  and ANALYZE): one catalogue lookup;
- a filtered list counts at most ``EXACT_LIMIT + 1`` rows; beyond that it takes the planner's
  row estimate of the query (``EXPLAIN``), never less than what it has already counted;
- small tables, and every backend other than PostgreSQL, get the exact count, as before.

An estimate can be off by a little, so the last page link may lead to a short or empty page;
a list that fits in ``EXACT_LIMIT`` rows is always exact.
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

EXACT_LIMIT = 10_000


def table_estimate(using: str, table: str) -> int | None:
    """The planner's row estimate of ``table``; None when never analyzed (reltuples < 0)."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                       [table])
        row = cursor.fetchone()
    if row is None or row[0] is None or row[0] < 0:
        return None
    return int(row[0])


def query_estimate(queryset) -> int | None:
    """The planner's estimate of the rows ``queryset`` returns (``EXPLAIN (FORMAT JSON)``)."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    try:
        return int(plan[0]["Plan"]["Plan Rows"])
    except (LookupError, TypeError, ValueError):
        return None


class EstimatedCountPaginator(Paginator):
    """``count`` is exact up to ``EXACT_LIMIT`` rows and an estimate beyond (PostgreSQL only)."""

    exact_limit = EXACT_LIMIT

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        query = getattr(qs, "query", None)
        if query is None or connections[qs.db].vendor != "postgresql":
            return super().count
        if not query.where and not query.distinct and not query.combinator:
            estimate = table_estimate(qs.db, qs.model._meta.db_table)
            if estimate is not None and estimate > self.exact_limit:
                return estimate
        # Filtered (or small): count, but stop after exact_limit + 1 rows.
        capped = qs.order_by().values("pk")[: self.exact_limit + 1].count()
        if capped <= self.exact_limit:
            return capped
        estimate = query_estimate(qs)
        return max(estimate or 0, capped)


def use_estimated_counts(site, models) -> None:
    """Give the change lists of ``models`` (registered on ``site``) the estimating paginator.

    For admins of apps that may not import ``helpdesk`` (orders, accounts, faq): the core,
    which may import them, sets it on their registered ModelAdmin instances.
    """
    for model in models:
        model_admin = site._registry.get(model)
        if model_admin is not None:
            model_admin.paginator = EstimatedCountPaginator
