"""Stored business-hours timings of conversations (``ConversationTiming``): when stale, refresh.

A timing is fresh when it was computed from the conversation's current ``created_at``,
``first_response_at`` and ``resolved_at`` under the current schedule (``Schedule.key``).
Anything else (no row yet, an answer or resolution since, a reopened conversation, edited
business hours or holidays) makes it stale, whoever changed what: the beat task
(``helpdesk.reports.tasks``) refreshes stale rows every minute, and a report refreshes the
stale rows of its own scope before it reads them, so its figures are never stale.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.db.models import Case, DateTimeField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone

from helpdesk.business_hours import Schedule
from helpdesk.models import Conversation
from helpdesk.reports.models import ConversationTiming

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
_NEVER = Value(datetime(1970, 1, 1, tzinfo=UTC), output_field=DateTimeField())


def _same(stored: str, current: str) -> Exact:
    return Exact(Coalesce(stored, _NEVER), Coalesce(current, _NEVER))


def fresh_condition(key: str, relation: str = "timing") -> Q:
    """On ``Conversation``: its stored timing (reached through ``relation``, the reverse
    one-to-one or a FilteredRelation of it) matches its timestamps and the schedule ``key``."""
    return (Q(**{f"{relation}__schedule_key": key})
            & Q(**{f"{relation}__created_at": F("created_at")})
            & Q(_same(f"{relation}__first_response_at", "first_response_at"))
            & Q(_same(f"{relation}__resolved_at", "resolved_at")))


def stale_flag(key: str, relation: str = "timing") -> Case:
    """1 for a conversation whose timing is missing or stale, else 0 (an annotation)."""
    return Case(When(fresh_condition(key, relation), then=Value(0)), default=Value(1),
                output_field=IntegerField())


def business_durations(row, schedule: Schedule) -> tuple[float | None, float | None]:
    """Business seconds to first response and to resolution of one (created, first, resolved)."""
    created, first, resolved = row
    return (schedule.seconds(created, first) if first else None,
            schedule.seconds(created, resolved) if resolved else None)


def conversation_timings_refresh(*, conversations: QuerySet[Conversation] | None = None,
                                 schedule: Schedule | None = None,
                                 batch_size: int = BATCH_SIZE) -> int:
    """Compute and store the timings of the stale conversations among ``conversations``
    (default: all); return how many were written. Idempotent; safe to run concurrently
    (an upsert per row, and any two runs compute the same figures)."""
    schedule = schedule or Schedule.load()
    key = schedule.key
    base = (Conversation.objects.all() if conversations is None else conversations).order_by()
    stale = (base.alias(stale=stale_flag(key)).filter(stale=1)
             .values_list("pk", "created_at", "first_response_at", "resolved_at"))
    written, last_pk = 0, 0
    while True:
        rows = list(stale.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        if not rows:
            return written
        now = timezone.now()
        timings = []
        for pk, created, first, resolved in rows:
            first_s, resolution_s = business_durations((created, first, resolved), schedule)
            timings.append(ConversationTiming(
                conversation_id=pk, created_at=created, first_response_at=first,
                resolved_at=resolved, schedule_key=key, first_response_seconds=first_s,
                resolution_seconds=resolution_s, computed_at=now))
        ConversationTiming.objects.bulk_create(
            timings, update_conflicts=True, unique_fields=["conversation"],
            update_fields=["created_at", "first_response_at", "resolved_at", "schedule_key",
                           "first_response_seconds", "resolution_seconds", "computed_at"])
        written += len(timings)
        last_pk = rows[-1][0]
        if len(rows) < batch_size:
            return written
