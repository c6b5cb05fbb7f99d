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
