"""The live SLA: due times in business hours per tier and channel, the pause while waiting for
the customer, the warning and the escalation sent once, and the automatic close."""

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone, translation

from helpdesk import sla
from helpdesk.models import AuthorRole, Conversation, Message, MessageKind, Status, Team
from helpdesk.reports.models import SlaTarget
from helpdesk.services import sla as sla_services
from helpdesk.services.conversations import (
    conversation_open,
    conversation_resolve,
    conversation_wait_for_customer,
    request_reply,
)
from helpdesk.services.messages import message_frame, message_post
from tests.factories import AgentFactory, CustomerFactory

MSK = ZoneInfo("Europe/Moscow")
FRIDAY_1730 = datetime(2026, 3, 6, 17, 30, tzinfo=MSK)


@pytest.fixture
def clock(monkeypatch, settings):
    """The clock, set by the test (``clock.now = ...``)."""
    settings.SUPPORT_TIME_ZONE = "Europe/Moscow"

    class Clock:
        now = FRIDAY_1730

    monkeypatch.setattr(timezone, "now", lambda: Clock.now.astimezone(UTC))  # as Django's
    return Clock


def open_request(customer, channel="web"):
    return conversation_open(customer=customer, channel=channel, topic="orders",
                             description="Where is my parcel?")


def answer(conv, agent, body="It is on its way."):
    return message_post(conversation=conv, author=agent, author_role=AuthorRole.AGENT, body=body)


@pytest.mark.django_db
def test_first_response_is_due_after_the_weekend_by_the_tiers_target(clock):
    SlaTarget.objects.create(tier="premium", channel="web", first_response_minutes=60)
    premium = CustomerFactory(profile__tier="premium")
    standard = CustomerFactory()
    conv = open_request(premium)
    conv.refresh_from_db()
    # 30 minutes on Friday, 30 on Monday (no hours set: Monday to Friday, 9 to 18).
    assert conv.response_due_at == datetime(2026, 3, 9, 9, 30, tzinfo=MSK)
    other = open_request(standard)  # no target for standard/web: the settings' default
    other.refresh_from_db()
    assert other.response_due_at == sla.response_due(
        tier="standard", channel="web", clock_name=sla.FIRST, start=FRIDAY_1730)
    assert sla.policy(tier="standard", channel="web")[0] == 480


@pytest.mark.django_db
def test_a_holiday_on_monday_moves_the_due_time_to_tuesday(clock):
    from helpdesk.models import Holiday

    Holiday.objects.create(date=datetime(2026, 3, 9).date(), name="Holiday")
    SlaTarget.objects.create(tier="standard", channel="email", first_response_minutes=60)
    conv = open_request(CustomerFactory(), channel="email")
    conv.refresh_from_db()
    assert conv.response_due_at == datetime(2026, 3, 10, 9, 30, tzinfo=MSK)


@pytest.mark.django_db
def test_answer_clears_the_due_time_and_the_customers_next_message_starts_the_next_clock(clock):
    SlaTarget.objects.create(tier="standard", channel="web", first_response_minutes=60,
                             next_response_minutes=120)
    customer, agent = CustomerFactory(), AgentFactory()
    conv = open_request(customer)
    clock.now = datetime(2026, 3, 9, 10, 0, tzinfo=MSK)
    answer(conv, agent)
    conv.refresh_from_db()
    assert conv.response_due_at is None
    # An internal note owes nobody anything.
    message_post(conversation=conv, author=agent, author_role=AuthorRole.AGENT, body="n",
                 kind=MessageKind.NOTE)
    conv.refresh_from_db()
    assert conv.response_due_at is None
    clock.now = datetime(2026, 3, 9, 11, 0, tzinfo=MSK)
    request_reply(conversation=conv, customer=customer, body="Still nothing")
    conv.refresh_from_db()
    assert conv.response_due_at == datetime(2026, 3, 9, 13, 0, tzinfo=MSK)
    # A second message before the answer keeps the earlier due time.
    clock.now = datetime(2026, 3, 9, 11, 30, tzinfo=MSK)
    request_reply(conversation=conv, customer=customer, body="Hello?")
    conv.refresh_from_db()
    assert conv.response_due_at == datetime(2026, 3, 9, 13, 0, tzinfo=MSK)


