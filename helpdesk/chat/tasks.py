"""Background work of the chat: the transcript email of a resolved chat."""

import smtplib

from celery import shared_task

from helpdesk.chat.services import transcript_send
from helpdesk.models import Conversation


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30, retry_backoff_max=600, retry_jitter=True, max_retries=5,
)
def chat_transcript_send(conversation_id: int) -> bool:
    """Email the transcript of a resolved chat to its customer (internal notes left out)."""
    conversation = Conversation.objects.select_related("customer").filter(
        pk=conversation_id).first()
    if conversation is None:
        return False
    return transcript_send(conversation=conversation)
