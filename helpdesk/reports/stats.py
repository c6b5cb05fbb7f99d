"""Percentiles and shares in Python, by PostgreSQL's definitions (helpdesk.reports.figures
computes them in SQL there).

``percentile`` is PostgreSQL's ``percentile_cont``: linear interpolation between the two
nearest ranks, position ``p * (n - 1)`` in the sorted values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable


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


def share(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in per cent, or None when there is nothing to divide."""
    return (100.0 * part / whole) if whole else None