@pytest.mark.django_db
def test_the_clock_pauses_while_waiting_for_the_customer(clock):
    SlaTarget.objects.create(tier="standard", channel="web", first_response_minutes=60,
                             next_response_minutes=30)
    customer, agent = CustomerFactory(), AgentFactory()
    conv = open_request(customer)
    clock.now = datetime(2026, 3, 9, 10, 0, tzinfo=MSK)
    answer(conv, agent, "Which address did you give?")
    request_reply(conversation=conv, customer=customer, body="One moment")
    conv.refresh_from_db()
    assert conv.response_due_at is not None
    conversation_wait_for_customer(conversation=conv, by=agent)
    conv.refresh_from_db()
    assert (conv.status, conv.response_due_at) == (Status.PENDING, None)
    assert sla_services.sla_run(now=datetime(2026, 3, 12, 10, 0, tzinfo=MSK))["escalated"] == 0
    # Three days later the customer answers: the next-response clock starts then.
    clock.now = datetime(2026, 3, 12, 17, 50, tzinfo=MSK)
    request_reply(conversation=conv, customer=customer, body="Lenina 1")
    conv.refresh_from_db()
    assert conv.status == Status.OPEN
    assert conv.response_due_at == datetime(2026, 3, 13, 9, 20, tzinfo=MSK)


@pytest.mark.django_db
def test_resolving_clears_the_due_time(clock):
    conv = open_request(CustomerFactory())
    conversation_resolve(conversation=conv, by=AgentFactory())
    conv.refresh_from_db()
    assert conv.response_due_at is None


def _notes(conv, event):
    return Message.objects.filter(conversation=conv, kind=MessageKind.NOTE, event=event)


