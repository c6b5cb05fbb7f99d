"""Business time across nights, weekends, holidays, time zones and daylight saving."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.business_hours import Schedule
from helpdesk.models import BusinessHours, Holiday

MSK = ZoneInfo("Europe/Moscow")
BERLIN = ZoneInfo("Europe/Berlin")
WEEK = {d: (time(9), time(18)) for d in range(5)}


def moscow() -> Schedule:
    return Schedule(tz=MSK, hours=dict(WEEK))


def at(tz, *args) -> datetime:
    return datetime(*args, tzinfo=tz)


def test_friday_evening_to_monday_morning_counts_sixty_business_minutes():
    # Friday 17:30 -> Monday 09:30: 30 minutes on Friday, 30 on Monday; the weekend is closed.
    assert moscow().seconds(at(MSK, 2025, 3, 7, 17, 30), at(MSK, 2025, 3, 10, 9, 30)) == 3600


def test_within_one_day_counts_the_wall_clock():
    assert moscow().seconds(at(MSK, 2025, 3, 4, 12), at(MSK, 2025, 3, 4, 12, 10)) == 600


def test_night_between_two_days_is_not_counted():
    # Tuesday 17:00 -> Wednesday 10:00 = 1 h + 1 h.
    assert moscow().seconds(at(MSK, 2025, 3, 4, 17), at(MSK, 2025, 3, 5, 10)) == 7200


def test_times_outside_hours_clamp_to_opening_and_closing():
    # Monday 08:00 (before opening) -> Monday 20:00 (after closing) = the whole 9 hours.
    assert moscow().seconds(at(MSK, 2025, 3, 3, 8), at(MSK, 2025, 3, 3, 20)) == 9 * 3600


def test_a_span_inside_a_weekend_is_zero():
    assert moscow().seconds(at(MSK, 2025, 3, 8, 10), at(MSK, 2025, 3, 9, 23)) == 0


def test_end_before_start_is_zero():
    assert moscow().seconds(at(MSK, 2025, 3, 4, 12), at(MSK, 2025, 3, 4, 11)) == 0


def test_holiday_is_closed():
    schedule = Schedule(tz=MSK, hours=dict(WEEK), holidays=frozenset({date(2025, 3, 7)}))
    # Thursday 17:00 -> (Friday holiday) -> Monday 10:00 = 1 h + 1 h.
    assert schedule.seconds(at(MSK, 2025, 3, 6, 17), at(MSK, 2025, 3, 10, 10)) == 7200


def test_instants_in_utc_are_read_in_the_schedule_time_zone():
    # 06:00 UTC is 09:00 in Moscow: the first business minute of the day.
    start = datetime(2025, 3, 4, 5, 30, tzinfo=UTC)  # 08:30 MSK
    end = datetime(2025, 3, 4, 6, 30, tzinfo=UTC)  # 09:30 MSK
    assert moscow().seconds(start, end) == 1800


def test_daylight_saving_change_keeps_local_opening_hours():
    # Berlin moves to summer time on Sunday 2025-03-30. Friday 17:00 CET -> Monday 10:00 CEST
    # is 1 h + 1 h; a fixed UTC offset would count Monday from 08:00 local instead.
    schedule = Schedule(tz=BERLIN, hours=dict(WEEK))
    assert schedule.seconds(at(BERLIN, 2025, 3, 28, 17), at(BERLIN, 2025, 3, 31, 10)) == 7200
    # And back to winter time on 2025-10-26.
    assert schedule.seconds(at(BERLIN, 2025, 10, 24, 17), at(BERLIN, 2025, 10, 27, 10)) == 7200


def test_long_span_grows_the_calendar_and_counts_every_business_day():
    schedule = moscow()
    schedule.prepare(at(MSK, 2025, 3, 3, 0), at(MSK, 2025, 3, 4, 0))  # deliberately too short
    start = at(MSK, 2025, 3, 3, 9)
    # 10 weeks of Monday-to-Friday, 9 hours a day.
    assert schedule.seconds(start, start + timedelta(weeks=10)) == 50 * 9 * 3600
    # And a span before the calendar's first day.
    assert schedule.seconds(start - timedelta(weeks=4), start) == 20 * 9 * 3600


@pytest.mark.django_db
def test_load_reads_business_hours_and_holidays_of_the_admin(settings):
    settings.SUPPORT_TIME_ZONE = "Europe/Moscow"
    BusinessHours.objects.create(weekday=5, opens_at=time(10), closes_at=time(14))  # Saturday only
    Holiday.objects.create(date=date(2025, 3, 15), name="Closed Saturday")
    schedule = Schedule.load()
    # Saturday 8 March 10:00-14:00 counts; Monday counts nothing; Saturday 15 March is a holiday.
    assert schedule.seconds(at(MSK, 2025, 3, 7, 0), at(MSK, 2025, 3, 11, 0)) == 4 * 3600
    assert schedule.seconds(at(MSK, 2025, 3, 14, 0), at(MSK, 2025, 3, 17, 0)) == 0


@pytest.mark.django_db
def test_without_any_business_hours_monday_to_friday_nine_to_six_is_assumed(settings):
    settings.SUPPORT_TIME_ZONE = "Europe/Moscow"
    schedule = Schedule.load()
    assert schedule.seconds(at(MSK, 2025, 3, 7, 17, 30), at(MSK, 2025, 3, 10, 9, 30)) == 3600
