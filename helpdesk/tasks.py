"""Background work of the conversation core. Tasks take ids, load, and call one service."""

import logging
import smtplib

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def chat_assign() -> int:
    """Requeue chats of agents who left, then assign waiting chats to present agents.

    Runs on events (a chat opened, an agent came online, a chat resolved) and from the beat
    (CELERY_BEAT_SCHEDULE "chat-assign"), which repairs anything an event missed.
    """
    from helpdesk.services.assignment import assignment_requeue_stale, assignment_run

    requeued = assignment_requeue_stale()
    assigned = assignment_run()
    if requeued:
        logger.info("requeued %d chats of absent agents", len(requeued))
    return len(assigned)


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30, retry_backoff_max=600, retry_jitter=True, max_retries=5,
)
def chat_transcript_send(conversation_id: int) -> bool:
    """Email the transcript of a resolved chat to its customer (internal notes left out)."""
    from helpdesk.models import Conversation
    from helpdesk.services.conversations import transcript_send

    conversation = Conversation.objects.select_related("customer").filter(
        pk=conversation_id).first()
    if conversation is None:
        return False
    return transcript_send(conversation=conversation)


# --- Email channel and surveys ---------------------------------------------------------------


@shared_task(bind=True, ignore_result=True, acks_late=True, max_retries=None, time_limit=300)
def email_send(self, outbound_id: int) -> str:
    """Send one outbox row (helpdesk.email.outbox). Temporary failures come back after a
    backoff; the row itself records when, so the sweeper repairs a lost retry."""
    from helpdesk.email.outbox import outbox_deliver

    result = outbox_deliver(outbound_id=outbound_id)
    if result.outcome == "retry" and not self.request.is_eager:
        raise self.retry(countdown=result.retry_in)
    return result.outcome


@shared_task(bind=True, ignore_result=True, acks_late=True, max_retries=None, time_limit=600)
def email_send_batch(self, limit: int | None = None) -> int:
    """Send up to ``limit`` (EMAIL_SEND_BATCH) due outbox rows over one SMTP connection
    (helpdesk.email.outbox.outbox_deliver_batch). Comes back when a row was given back with a
    backoff; hands rows it had no time for to a fresh task."""
    from helpdesk.email.outbox import outbox_deliver_batch

    result = outbox_deliver_batch(limit=limit)
    if not self.request.is_eager:
        if result.retry_in:
            raise self.retry(countdown=result.retry_in)
        if result.released:
            email_send_batch.delay(limit)
    return result.sent


@shared_task(ignore_result=True)
def email_outbox_sweep() -> int:
    """Beat: re-schedule outbox rows whose task was lost or whose worker died."""
    from helpdesk.email.outbox import outbox_sweep

    return outbox_sweep()


@shared_task(ignore_result=True, acks_late=True, time_limit=600)
def email_imap_poll() -> int:
    """Beat: read new messages from the IMAP mailbox of settings.IMAP_URL."""
    from helpdesk.email.imap import imap_poll

    return imap_poll()


@shared_task(ignore_result=True, acks_late=True)
def email_inbound_release_verified(user_id: int) -> int:
    """Let in the mail held because the address of account ``user_id`` was not verified
    (helpdesk.email.inbound.inbound_release_verified); sent when it has been."""
    from helpdesk.email.inbound import inbound_release_verified

    return inbound_release_verified(user_id=user_id)


@shared_task(ignore_result=True)
def surveys_run() -> dict:
    """Beat: schedule surveys of newly resolved conversations and hand the due ones to
    ``surveys_step_batch`` tasks, SURVEY_BATCH_SIZE at a time (helpdesk.surveys.services)."""
    from helpdesk.surveys.services import surveys_run as run

    return run(fan_out=True)


@shared_task(ignore_result=True, acks_late=True, time_limit=600)
def surveys_step_batch(survey_ids: list[int], now: str | None = None) -> dict:
    """Take these due surveys through their next step in one transaction (send, remind,
    expire, skip); ``now``: the ISO time of the run that found them due."""
    from django.utils.dateparse import parse_datetime

    from helpdesk.surveys.services import surveys_step_batch as step

    return step(survey_ids=survey_ids, now=parse_datetime(now) if now else None)
