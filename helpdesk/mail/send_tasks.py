"""The tasks that send outbox rows (``helpdesk.mail.delivery``): one row, a batch, and the
beat's sweep. The outbox schedules them (``helpdesk.mail.outbox``); they sit below it, so the
rest of the email channel's tasks, which ingest mail that writes outbox rows, are in
``helpdesk.mail.tasks``."""

import logging

from celery import shared_task

from helpdesk.mail.delivery import outbox_deliver, outbox_deliver_batch, outbox_stale

logger = logging.getLogger(__name__)


@shared_task(bind=True, ignore_result=True, acks_late=True, max_retries=None, time_limit=300)
def email_send(self, outbound_id: int) -> str:
    """Send one outbox row (helpdesk.mail.delivery). Temporary failures come back after a
    backoff; the row itself records when, so the sweeper repairs a lost retry."""
    result = outbox_deliver(outbound_id=outbound_id)
    if result.outcome == "retry" and not self.request.is_eager:
        raise self.retry(countdown=result.retry_in)
    return result.outcome


@shared_task(bind=True, ignore_result=True, acks_late=True, max_retries=None, time_limit=600)
def email_send_batch(self, limit: int | None = None) -> int:
    """Send up to ``limit`` (EMAIL_SEND_BATCH) due outbox rows over one SMTP connection
    (helpdesk.mail.delivery.outbox_deliver_batch). Comes back when a row was given back with a
    backoff; hands rows it had no time for to a fresh task."""
    result = outbox_deliver_batch(limit=limit)
    if not self.request.is_eager:
        if result.retry_in:
            raise self.retry(countdown=result.retry_in)
        if result.released:
            email_send_batch.delay(limit)
    return result.sent


@shared_task(ignore_result=True)
def email_outbox_sweep() -> int:
    """Beat: send again the outbox rows whose task was lost or whose worker died
    (``delivery.outbox_stale``); returns how many."""
    ids = outbox_stale()
    for pk in ids:
        email_send.delay(pk)
    if ids:
        logger.info("outbox sweep re-scheduled %d emails", len(ids))
    return len(ids)
