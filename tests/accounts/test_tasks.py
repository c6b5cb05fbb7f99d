from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.utils import timezone

from accounts import tasks
from helpdesk.celery import app
from tests.factories import CustomerFactory


@pytest.mark.django_db
def test_clear_expired_sessions_deletes_only_expired_ones():
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="", expire_date=now - timedelta(days=1))
    Session.objects.create(session_key="new", session_data="", expire_date=now + timedelta(days=1))

    tasks.clear_expired_sessions.delay()

    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]


def test_the_beat_schedule_names_registered_account_tasks():
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "accounts.tasks.clear_expired_sessions" in names
    assert "accounts.tasks.clear_expired_sessions" in app.tasks


@pytest.mark.django_db
def test_send_password_reset_email_skips_a_user_deactivated_since_the_request(
        django_capture_on_commit_callbacks):
    user = CustomerFactory()
    user.is_active = False
    user.save(update_fields=["is_active"])

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_password_reset_email.delay(user.pk).get() is False
        assert tasks.send_password_reset_email.delay(10**9).get() is False
    assert mail.outbox == []


@pytest.mark.django_db
def test_send_password_reset_email_sends_one_link(settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://help.example.test"
    user = CustomerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_password_reset_email.delay(user.pk).get() is True
    assert len(mail.outbox) == 1
    assert "https://help.example.test/accounts/password/reset/" in mail.outbox[0].body
    assert mail.outbox[0].subject
    assert "\n" not in mail.outbox[0].subject
