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
