"""The help desk's one business-hours engine: the contact page (``services.availability``),
the chat's queue estimate, the live SLA's due times (``helpdesk.sla``) and the reports all ask it.

The schedule is ``helpdesk.models.BusinessHours`` (one opening interval per weekday) and
``Holiday`` (closed days), read in ``settings.SUPPORT_TIME_ZONE``. While no BusinessHours row
exists at all (a fresh install, the seeded demo), Monday to Friday 09:00-18:00 is assumed
(``DEFAULT_HOURS``), for every one of them alike: the phone line, the promised email answer,
the SLA clocks and the report figures.

Durations are computed in Python, not SQL (docs/decisions 0003): each local day
becomes one interval in UTC epoch seconds, with the business seconds of all earlier days summed
up, so ``seconds(a, b) = F(b) - F(a)`` where ``F`` is the business time elapsed since the start
of the calendar. A lookup is a bisection, and time zones with daylight saving come out right
because every local day is turned into UTC separately.
"""

from __future__ import annotations

import bisect
import hashlib
import threading
import time as clock
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from helpdesk.models import BusinessHours, Holiday

DEFAULT_HOURS: dict[int, tuple[time, time]] = {
    weekday: (time(9, 0), time(18, 0)) for weekday in range(5)
}


@dataclass
class Schedule:
    """Weekly hours and holidays in one time zone; answers business seconds between instants."""

    tz: ZoneInfo
    hours: dict[int, tuple[time, time]]
    holidays: frozenset[date] = frozenset()
    # The calendar: per local day from _first, its start (UTC epoch), business interval and the
    # business seconds of every day before it.
    _first: date | None = field(default=None, init=False, repr=False)
    _starts: list[float] = field(default_factory=list, init=False, repr=False)
    _opens: list[float] = field(default_factory=list, init=False, repr=False)
    _closes: list[float] = field(default_factory=list, init=False, repr=False)
    _cumulative: list[float] = field(default_factory=list, init=False, repr=False)

    @classmethod
    def load(cls) -> Schedule:
        """The configured schedule (one query each for hours and holidays)."""
        tz = ZoneInfo(getattr(settings, "SUPPORT_TIME_ZONE", None) or settings.TIME_ZONE)
        rows = list(BusinessHours.objects.values_list("weekday", "opens_at", "closes_at"))
        hours = {weekday: (opens, closes) for weekday, opens, closes in rows} if rows \
            else dict(DEFAULT_HOURS)
        holidays = frozenset(Holiday.objects.values_list("date", flat=True))
        return cls(tz=tz, hours=hours, holidays=holidays)

    @property
    def key(self) -> str:
        """A digest of the time zone, hours and holidays: stored timings computed under another
        schedule are stale."""
        text = repr((str(self.tz), sorted(self.hours.items()), sorted(self.holidays)))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def _local_day(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()

    def _build(self, first: date, last: date) -> None:
        self._first = first
        self._starts, self._opens, self._closes, self._cumulative = [], [], [], []
        total = 0.0
        day = first
        while day <= last + timedelta(days=1):
            start = datetime.combine(day, time(0), tzinfo=self.tz).timestamp()
            span = self.hours.get(day.weekday())
            if span is None or day in self.holidays:
                opens = closes = start
            else:
                opens = datetime.combine(day, span[0], tzinfo=self.tz).timestamp()
                closes = datetime.combine(day, span[1], tzinfo=self.tz).timestamp()
            self._starts.append(start)
            self._opens.append(opens)
            self._closes.append(closes)
            self._cumulative.append(total)
            total += closes - opens
            day += timedelta(days=1)

    def _ensure(self, instant: datetime) -> None:
        day = self._local_day(instant)
        if self._first is None:
            self._build(day - timedelta(days=1), day + timedelta(days=31))
            return
        last = self._first + timedelta(days=len(self._starts) - 2)
        if day < self._first + timedelta(days=1) or day > last:
            self._build(min(self._first, day - timedelta(days=31)),
                        max(last, day + timedelta(days=31)))

    def prepare(self, start: datetime, end: datetime) -> None:
        """Build the calendar for a whole report period at once (optional: it grows itself)."""
        self._build(self._local_day(start) - timedelta(days=1),
                    self._local_day(end) + timedelta(days=1))

    def elapsed(self, instant: datetime) -> float:
        """Business seconds from the start of the calendar to ``instant``."""
        self._ensure(instant)
        ts = instant.timestamp()
        i = bisect.bisect_right(self._starts, ts) - 1
        opens, closes = self._opens[i], self._closes[i]
        return self._cumulative[i] + min(max(ts - opens, 0.0), closes - opens)

    def seconds(self, start: datetime, end: datetime) -> float:
        """Business seconds between two aware instants; 0 when ``end`` is not after ``start``."""
        if end <= start:
            return 0.0
        self._ensure(start)
        self._ensure(end)
        return self.elapsed(end) - self.elapsed(start)


    def overdue_before(self, now: datetime, seconds: float) -> datetime:
        """The instant T with ``self.seconds(created, now) > seconds`` exactly when
        ``created < T``: conversations created before T have waited longer than ``seconds``.

        T is the earliest instant whose business time to ``now`` is ``seconds``; it lets SQL
        tell an unanswered conversation that breached a target by comparing ``created_at``.
        """
        self._ensure(now)
        for _ in range(40):  # each round reaches a year further back; 40 years is the limit
            target = self.elapsed(now) - seconds
            if target > 0:
                break
            self._build(self._first - timedelta(days=366), self._local_day(now) + timedelta(days=1))
        else:
            return datetime.fromtimestamp(self._starts[0], tz=UTC)
        # The first day whose business time reaches the target; T is inside its opening hours.
        ends = self._cumulative[1:] + [self._cumulative[-1] + self._closes[-1] - self._opens[-1]]
        i = bisect.bisect_left(ends, target)
        return datetime.fromtimestamp(self._opens[i] + (target - self._cumulative[i]), tz=UTC)

    def add(self, start: datetime, seconds: float) -> datetime:
        """The instant ``seconds`` of business time after ``start`` (an aware datetime): the
        inverse of ``seconds``, so ``self.seconds(start, self.add(start, s)) == s``. Outside
        the hours the clock stands still: one minute after Friday 18:00 is Monday 09:01."""
        self._ensure(start)
        target = self.elapsed(start) + max(seconds, 0.0)
        for _ in range(10):  # each round reaches a year further ahead
            total = self._cumulative[-1] + self._closes[-1] - self._opens[-1]
            if total >= target and total > 0:
                break
            assert self._first is not None  # built by _ensure
            last = self._first + timedelta(days=len(self._starts) - 2)
            self._build(self._first, last + timedelta(days=366))
        else:  # no business hours at all in ten years: the plain clock
            return start + timedelta(seconds=seconds)
        ends = self._cumulative[1:] + [self._cumulative[-1] + self._closes[-1] - self._opens[-1]]
        i = bisect.bisect_left(ends, target)
        # Skip closed days (their end equals the previous day's) to the day the time falls in.
        while self._closes[i] == self._opens[i] and i + 1 < len(self._opens):
            i += 1
        return datetime.fromtimestamp(self._opens[i] + (target - self._cumulative[i]), tz=UTC)

    def is_open(self, instant: datetime) -> bool:
        """Whether ``instant`` falls inside the business hours (holidays are closed)."""
        self._ensure(instant)
        ts = instant.timestamp()
        i = bisect.bisect_right(self._starts, ts) - 1
        return self._opens[i] <= ts < self._closes[i]

    def hours_on(self, day: date) -> tuple[time, time] | None:
        """The opening interval of a local calendar day; None when closed (or a holiday)."""
        if day in self.holidays:
            return None
        return self.hours.get(day.weekday())


# --- The process's current schedule -------------------------------------------------------------
# The chat's fast path computes due times on the event loop, where no query may run: it asks
# ``cached()`` and lets the general path answer while nothing is cached. Saving or deleting
# business hours or a holiday drops this process's copy (helpdesk.apps); other processes reload
# theirs within CACHE_SECONDS.
CACHE_SECONDS = 60.0
_lock = threading.RLock()
_current: tuple[float, Schedule] | None = None


def current() -> Schedule:
    """The configured schedule, loaded at most every CACHE_SECONDS (two queries when loaded).
    A schedule's calendar grows as it is asked; callers sharing it hold ``lock()``."""
    global _current
    cached_now = cached()
    if cached_now is not None:
        return cached_now
    schedule = Schedule.load()
    with _lock:
        _current = (clock.monotonic(), schedule)
    return schedule


def cached() -> Schedule | None:
    """The schedule ``current`` loaded, while it is fresh; None otherwise (runs no query)."""
    entry = _current
    if entry is None or clock.monotonic() - entry[0] > CACHE_SECONDS:
        return None
    if entry[1].tz.key != (getattr(settings, "SUPPORT_TIME_ZONE", None) or settings.TIME_ZONE):
        return None
    return entry[1]


def lock() -> threading.RLock:
    """Held while computing with the shared schedule (its calendar is rebuilt as it grows)."""
    return _lock


def forget(**_kwargs) -> None:
    """Drop the cached schedule (a receiver of BusinessHours and Holiday saves and deletes)."""
    global _current
    _current = None
