"""Percentiles and durations: in SQL on PostgreSQL, by the same definition in Python elsewhere.

``percentile`` is PostgreSQL's ``percentile_cont``: linear interpolation between the two
nearest ranks, position ``p * (n - 1)`` in the sorted values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from django.db import connection
from django.db.models import Aggregate, Avg, Count, F, FloatField, Func, QuerySet


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def percentile(sorted_values: list[float], p: float) -> float | None:
    """``percentile_cont(p)`` of values already sorted ascending; None when there are none."""
    if not sorted_values:
        return None
    position = p * (len(sorted_values) - 1)
    lower = math.floor(position)
    upper = math.ceil(position)
    if lower == upper:
        return float(sorted_values[lower])
    fraction = position - lower
    return sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * fraction


def summarize(values: Iterable[float]) -> dict:
    """Count, mean, median and 90th percentile of durations in seconds."""
    ordered = sorted(values)
    return {
        "count": len(ordered),
        "average": (sum(ordered) / len(ordered)) if ordered else None,
        "median": percentile(ordered, 0.5),
        "p90": percentile(ordered, 0.9),
    }


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate ``percentile_cont(fraction) WITHIN GROUP (ORDER BY x)``."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


class EpochSeconds(Func):
    """Seconds in a PostgreSQL interval (``EXTRACT(EPOCH FROM ...)``)."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


def wall_clock_summary(qs: QuerySet, start: str, end: str) -> dict:
    """Count, mean, median and p90 of ``end - start`` in seconds over rows where both are set.

    PostgreSQL computes all four in one aggregate query; other backends read the pairs
    (streamed) and compute them in Python by the same definition.
    """
    qs = qs.filter(**{f"{start}__isnull": False, f"{end}__isnull": False})
    if is_postgres():
        seconds = EpochSeconds(F(end) - F(start))
        row = qs.aggregate(count=Count("pk"), average=Avg(seconds),
                           median=PercentileCont(seconds, 0.5), p90=PercentileCont(seconds, 0.9))
        return {key: (float(value) if value is not None and key != "count" else value)
                for key, value in row.items()}
    pairs = qs.values_list(start, end).iterator(chunk_size=5000)
    return summarize((b - a).total_seconds() for a, b in pairs)


def share(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in per cent, or None when there is nothing to divide."""
    return (100.0 * part / whole) if whole else None
