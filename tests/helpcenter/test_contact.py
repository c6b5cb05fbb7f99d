from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import AgentStatus
from helpdesk.models import BusinessHours, Channel, Holiday
from helpdesk.services.assignment import agent_seen
from helpdesk.services.availability import support_availability
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db
MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture(autouse=True)
def _support_settings(settings):
    settings.SUPPORT_TIME_ZONE = "Europe/Moscow"
    settings.SUPPORT_EMAIL_RESPONSE_DAYS = (1, 2)


@pytest.fixture
def weekday_hours(db):
    for weekday in range(5):  # Monday to Friday, 9:00-21:00
        BusinessHours.objects.create(weekday=weekday, opens_at=time(9), closes_at=time(21))
    BusinessHours.objects.create(weekday=5, opens_at=time(10), closes_at=time(16))


def at(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=MSK)


def test_phone_is_open_inside_business_hours(weekday_hours):
    now = at(2026, 3, 4, 10, 30)  # a Wednesday
    availability = support_availability(now)
    assert availability.phone_open
    assert availability.phone_hours_today.closes_at == time(21)


def test_phone_is_closed_after_hours_and_says_when_it_opens(weekday_hours):
    availability = support_availability(at(2026, 3, 4, 21, 0))  # Wednesday, closing time
    assert not availability.phone_open
    assert availability.phone_next_open == at(2026, 3, 5, 9, 0)


def test_hours_follow_the_support_time_zone_not_utc(weekday_hours):
    # 07:30 UTC is 10:30 in Moscow: open.
    assert support_availability(datetime(2026, 3, 4, 7, 30, tzinfo=ZoneInfo("UTC"))).phone_open
    # 19:00 UTC is 22:00 in Moscow: closed.
    assert not support_availability(
        datetime(2026, 3, 4, 19, 0, tzinfo=ZoneInfo("UTC"))).phone_open


def test_weekday_without_hours_is_closed_until_monday(weekday_hours):
    availability = support_availability(at(2026, 3, 8, 12, 0))  # Sunday
    assert not availability.phone_open
    assert availability.phone_next_open == at(2026, 3, 9, 9, 0)


def test_holiday_closes_the_phone_and_is_skipped(weekday_hours):
    Holiday.objects.create(date=date(2026, 3, 9), name="Women's Day (moved)")
    availability = support_availability(at(2026, 3, 9, 12, 0))  # a Monday holiday
    assert not availability.phone_open
    assert availability.holiday_today.name == "Women's Day (moved)"
    assert availability.phone_next_open == at(2026, 3, 10, 9, 0)


def test_email_answer_date_counts_business_days_only(weekday_hours):
    BusinessHours.objects.filter(weekday=5).delete()  # Saturday off
    Holiday.objects.create(date=date(2026, 3, 9), name="Holiday")
    # Friday: Saturday and Sunday do not count, Monday is a holiday -> Tuesday, Wednesday.
    availability = support_availability(at(2026, 3, 6, 15, 0))
    assert availability.email_answer_by == date(2026, 3, 11)


def test_chat_is_available_only_while_an_agent_is_online(weekday_hours):
    agent = AgentFactory()
    night = at(2026, 3, 4, 3, 0)
    assert not support_availability(night).chat_available
    assert support_availability(night).preferred_channel == Channel.WEB
    agent.agent_profile.status = AgentStatus.ONLINE
    agent.agent_profile.save(update_fields=["status"])
    # Online without a console open: away, nobody would answer.
    assert not support_availability(night).chat_available
    agent_seen(agent_id=agent.pk)
    # Around the clock: business hours do not matter for chat.
    assert support_availability(night).chat_available
    assert support_availability(night).preferred_channel == Channel.CHAT
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert not support_availability(night).chat_available


def test_availability_takes_two_queries_with_the_schedule_cached(weekday_hours,
                                                                 django_assert_num_queries):
    with django_assert_num_queries(4):  # the schedule's hours and holidays loaded once
        support_availability(at(2026, 3, 4, 10, 0))
    with django_assert_num_queries(2):
        support_availability(at(2026, 3, 4, 10, 0))


def test_contact_page_lists_every_channel(client, weekday_hours, settings):
    Holiday.objects.create(date=date(2099, 1, 1), name="Far away")
    response = client.get(reverse("contact"))
    html = response.content.decode()
    assert response.status_code == 200
    for testid in ("channel-chat", "channel-phone", "channel-email"):
        assert f'data-testid="{testid}"' in html
    assert settings.SUPPORT_PHONE in html and settings.SUPPORT_EMAIL in html
    assert "1-2 business days" in html
    assert "Monday" in html and "09:00" in html


def test_contact_page_shows_chat_available_when_an_agent_is_online(client):
    response = client.get(reverse("contact"))
    assert "Not available right now" in response.content.decode()
    agent = AgentFactory(agent_profile__status=AgentStatus.ONLINE)
    agent_seen(agent_id=agent.pk)
    response = client.get(reverse("contact"))
    assert "Available now" in response.content.decode()
