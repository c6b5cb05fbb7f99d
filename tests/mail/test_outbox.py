"""The outbox against a real SMTP server (aiosmtpd on a local port): retries, permanent
failures, bounded waits, claims and the sweeper."""

import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.utils import timezone

from helpdesk.mail.delivery import (
    outbox_claim,
    outbox_claim_batch,
    outbox_deliver,
    outbox_deliver_batch,
)
from helpdesk.mail.models import OutboundEmail, OutboundKind, OutboundStatus
from helpdesk.mail.outbox import outbox_enqueue, outbox_enqueue_many, outbox_row
from helpdesk.mail.send_tasks import email_outbox_sweep

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
    assert email_outbox_sweep() == 0 and smtp.messages == []


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

    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
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
    assert email_outbox_sweep() == 2
    assert sorted(smtp.message_ids()) == sorted([lost.message_id, abandoned.message_id])
    fresh.refresh_from_db()
    assert fresh.status == OutboundStatus.PENDING  # still within its grace period
    assert email_outbox_sweep() == 0


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

    assert settings.EMAIL_BACKEND == "helpdesk.mail.backend.OutboxBackend"  # as in production
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


# --- Batches: one claim for many rows, one connection, each row marked on its own ------------


class CrashOnThirdBackend(locmem.EmailBackend):
    """Delivers two messages, then the worker 'dies' (SystemExit is no mail error: nothing in
    the batch catches it, as nothing would survive a killed process)."""

    def send_messages(self, messages):
        if len(mail.outbox) >= 2:
            raise SystemExit("worker killed")
        return super().send_messages(messages)


def test_a_batch_claims_due_rows_and_expired_claims_only(settings):
    settings.EMAIL_SEND_LEASE_SECONDS = 60
    due, later, held, abandoned, sent = (enqueue() for _ in range(5))
    OutboundEmail.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5))
    OutboundEmail.objects.filter(pk=held.pk).update(status=OutboundStatus.SENDING,
                                                    claimed_at=timezone.now())
    OutboundEmail.objects.filter(pk=abandoned.pk).update(
        status=OutboundStatus.SENDING, claimed_at=timezone.now() - timedelta(minutes=5))
    OutboundEmail.objects.filter(pk=sent.pk).update(status=OutboundStatus.SENT)
    claimed = outbox_claim_batch(limit=10)
    assert sorted(r.pk for r in claimed) == sorted([due.pk, abandoned.pk])
    assert {r.status for r in claimed} == {OutboundStatus.SENDING}
    assert outbox_claim_batch(limit=10) == []  # taken: nobody else gets them
    assert OutboundEmail.objects.get(pk=due.pk).attempts == 1


def test_a_batch_sends_over_one_connection_and_marks_every_row(smtp):
    rows = [enqueue() for _ in range(5)]
    result = outbox_deliver_batch(limit=3)
    assert (result.claimed, result.sent) == (3, 3)
    assert outbox_deliver_batch(limit=3).sent == 2
    assert sorted(smtp.message_ids()) == sorted(r.message_id for r in rows)
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {OutboundStatus.SENT}


def test_a_batch_with_one_permanent_failure_marks_only_that_row_failed(smtp):
    rows = [enqueue() for _ in range(4)]
    smtp.modes = ["ok", "permanent"]  # the second email is refused for good
    result = outbox_deliver_batch(limit=10)
    assert (result.sent, result.failed, result.retry, result.released) == (3, 1, 0, 0)
    statuses = dict(OutboundEmail.objects.values_list("pk", "status"))
    assert [statuses[r.pk] for r in rows] == [OutboundStatus.SENT, OutboundStatus.FAILED,
                                              OutboundStatus.SENT, OutboundStatus.SENT]
    assert "550" in OutboundEmail.objects.get(pk=rows[1].pk).last_error
    assert sorted(smtp.message_ids()) == sorted(r.message_id for r in (rows[0], *rows[2:]))


def test_a_temporary_failure_in_a_batch_is_retried_alone_with_the_same_message_id(smtp):
    rows = [enqueue() for _ in range(3)]
    smtp.modes = ["temporary"]
    result = outbox_deliver_batch(limit=10)
    assert (result.sent, result.retry) == (2, 1) and result.retry_in == 30
    retried = OutboundEmail.objects.get(pk=rows[0].pk)
    assert retried.status == OutboundStatus.PENDING and "451" in retried.last_error
    OutboundEmail.objects.filter(pk=retried.pk).update(next_attempt_at=timezone.now())
    assert outbox_deliver_batch(limit=10).sent == 1
    assert smtp.message_ids().count(rows[0].message_id) == 1
    assert OutboundEmail.objects.get(pk=rows[0].pk).attempts == 2