@pytest.mark.django_db
def test_the_assignee_is_warned_once_and_the_team_told_once_at_breach(clock, settings,
                                                                       django_capture_on_commit_callbacks):
    settings.SLA_WARNING_MINUTES = 15
    SlaTarget.objects.create(tier="standard", channel="web", first_response_minutes=60)
    clock.now = datetime(2026, 3, 9, 10, 0, tzinfo=MSK)
    agent, lead = AgentFactory(email="agent@example.com"), AgentFactory(email="lead@example.com")
    team = Team.objects.create(name="Orders")
    team.members.add(lead)
    conv = open_request(CustomerFactory())
    Conversation.objects.filter(pk=conv.pk).update(assignee=agent, team=team)
    due = datetime(2026, 3, 9, 11, 0, tzinfo=MSK)
    with django_capture_on_commit_callbacks(execute=True):
        assert sla_services.sla_run(now=due - timedelta(minutes=20))["warned"] == 0
        assert sla_services.sla_run(now=due - timedelta(minutes=10))["warned"] == 1
        assert sla_services.sla_run(now=due - timedelta(minutes=5))["warned"] == 0
    assert _notes(conv, "sla_warning").count() == 1
    assert [m.to for m in mail.outbox] == [["agent@example.com"]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert sla_services.sla_run(now=due + timedelta(minutes=1))["escalated"] == 1
        assert sla_services.sla_run(now=due + timedelta(minutes=2))["escalated"] == 0
    assert _notes(conv, "sla_breached").count() == 1
    assert sorted(t for m in mail.outbox for t in m.to) == ["agent@example.com",
                                                            "lead@example.com"]
    # The customer never sees the staff-only notes.
    frames = [message_frame(id=m.pk, seq=m.seq, reference=conv.reference, author_role="system",
                            author_name="", kind=m.kind, event=m.event, body=m.body,
                            client_id="", created_at=m.created_at, attachments=[])
              for m in _notes(conv, "sla_breached")]
    assert frames[0]["body"] == "The answer was due at 11:00: the team was told."
    from helpdesk.selectors import messages_visible_to

    assert not messages_visible_to(conversation=conv.pk, as_agent=False, after_seq=0).filter(
        event__startswith="sla_").exists()
    # The agent answers; the customer writes again: a new due time, a new warning.
    answer(conv, agent)
    conv.refresh_from_db()
    assert (conv.sla_warned_at, conv.sla_breached_at) == (None, None)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent runs need PostgreSQL")
def test_two_concurrent_runs_send_each_warning_and_escalation_once(settings):
    settings.SUPPORT_TIME_ZONE = "Europe/Moscow"
    agent = AgentFactory(email="agent@example.com")
    convs = [open_request(CustomerFactory()) for _ in range(6)]
    Conversation.objects.filter(pk__in=[c.pk for c in convs]).update(assignee=agent)
    now = timezone.now()
    # Three overdue, three due in five minutes.
    for i, c in enumerate(convs):
        Conversation.objects.filter(pk=c.pk).update(
            response_due_at=now + (timedelta(minutes=-5) if i < 3 else timedelta(minutes=5)))
    barrier = threading.Barrier(2)
    results = []

    def run():
        from django.db import connections
        try:
            barrier.wait()
            results.append(sla_services.sla_run(now=now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["escalated"] for r in results) == 3
    assert sum(r["warned"] for r in results) == 3
    assert Message.objects.filter(event="sla_breached").count() == 3
    assert Message.objects.filter(event="sla_warning").count() == 3


@pytest.mark.django_db
def test_an_idle_chat_closes_with_a_message_in_the_customers_language(clock, settings):
    settings.CHAT_IDLE_CLOSE_MINUTES = 30
    clock.now = datetime(2026, 3, 9, 10, 0, tzinfo=MSK)
    customer, agent = CustomerFactory(language="ru"), AgentFactory()
    chat = open_request(customer, channel="chat")
    Conversation.objects.filter(pk=chat.pk).update(status=Status.OPEN, assignee=agent)
    answer(chat, agent, "Готово?")
    assert sla_services.sla_run(now=clock.now + timedelta(minutes=29))["closed"] == 0
    clock.now += timedelta(minutes=31)
    assert sla_services.sla_run(now=clock.now)["closed"] == 1
    chat.refresh_from_db()
    assert chat.status == Status.RESOLVED
    event = Message.objects.get(conversation=chat, event="idle_closed")
    assert event.kind == MessageKind.EVENT
    with translation.override("ru"):
        shown = message_frame(id=event.pk, seq=event.seq, reference=chat.reference,
                              author_role="system", author_name="", kind=event.kind,
                              event=event.event, body=event.body, client_id="",
                              created_at=event.created_at, attachments=[])["body"]
    assert shown.startswith("Чат закрыт: какое-то время")


@pytest.mark.django_db
def test_a_chat_the_customer_still_waits_on_is_never_closed_as_idle(clock, settings):
    clock.now = datetime(2026, 3, 9, 10, 0, tzinfo=MSK)
    chat = open_request(CustomerFactory(), channel="chat")
    Conversation.objects.filter(pk=chat.pk).update(status=Status.OPEN)
    assert sla_services.sla_run(now=clock.now + timedelta(hours=5))["closed"] == 0


@pytest.mark.django_db
def test_a_request_waiting_for_the_customer_closes_after_days_with_an_email_in_russian(
        clock, settings, django_capture_on_commit_callbacks):
    settings.PENDING_CLOSE_DAYS = 7
    clock.now = datetime(2026, 3, 9, 10, 0, tzinfo=MSK)
    customer, agent = CustomerFactory(language="ru"), AgentFactory()
    conv = open_request(customer)
    with django_capture_on_commit_callbacks(execute=True):
        answer(conv, agent, "Пришлите фото, пожалуйста.")
    conversation_wait_for_customer(conversation=conv, by=agent)
    mail.outbox.clear()
    assert sla_services.sla_run(now=clock.now + timedelta(days=6))["closed"] == 0
    clock.now += timedelta(days=7, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert sla_services.sla_run(now=clock.now)["closed"] == 1
    conv.refresh_from_db()
    assert conv.status == Status.RESOLVED
    last = Message.objects.filter(conversation=conv, author_role=AuthorRole.AGENT).last()
    assert last.body.startswith("Мы давно не получали от вас ответа")
    assert any(customer.email in m.to[0] and "Мы давно не получали" in m.body
               for m in mail.outbox)


def test_the_beat_runs_the_sla_check(settings):
    from helpdesk.services.sla_tasks import sla_check

    entry = settings.CELERY_BEAT_SCHEDULE["sla-check"]
    assert entry["task"] == sla_check.name
    assert entry["schedule"] <= 60




@pytest.mark.django_db
def test_the_console_conversation_page_shows_when_the_answer_is_due(client, clock, settings):
    settings.TIME_ZONE = "Europe/Moscow"
    SlaTarget.objects.create(tier="standard", channel="web", first_response_minutes=60)
    conv = open_request(CustomerFactory())
    client.force_login(AgentFactory())
    html = client.get(f"/admin/console/{conv.reference}/").content.decode()
    shown = html.split('data-testid="console-sla">')[1].split("</p>")[0]
    assert "03/09/2026 9:30" in shown  # Monday 09:30
    answer(conv, AgentFactory())
    html = client.get(f"/admin/console/{conv.reference}/").content.decode()
    assert 'data-testid="console-sla"' not in html


@pytest.mark.django_db
def test_the_chat_fast_path_computes_due_times_without_a_query_once_loaded(
        django_assert_num_queries):
    now = timezone.now()
    with django_assert_num_queries(0):
        # An agent's answer needs no schedule; a customer's waits until one is loaded.
        assert sla.due_values_cached(author_role="agent", kind="message", now=now)[
            "sla_answer"] is True
        assert sla.due_values_cached(author_role="customer", kind="message", now=now) is None
    general = sla.due_values(author_role="customer", kind="message", now=now)  # loads both
    with django_assert_num_queries(0):
        assert sla.due_values_cached(author_role="customer", kind="message", now=now) == general
