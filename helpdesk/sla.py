"""The live SLA's due time: when the agent's next answer to a conversation is due.

``Conversation.response_due_at`` holds it, in business time (``helpdesk.business_hours``):
- a customer's message sets it when nothing is owed yet: the first response is due
  ``first`` business minutes after it while no agent has answered, the next response ``next``
  minutes after it once one has (so a conversation waiting for the customer, whose due time was
  cleared, starts the next-response clock when the customer writes again);
- an agent's answer (a public message, not a note) clears it;
- waiting for the customer (status pending), resolving and closing clear it (``CLEARED_BY``):
  the clock pauses.
A new due time also clears ``sla_warned_at`` and ``sla_breached_at``, so each due time gets its
own warning and escalation (``services.sla``).

The minutes come from the SLA policy of the customer's membership tier and the channel
(``policy``): the targets managers set in the reports app's ``SlaTarget`` (its first-response
and next-response minutes), else the defaults in settings (``SLA_FIRST_RESPONSE_MINUTES``,
``SLA_NEXT_RESPONSE_MINUTES``, per channel). The core does not import the reports app: the
reports register the table's rows as the policy source (``policy_source_register``).

The rule is applied inside the statement that locks the conversation and numbers the message
(``services.messages`` and the chat's fast path): ``due_sql`` is its SET clause, its values
(``due_values``) computed in Python beforehand, one per tier, channel and clock, so the fast
path keeps its single statement and both paths run the very same SQL
(tests/chat/test_chat_paths.py compares them).
"""

from __future__ import annotations

import threading
import time as clock
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings

from accounts.models import CustomerProfile, MembershipTier
from helpdesk import business_hours
from helpdesk.models import AuthorRole, Channel, MessageKind, Status

FIRST, NEXT = "first", "next"
# Statuses in which nothing is owed to the customer: setting one clears the due time.
CLEARED_BY = frozenset({str(Status.PENDING), str(Status.RESOLVED), str(Status.CLOSED)})
DEFAULT_FIRST_MINUTES = {"chat": 5, "email": 480, "web": 480, "phone": 240}
DEFAULT_NEXT_MINUTES = {"chat": 5, "email": 480, "web": 480, "phone": 480}

Policies = dict[tuple[str, str], tuple[int, int]]  # (tier, channel) -> (first, next) minutes
_source: list[Callable[[], dict[tuple[str, str], tuple[int | None, int | None]]]] = []
_lock = threading.Lock()
_policies: tuple[float, Policies] | None = None


def policy_source_register(source: Callable[[], dict]) -> None:
    """The app that stores SLA targets (the reports) gives a function returning
    ``{(tier, channel): (first_minutes or None, next_minutes or None)}`` (one query)."""
    _source[:] = [source]


def _defaults() -> Policies:
    first = {**DEFAULT_FIRST_MINUTES, **getattr(settings, "SLA_FIRST_RESPONSE_MINUTES", {})}
    after = {**DEFAULT_NEXT_MINUTES, **getattr(settings, "SLA_NEXT_RESPONSE_MINUTES", {})}
    return {(str(tier), str(channel)): (int(first[channel]), int(after[channel]))
            for tier in MembershipTier.values for channel in Channel.values}


def policies() -> Policies:
    """Every tier and channel's (first, next) response minutes; loaded at most every
    ``business_hours.CACHE_SECONDS`` (one query when loaded)."""
    global _policies
    found = cached_policies()
    if found is not None:
        return found
    found = _defaults()
    for source in _source:
        for key, (first, after) in source().items():
            default_first, default_next = found.get(key, (None, None))
            if default_first is None:
                continue  # a tier or channel no longer offered
            found[key] = (first if first is not None else default_first,
                          after if after is not None else default_next)
    with _lock:
        _policies = (clock.monotonic(), found)
    return found


def cached_policies() -> Policies | None:
    entry = _policies
    if entry is None or clock.monotonic() - entry[0] > business_hours.CACHE_SECONDS:
        return None
    return entry[1]


def forget(**_kwargs) -> None:
    """Drop the cached policies (a receiver of the policy table's saves and deletes)."""
    global _policies
    _policies = None


def policy(*, tier: str, channel: str) -> tuple[int, int]:
    """(first, next) response minutes for a membership tier and channel."""
    return policies()[(str(tier), str(channel))]


def response_due(*, tier: str, channel: str, clock_name: str, start: datetime,
                 schedule: business_hours.Schedule | None = None,
                 table: Policies | None = None) -> datetime:
    """The one computation of a due time: ``start`` plus the policy's first (``FIRST``) or
    next (``NEXT``) response minutes of business time."""
    first, after = (table or policies())[(str(tier), str(channel))]
    minutes = first if clock_name == FIRST else after
    schedule = schedule or business_hours.current()
    with business_hours.lock():
        return schedule.add(start, minutes * 60.0)


