"""A small report fixture whose every figure is worked out by hand in the tests.

Times are Moscow local (SUPPORT_TIME_ZONE, UTC+3, no daylight saving); the database stores UTC.
Business hours: Monday to Friday 09:00-18:00. The period is 2025-03-01 .. 2025-03-10.

| conv | channel | tier     | agent | team | created (MSK)   | first response  | resolved        | rating |
| c1   | chat    | standard | alice | T1   | Fri 07 17:30    | Mon 10 09:30    | Mon 10 10:30    | 5      |
| c2   | email   | premium  | alice | T1   | Mon 03 08:00    | Mon 03 09:45    | Tue 04 10:00    | 2 "Too slow" |
| c3   | chat    | premium  | bob   | T2   | Tue 04 12:00    | Tue 04 12:10    | Tue 04 12:40    | 4      |
| c4   | web     | standard | bob   | T2   | Wed 05 22:00    | Thu 06 09:20    | -               | -      |
| c5   | chat    | standard | -     | -    | Sat 08 01:30    | -               | -               | -      |
| c6   | chat    | standard | alice | T1   | Thu 20 Feb 10:00 (outside the period)               | 1      |

Chat queue: c1 queued 17:30, assigned 17:32 (120 s); c3 queued 12:00, assigned 12:05 (300 s);
c5 queued, never assigned.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from helpdesk.models import BusinessHours, Conversation, SatisfactionRating, Team
from helpdesk.reports.models import SlaTarget
from tests.factories import AgentFactory, CustomerFactory, ManagerFactory

MSK = ZoneInfo("Europe/Moscow")
PERIOD = {"date_from": "2025-03-01", "date_to": "2025-03-10"}


def msk(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=MSK)


@pytest.fixture
def business_week(db, settings):
    settings.SUPPORT_TIME_ZONE = "Europe/Moscow"
    for weekday in range(5):
        BusinessHours.objects.create(weekday=weekday, opens_at=time(9), closes_at=time(18))


@dataclass
class Fixture:
    alice: object
    bob: object
    manager: object
    standard: object
    premium: object
    t1: Team
    t2: Team
    c: dict

    @property
    def filters_kwargs(self):
        return {"date_from": date(2025, 3, 1), "date_to": date(2025, 3, 10)}


def _conversation(**kwargs) -> Conversation:
    return Conversation.objects.create(**kwargs)


@pytest.fixture
def report_data(business_week) -> Fixture:
    alice = AgentFactory(full_name="Alice Agent")
    bob = AgentFactory(full_name="Bob Agent")
    manager = ManagerFactory(full_name="Mona Manager")
    standard = CustomerFactory(profile__tier="standard")
    premium = CustomerFactory(profile__tier="premium")
    t1, t2 = Team.objects.create(name="T1"), Team.objects.create(name="T2")
    c = {}
    c[1] = _conversation(customer=standard, channel="chat", topic="orders", assignee=alice,
                         team=t1, status="resolved", created_at=msk(7, 17, 30),
                         queued_at=msk(7, 17, 30), assigned_at=msk(7, 17, 32),
                         first_response_at=msk(10, 9, 30), resolved_at=msk(10, 10, 30))
    c[2] = _conversation(customer=premium, channel="email", topic="returns", assignee=alice,
                         team=t1, status="resolved", created_at=msk(3, 8),
                         first_response_at=msk(3, 9, 45), resolved_at=msk(4, 10))
    c[3] = _conversation(customer=premium, channel="chat", topic="orders", assignee=bob, team=t2,
                         status="resolved", created_at=msk(4, 12), queued_at=msk(4, 12),
                         assigned_at=msk(4, 12, 5), first_response_at=msk(4, 12, 10),
                         resolved_at=msk(4, 12, 40))
    c[4] = _conversation(customer=standard, channel="web", topic="payment", assignee=bob,
                         team=t2, status="open", created_at=msk(5, 22),
                         first_response_at=msk(6, 9, 20))
    c[5] = _conversation(customer=standard, channel="chat", topic="technical", status="waiting",
                         created_at=msk(8, 1, 30), queued_at=msk(8, 1, 30))
    c[6] = _conversation(customer=standard, channel="chat", topic="orders", assignee=alice,
                         team=t1, status="resolved", created_at=msk(20, 10, month=2),
                         first_response_at=msk(20, 10, 1, month=2),
                         resolved_at=msk(20, 10, 2, month=2))
    for conv, score, comment in ((c[1], 5, ""), (c[2], 2, "Too slow"), (c[3], 4, "Fine"),
                                 (c[6], 1, "Outside the period")):
        SatisfactionRating.objects.create(conversation=conv, score=score, comment=comment,
                                          source="chat", created_at=conv.created_at)
    SlaTarget.objects.create(tier="standard", channel="chat", first_response_minutes=30,
                             resolution_minutes=240)
    SlaTarget.objects.create(tier="premium", channel="email", first_response_minutes=60,
                             resolution_minutes=480)
    SlaTarget.objects.create(tier="premium", channel="chat", first_response_minutes=5)
    SlaTarget.objects.create(tier="standard", channel="web", first_response_minutes=15,
                             resolution_minutes=1440)
    return Fixture(alice=alice, bob=bob, manager=manager, standard=standard, premium=premium,
                   t1=t1, t2=t2, c=c)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
