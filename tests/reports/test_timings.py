"""Stored business-hours timings: computed once, recomputed whenever their inputs change.

Uses the hand-computed fixture of conftest.py (Mon-Fri 09:00-18:00 Moscow): first response
c1 60 min, c2 45, c3 10, c4 20; resolution c1 120, c2 600, c3 40.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from helpdesk.business_hours import Schedule
from helpdesk.models import BusinessHours, Conversation, Holiday
from helpdesk.reports.filters import ReportFilters
from helpdesk.reports.models import ConversationTiming
from helpdesk.reports.selectors import build_report, speed_and_sla
from helpdesk.reports.tasks import reports_timings_refresh
from helpdesk.reports.timings import conversation_timings_refresh
from tests.reports.conftest import msk

pytestmark = pytest.mark.django_db

MIN = 60
MSK = ZoneInfo("Europe/Moscow")


def period() -> ReportFilters:
    return ReportFilters(date_from=date(2025, 3, 1), date_to=date(2025, 3, 10))


def stored(conv) -> tuple:
    t = ConversationTiming.objects.get(conversation=conv)
    return t.first_response_seconds, t.resolution_seconds


def test_refresh_stores_business_seconds_once_and_then_has_nothing_to_do(report_data):
    c = report_data.c
    assert conversation_timings_refresh() == 6
    assert stored(c[1]) == (60 * MIN, 120 * MIN)
    assert stored(c[2]) == (45 * MIN, 600 * MIN)
    assert stored(c[4]) == (20 * MIN, None)
    assert stored(c[5]) == (None, None)
    assert conversation_timings_refresh() == 0


def test_a_conversation_answered_later_is_recomputed(report_data):
    c5 = report_data.c[5]
    conversation_timings_refresh()
    # c5 (Sat 01:30) answered Mon 10 09:15 and resolved 09:45: 15 and 45 business minutes.
    Conversation.objects.filter(pk=c5.pk).update(first_response_at=msk(10, 9, 15),
                                                 resolved_at=msk(10, 9, 45))
    assert reports_timings_refresh() == 1
    assert stored(c5) == (15 * MIN, 45 * MIN)


def test_the_report_never_reads_a_stale_timing(report_data):
    c3 = report_data.c[3]
    conversation_timings_refresh()
    # Nobody refreshed after this change (no task ran): the report refreshes its own scope.
    Conversation.objects.filter(pk=c3.pk).update(first_response_at=msk(4, 12, 30))
    first = speed_and_sla(period())["first_response"]
    # [20, 30, 45, 60]: median 37.5.
    assert first["median"] == pytest.approx(37.5 * MIN)
    assert stored(c3)[0] == 30 * MIN


def test_changed_business_hours_or_holidays_make_every_timing_stale(report_data):
    c1 = report_data.c[1]
    conversation_timings_refresh()
    # Monday 10 March a holiday: c1 (Fri 17:30 -> Mon 09:30) then waits only Friday's 30 min,
    # and its resolution (Mon 10:30) counts Friday's 30 minutes too.
    Holiday.objects.create(date=date(2025, 3, 10), name="Closed")
    report = build_report(period())
    assert stored(c1) == (30 * MIN, 30 * MIN)
    assert report["speed"]["first_response"]["count"] == 4
    # The report refreshed its own period; c6 (February) is left to the task.
    assert conversation_timings_refresh() == 1
    BusinessHours.objects.filter(weekday=4).update(closes_at=time(17))
    assert conversation_timings_refresh() == 6
    assert stored(c1) == (0, 0)  # Friday now closes at 17:00, before c1 came in


def test_backfill_command_computes_what_is_missing(report_data, capsys):
    call_command("reports_backfill")
    assert "6 conversation timings written" in capsys.readouterr().out
    assert ConversationTiming.objects.count() == 6


@pytest.mark.parametrize("minutes", [0, 1, 30, 9 * 60, 9 * 60 + 1, 4000])
def test_overdue_before_splits_waits_longer_than_a_target_exactly(minutes):
    schedule = Schedule(tz=MSK, hours={d: (time(9), time(18)) for d in range(5)})
    now = msk(11, 10, 20)  # Tuesday 11 March 10:20
    limit = minutes * MIN
    boundary = schedule.overdue_before(now, limit)
    assert schedule.seconds(boundary, now) == pytest.approx(limit)
    # Just before the boundary it is overdue, from the boundary on it is not.
    assert schedule.seconds(boundary - timedelta(seconds=1), now) > limit
    assert not schedule.seconds(boundary, now) > limit + 1e-6


def test_overdue_before_lands_on_the_last_closing_time_when_the_target_is_used_up_overnight():
    schedule = Schedule(tz=MSK, hours={d: (time(9), time(18)) for d in range(5)})
    # Monday 10 March 09:00 sharp. Exactly 9 business hours remain from Thursday 18:00 on (all
    # of Friday), so that is the boundary; with no time allowed it is Friday's closing time.
    now = msk(10, 9)
    assert schedule.overdue_before(now, 9 * 3600) == msk(6, 18)
    assert schedule.overdue_before(now, 0) == msk(7, 18)


@pytest.mark.parametrize("minutes", [30, 9 * 60, 3 * 9 * 60 + 5])
def test_overdue_before_is_exact_across_a_daylight_saving_change(minutes):
    berlin = ZoneInfo("Europe/Berlin")
    schedule = Schedule(tz=berlin, hours={d: (time(9), time(18)) for d in range(7)})
    now = datetime(2025, 3, 31, 10, 0, tzinfo=berlin)  # the clocks went forward on the 30th
    boundary = schedule.overdue_before(now, minutes * MIN)
    assert schedule.seconds(boundary, now) == pytest.approx(minutes * MIN)
    assert schedule.seconds(boundary - timedelta(seconds=1), now) > minutes * MIN