def _keys() -> list[tuple[str, str, str]]:
    return [(str(t), str(c), k) for t in MembershipTier.values for c in Channel.values
            for k in (FIRST, NEXT)]


def due_sql(ref: str, placeholder: Callable[[str], str]) -> tuple[str, list[str]]:
    """The SET clause keeping ``response_due_at``, ``sla_warned_at`` and ``sla_breached_at``
    for a message being posted in conversation ``ref`` (the table or its alias), and the
    names of its parameters in order; ``placeholder(name)`` writes one ("%s" or "%(name)s").

    The right-hand sides read the row as it was before the UPDATE (SQL's rule, in PostgreSQL
    and SQLite alike).
    """
    names: list[str] = []

    def p(name: str) -> str:
        names.append(name)
        return placeholder(name)

    profile = CustomerProfile._meta.db_table
    # Identifiers and choices only: every value is a parameter.
    tier = f"(SELECT p.tier FROM {profile} p WHERE p.user_id = {ref}.customer_id)"  # noqa: S608
    key = (f"COALESCE({tier}, '{MembershipTier.STANDARD}') || '|' || {ref}.channel || '|' || "
           f"CASE WHEN {ref}.first_response_at IS NULL THEN '{FIRST}' ELSE '{NEXT}' END")
    answer, customer = p("sla_answer"), p("sla_customer")
    starts = f"{customer} AND {ref}.response_due_at IS NULL"
    whens = " ".join(f"WHEN '{'|'.join(k)}' THEN {p('sla_due_' + '_'.join(k))}" for k in _keys())
    answer2, customer2 = p("sla_answer"), p("sla_customer")
    answer3, customer3 = p("sla_answer"), p("sla_customer")
    sql = (f"response_due_at = CASE WHEN {answer} THEN NULL WHEN {starts} THEN "
           f"CASE {key} {whens} END ELSE {ref}.response_due_at END, "
           f"sla_warned_at = CASE WHEN {answer2} OR ({customer2} AND "
           f"{ref}.response_due_at IS NULL) THEN NULL ELSE {ref}.sla_warned_at END, "
           f"sla_breached_at = CASE WHEN {answer3} OR ({customer3} AND "
           f"{ref}.response_due_at IS NULL) THEN NULL ELSE {ref}.sla_breached_at END")
    return sql, names


def due_values(*, author_role: str, kind: str, now: datetime,
               schedule: business_hours.Schedule | None = None,
               table: Policies | None = None) -> dict:
    """The values of ``due_sql``'s parameters for a message by ``author_role`` of ``kind``
    posted at ``now``. Only a customer's message needs due times: for anyone else they are
    ``now`` (never used; a typed stand-in)."""
    answer = str(author_role) == AuthorRole.AGENT and str(kind) == MessageKind.MESSAGE
    customer = str(author_role) == AuthorRole.CUSTOMER and str(kind) == MessageKind.MESSAGE
    values: dict = {"sla_answer": answer, "sla_customer": customer}
    if not customer:
        values.update({"sla_due_" + "_".join(k): now for k in _keys()})
        return values
    table = table or policies()
    schedule = schedule or business_hours.current()
    by_minutes: dict[int, datetime] = {}
    with business_hours.lock():
        for tier, channel, clock_name in _keys():
            first, after = table[(tier, channel)]
            minutes = first if clock_name == FIRST else after
            if minutes not in by_minutes:
                by_minutes[minutes] = response_due(
                    tier=tier, channel=channel, clock_name=clock_name, start=now,
                    schedule=schedule, table=table)
            values[f"sla_due_{tier}_{channel}_{clock_name}"] = by_minutes[minutes]
    return values


def due_values_cached(*, author_role: str, kind: str, now: datetime) -> dict | None:
    """``due_values`` without a query (the chat's event loop); None while the schedule or the
    policies are not cached (the general path answers, and loads them)."""
    if not (str(author_role) == AuthorRole.CUSTOMER and str(kind) == MessageKind.MESSAGE):
        return due_values(author_role=author_role, kind=kind, now=now)  # needs no schedule
    schedule, table = business_hours.cached(), cached_policies()
    if schedule is None or table is None:
        return None
    return due_values(author_role=author_role, kind=kind, now=now, schedule=schedule,
                      table=table)


def warning_before() -> timedelta:
    """How long before the due time the assignee is warned (``SLA_WARNING_MINUTES``)."""
    return timedelta(minutes=getattr(settings, "SLA_WARNING_MINUTES", 15))


def status_changes(status: str) -> dict:
    """The SLA fields to write with a new status: all cleared when nothing is owed in it
    (``CLEARED_BY``: the clock pauses while waiting for the customer and stops when over)."""
    if str(status) in CLEARED_BY:
        return {"response_due_at": None, "sla_warned_at": None, "sla_breached_at": None}
    return {}