def test_an_unreachable_server_gives_the_untried_rows_back_with_the_backoff(settings):
    from tests.services import free_port

    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    rows = [enqueue() for _ in range(3)]
    before = timezone.now()
    result = outbox_deliver_batch(limit=10)
    assert (result.retry, result.released, result.retry_in) == (1, 2, 30)
    for row in OutboundEmail.objects.filter(pk__in=[r.pk for r in rows]):
        assert row.status == OutboundStatus.PENDING
        assert row.next_attempt_at >= before + timedelta(seconds=29)
        assert row.attempts == (1 if row.pk == rows[0].pk else 0)  # untried: not counted


def test_rows_a_batch_has_no_time_for_go_back_untried(smtp, settings):
    settings.EMAIL_SEND_LEASE_SECONDS, settings.EMAIL_TIMEOUT = 1, 1  # no time after one
    rows = [enqueue() for _ in range(3)]
    result = outbox_deliver_batch(limit=10)
    assert (result.sent, result.released) == (1, 2)
    assert smtp.message_ids() == [rows[0].message_id]
    untried = OutboundEmail.objects.filter(pk__in=[rows[1].pk, rows[2].pk])
    assert {(r.status, r.attempts) for r in untried} == {(OutboundStatus.PENDING, 0)}


def test_a_crash_mid_batch_leaves_the_unsent_rows_to_the_sweeper(settings):
    settings.EMAIL_SEND_LEASE_SECONDS, settings.EMAIL_TIMEOUT = 60, 5
    rows = [enqueue() for _ in range(5)]
    settings.EMAIL_DELIVERY_BACKEND = "tests.mail.test_outbox.CrashOnThirdBackend"
    with pytest.raises(SystemExit):
        outbox_deliver_batch(limit=10)
    statuses = dict(OutboundEmail.objects.values_list("pk", "status"))
    assert [statuses[r.pk] for r in rows] == [OutboundStatus.SENT] * 2 + [
        OutboundStatus.SENDING] * 3
    assert email_outbox_sweep() == 0  # their claim has not expired: they may still be on their way
    OutboundEmail.objects.filter(status=OutboundStatus.SENDING).update(
        claimed_at=timezone.now() - timedelta(minutes=5))
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert email_outbox_sweep() == 3
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(
        r.message_id for r in rows)  # each once, the re-sent ones with their own Message-ID
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {OutboundStatus.SENT}


def test_survey_sized_batches_are_queued_after_commit(django_capture_on_commit_callbacks,
                                                      settings):
    settings.EMAIL_SEND_BATCH = 2
    rows = [outbox_row(kind=OutboundKind.SURVEY, to=[(f"c{i}@example.com", "C")],
                       subject="How did we do?", body_text="Rate us", dedupe_key=f"s:{i}")
            for i in range(5)]
    with django_capture_on_commit_callbacks() as callbacks:
        written = outbox_enqueue_many(rows=rows)
        assert outbox_enqueue_many(rows=[outbox_row(
            kind=OutboundKind.SURVEY, to=["c0@example.com"], subject="again",
            body_text="x", dedupe_key="s:0")]) == []  # a key already written is left out
    assert len(written) == 5 and len(callbacks) == 3  # ceil(5 / 2) batch tasks
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 5
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {OutboundStatus.SENT}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_batch_claimers_never_take_the_same_row():
    from django.db import connection

    from tests.services import require

    require(connection.vendor == "postgresql",
            "PostgreSQL is needed for SKIP LOCKED (run with DATABASE_URL=postgres://...)")
    rows = outbox_enqueue_many(rows=[
        outbox_row(kind=OutboundKind.SURVEY, to=[f"c{i}@example.com"], subject="s",
                   body_text="b") for i in range(300)])  # autocommit: tasks ran eagerly...
    OutboundEmail.objects.update(status=OutboundStatus.PENDING, attempts=0)  # ...so reset
    claims: list[list[int]] = []
    barrier = threading.Barrier(6)

    def claimer():
        mine = []
        barrier.wait()
        try:
            while batch := outbox_claim_batch(limit=7):
                mine += [r.pk for r in batch]
        finally:
            connection.close()
        claims.append(mine)

    threads = [threading.Thread(target=claimer) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    taken = [pk for mine in claims for pk in mine]
    assert len(taken) == len(set(taken)) == len(rows)
    assert sum(1 for mine in claims if mine) > 1  # they really ran side by side
    assert set(OutboundEmail.objects.values_list("attempts", flat=True)) == {1}
