"""Which support channels are available right now, for "Contact us" and the pre-chat form.

Chat is open around the clock whenever an agent is present (online, console open:
``routing``). The phone line follows the business hours and holidays of the one business-hours
engine (``helpdesk.business_hours``: the rows set in the admin, in settings.SUPPORT_TIME_ZONE, or
Monday to Friday 09:00-18:00 while none is set), the same schedule the SLA clocks and the
reports count. Email is always open; its promised answer counts business days (days with
business hours, holidays excluded).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from helpdesk import business_hours
from helpdesk.models import Channel, Holiday, Weekday
from helpdesk.services.routing import present_agent_profiles

LOOKAHEAD_DAYS = 30


@dataclass(frozen=True)
class DayHours:
    weekday: int
    label: str
    opens_at: time | None
    closes_at: time | None


@dataclass(frozen=True)
class SupportAvailability:
    now: datetime  # in the support time zone
    time_zone: str
    agents_online: int
    phone_number: str
    phone_open: bool
    phone_hours_today: DayHours | None
    phone_next_open: datetime | None
    holiday_today: Holiday | None
    email_address: str
    email_response_days: tuple[int, int]
    email_answer_by: date
    week: list[DayHours] = field(default_factory=list)
    upcoming_holidays: list[Holiday] = field(default_factory=list)

    @property
    def chat_available(self) -> bool:
        return self.agents_online > 0

    @property
    def preferred_channel(self) -> str:
        """Live chat when someone can take it now, otherwise a written request."""
        return Channel.CHAT if self.chat_available else Channel.WEB


def online_agent_count() -> int:
    """Present agents: online with their console open (``routing``); the others are away."""
    return present_agent_profiles().count()


def support_availability(now: datetime | None = None) -> SupportAvailability:
    """The state of every channel at ``now`` (an aware datetime; default: the current time).

    Two queries (online agents, the names of the holidays in the next weeks), two more when
    the schedule is not cached (``business_hours.current``).
    """
    schedule = business_hours.current()
    tz = schedule.tz
    local = timezone.localtime(now or timezone.now(), tz)
    today = local.date()
    holidays = {h.date: h for h in Holiday.objects.filter(
        date__gte=today, date__lte=today + timedelta(days=LOOKAHEAD_DAYS))}
    labels = dict(Weekday.choices)  # BusinessHours.weekday's choices
    week = [DayHours(d, str(labels[d]), *(schedule.hours.get(d) or (None, None)))
            for d in range(7)]

    def hours_on(day: date) -> DayHours | None:
        return week[day.weekday()] if schedule.hours_on(day) is not None else None

    today_hours = hours_on(today)
    phone_open = bool(today_hours and today_hours.opens_at <= local.time()  # type: ignore[operator]
                      < today_hours.closes_at)  # hours_on: only days with hours
    next_open = None
    if not phone_open:
        for offset in range(LOOKAHEAD_DAYS + 1):
            day = today + timedelta(days=offset)
            row = hours_on(day)
            if row is None:
                continue
            start = datetime.combine(day, row.opens_at, tzinfo=tz)  # type: ignore[arg-type]
            if start > local:
                next_open = start
                break

    def is_business_day(day: date) -> bool:
        return schedule.hours_on(day) is not None

    low, high = getattr(settings, "SUPPORT_EMAIL_RESPONSE_DAYS", (1, 2))
    answer_by, counted = today, 0
    while counted < high and answer_by < today + timedelta(days=LOOKAHEAD_DAYS):
        answer_by += timedelta(days=1)
        if is_business_day(answer_by):
            counted += 1

    return SupportAvailability(
        now=local, time_zone=str(tz), agents_online=online_agent_count(),
        phone_number=settings.SUPPORT_PHONE, phone_open=phone_open,
        phone_hours_today=today_hours, phone_next_open=next_open,
        holiday_today=holidays.get(today), email_address=settings.SUPPORT_EMAIL,
        email_response_days=(low, high), email_answer_by=answer_by, week=week,
        upcoming_holidays=sorted(holidays.values(), key=lambda h: h.date),
    )
