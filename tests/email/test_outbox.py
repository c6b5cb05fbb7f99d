"""The outbox against a real SMTP server (aiosmtpd on a local port): retries, permanent
failures, bounded waits, claims and the sweeper."""

import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from helpdesk.email.outbox import outbox_claim, outbox_deliver, outbox_enqueue, outbox_sweep
from helpdesk.models import OutboundEmail, OutboundKind, OutboundStatus

pytestmark = pytest.mark.django_db


def enqueue(**extra):
    return outbox_enqueue(kind=OutboundKind.NOTIFICATION, to=[("anna@example.com", "Anna")],
                          subject="Hello", body_text="Plain", body_html="<p>Html</p>", **extra)


@pytest.fixture
def smtp(smtp_server, settings):
    smtp_server.django_settings(settings)
    return smtp_server


def test_an_email_reaches_the_smtp_server_with_text_and_html(smtp,
                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = enqueue()
    row.refresh_from_db()
    assert row.status == OutboundStatus.SENT and row.attempts == 1
    assert smtp.message_ids() == [row.message_id]
    msg = smtp.messages[0]
    assert {p.get_content_type() for p in msg.walk()} >= {"text/plain", "text/html"}
    assert smtp.envelopes == [("support@example.com", ["anna@example.com"])]


def test_a_temporary_failure_is_retried_with_the_same_message_id(smtp, settings):
    settings.EMAIL_RETRY_BASE_SECONDS = 30
    smtp.modes = ["temporary"]
    row = enqueue()
    before = timezone.now()
    assert outbox_deliver(outbound_id=row.pk).outcome == "retry"
    row.refresh_from_db()
    assert row.status == OutboundStatus.PENDING and "451" in row.last_error
    assert row.next_attempt_at >= before + timedelta(seconds=29)
    # Not due yet: nobody may send it.
    assert outbox_deliver(outbound_id=row.pk).outcome == "skipped"
    OutboundEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert outbox_deliver(outbound_id=row.pk).outcome == "sent"
    row.refresh_from_db()
    assert row.attempts == 2 and smtp.message_ids() == [row.message_id]


def test_backoff_doubles_and_the_attempts_run_out(smtp, settings):
    settings.EMAIL_MAX_ATTEMPTS = 3
    smtp.default_mode = "temporary"
    row = enqueue()
    delays = []
    for _ in range(3):
        OutboundEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        result = outbox_deliver(outbound_id=row.pk)
        delays.append(result.retry_in)
    row.refresh_from_db()
    assert delays == [30, 60, 0] and row.status == OutboundStatus.FAILED


def test_a_permanent_failure_is_recorded_and_not_retried(smtp):
    smtp.modes = ["permanent"]
    row = enqueue()
    assert outbox_deliver(outbound_id=row.pk).outcome == "failed"
    row.refresh_from_db()
    assert row.status == OutboundStatus.FAILED and "550" in row.last_error
    assert outbox_sweep() == 0 and smtp.messages == []


def test_a_hung_server_is_given_up_on_after_email_timeout(smtp, settings):
    settings.EMAIL_TIMEOUT = 1
    smtp.modes = ["hang"]
    row = enqueue()
    started = time.monotonic()
    assert outbox_deliver(outbound_id=row.pk).outcome == "retry"
    assert time.monotonic() - started < 5
    row.refresh_from_db()
    assert row.status == OutboundStatus.PENDING and "timed out" in row.last_error.lower()


def test_an_unreachable_server_is_a_temporary_failure(settings):
    from tests.services import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    row = enqueue()
    assert outbox_deliver(outbound_id=row.pk).outcome == "retry"


def test_only_one_claim_wins(smtp):
    row = enqueue()
    assert outbox_claim(outbound_id=row.pk) is not None
    assert outbox_claim(outbound_id=row.pk) is None
    assert outbox_deliver(outbound_id=row.pk).outcome == "skipped"


def test_the_sweeper_resends_lost_and_abandoned_rows(smtp, settings,
                                                     django_capture_on_commit_callbacks):
    settings.EMAIL_SWEEP_GRACE_SECONDS = 60
    settings.EMAIL_SEND_LEASE_SECONDS = 60
    lost = enqueue()  # its task never ran (no on-commit callbacks executed)
    abandoned = enqueue()
    outbox_claim(outbound_id=abandoned.pk)  # a worker took it, then died
    fresh = enqueue()
    long_ago = timezone.now() - timedelta(minutes=5)
    OutboundEmail.objects.filter(pk=lost.pk).update(next_attempt_at=long_ago)
    OutboundEmail.objects.filter(pk=abandoned.pk).update(claimed_at=long_ago)
    assert outbox_sweep() == 2
    assert sorted(smtp.message_ids()) == sorted([lost.message_id, abandoned.message_id])
    fresh.refresh_from_db()
    assert fresh.status == OutboundStatus.PENDING  # still within its grace period
    assert outbox_sweep() == 0


def test_enqueueing_twice_with_one_key_makes_one_email():
    first = enqueue(dedupe_key="survey:1:1")
    second = enqueue(dedupe_key="survey:1:1")
    assert first.pk == second.pk and OutboundEmail.objects.count() == 1


@pytest.mark.parametrize("bad", ["a@b.example\r\nBcc: x@evil.example", "a@b.example, x@evil.example",
                                 "not an address"])
def test_bad_recipients_are_refused(bad):
    with pytest.raises(ValueError):
        outbox_enqueue(kind=OutboundKind.NOTIFICATION, to=[bad], subject="s", body_text="b")
    with pytest.raises(ValueError):
        outbox_enqueue(kind=OutboundKind.NOTIFICATION, to=[(bad, "x")], subject="s",
                       body_text="b")


def test_only_threading_and_auto_headers_may_be_set():
    with pytest.raises(ValueError):
        enqueue(headers={"Bcc": "x@evil.example"})


def test_the_outbox_backend_routes_send_mail_through_the_outbox(settings, smtp,
                                                                django_capture_on_commit_callbacks):
    from django.core.mail import send_mail

    settings.EMAIL_DELIVERY_BACKEND = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "helpdesk.email.backend.OutboxBackend"
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Your return", "Approved", None, ["Anna <anna@example.com>"])
    row = OutboundEmail.objects.get()
    assert row.status == OutboundStatus.SENT and smtp.message_ids() == [row.message_id]


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_row_send_it_once(smtp):
    smtp.default_mode = "permanent"
    row = enqueue()  # autocommit: its eager task already tried once; make it due again
    OutboundEmail.objects.filter(pk=row.pk).update(status=OutboundStatus.PENDING, attempts=0)
    smtp.default_mode = "ok"
    outcomes = []
    barrier = threading.Barrier(4)

    def work():
        from django.db import connection

        barrier.wait()
        try:
            outcomes.append(outbox_deliver(outbound_id=row.pk).outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes).count("sent") == 1 and len(smtp.messages) == 1
