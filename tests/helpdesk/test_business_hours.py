"""The one business-hours engine (helpdesk.business_hours): due times counted forward across
weekends, holidays and a daylight-saving change, and the contact page and the reports reading
the same schedule, with the same default when no hours are set (the seeded demo)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from helpdesk import business_hours
from helpdesk.business_hours import DEFAULT_HOURS, Schedule
from helpdesk.models import BusinessHours, Holiday
from helpdesk.reports import timings
from helpdesk.services.availability import support_availability

MSK = ZoneInfo("Europe/Moscow")
BERLIN = ZoneInfo("Europe/Berlin")
WEEK = {d: (time(9), time(18)) for d in range(5)}


def at(tz, *args) -> datetime:
    return datetime(*args, tzinfo=tz)


def test_an_hour_from_friday_afternoon_is_due_on_monday_morning():
    schedule = Schedule(tz=MSK, hours=dict(WEEK))
    # Friday 17:30 + 60 business minutes: 30 on Friday, 30 on Monday.
    assert schedule.add(at(MSK, 2025, 3, 7, 17, 30), 3600) == at(MSK, 2025, 3, 10, 9, 30)


def test_a_due_time_skips_a_holiday():
    schedule = Schedule(tz=MSK, hours=dict(WEEK), holidays=frozenset({date(2025, 3, 10)}))
    # Monday is a holiday: the second half hour falls on Tuesday.
    assert schedule.add(at(MSK, 2025, 3, 7, 17, 30), 3600) == at(MSK, 2025, 3, 11, 9, 30)


def test_a_due_time_asked_at_night_starts_at_the_next_opening():
    schedule = Schedule(tz=MSK, hours=dict(WEEK))
    assert schedule.add(at(MSK, 2025, 3, 8, 3, 0), 5 * 60) == at(MSK, 2025, 3, 10, 9, 5)


def test_a_due_time_across_the_spring_daylight_saving_change_keeps_local_hours():
    # Berlin moves its clocks forward on Sunday 30 March 2025: Friday 17:00 CET + 2 business
    # hours is Monday 10:00 CEST, one hour less of wall-clock UTC time than a week earlier.
    schedule = Schedule(tz=BERLIN, hours=dict(WEEK))
    due = schedule.add(at(BERLIN, 2025, 3, 28, 17, 0), 2 * 3600)
    assert due == at(BERLIN, 2025, 3, 31, 10, 0)
    assert due.astimezone(BERLIN).utcoffset() == timedelta(hours=2)
    assert schedule.seconds(at(BERLIN, 2025, 3, 28, 17, 0), due) == 2 * 3600


def test_add_is_the_inverse_of_seconds_over_many_starts():
    schedule = Schedule(tz=BERLIN, hours=dict(WEEK), holidays=frozenset({date(2025, 4, 18)}))
    start = at(BERLIN, 2025, 3, 20, 7, 13)
    for step in range(0, 24 * 40, 7):
        begin = start + timedelta(hours=step)
        for minutes in (1, 5, 59, 480, 2000):
            due = schedule.add(begin, minutes * 60)
            assert schedule.seconds(begin, due) == pytest.approx(minutes * 60)


@pytest.mark.django_db
def test_the_demo_without_hours_shows_the_same_default_week_on_the_contact_page_and_the_reports(
        client, settings):
    """The seeded demo sets no business hours: the contact page showed the phone "closed"
    every day while the reports counted Monday to Friday 9 to 18. Both read one engine now."""
    settings.SUPPORT_TIME_ZONE = "Europe/Moscow"
    assert not BusinessHours.objects.exists()
    monday_noon = at(MSK, 2026, 3, 2, 12, 0)
    availability = support_availability(monday_noon)
    assert availability.phone_open
    assert {d.weekday: (d.opens_at, d.closes_at) for d in availability.week
            if d.opens_at} == DEFAULT_HOURS
    assert Schedule.load().hours == DEFAULT_HOURS  # what the reports count by
    html = client.get(reverse("contact")).content.decode()
    assert html.count("09:00–18:00") == 5


@pytest.mark.django_db
def test_contact_page_and_reports_agree_on_a_configured_schedule(settings):
    settings.SUPPORT_TIME_ZONE = "Europe/Moscow"
    BusinessHours.objects.create(weekday=5, opens_at=time(10), closes_at=time(14))
    Holiday.objects.create(date=date(2026, 3, 9), name="Day off")
    reports_schedule = Schedule.load()
    assert reports_schedule.hours == {5: (time(10), time(14))}
    # Every hour of a fortnight: the phone is open exactly when the reports count time.
    instant = at(MSK, 2026, 3, 2, 0, 30)
    for _ in range(14 * 24):
        open_now = support_availability(instant).phone_open
        assert open_now == reports_schedule.is_open(instant)
        counted = reports_schedule.seconds(instant, instant + timedelta(minutes=1)) > 0
        assert open_now == counted
        instant += timedelta(hours=1)
    # The reports' stored timings use this very schedule's digest.
    assert timings.Schedule is business_hours.Schedule


@pytest.mark.django_db
def test_a_saved_schedule_is_used_at_once(settings):
    settings.SUPPORT_TIME_ZONE = "Europe/Moscow"
    assert business_hours.current().hours == DEFAULT_HOURS
    BusinessHours.objects.create(weekday=6, opens_at=time(10), closes_at=time(12))
    assert business_hours.current().hours == {6: (time(10), time(12))}
