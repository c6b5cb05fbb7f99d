"""Background work of the conversation core. Tasks take ids, load, and call one service."""

import logging

from celery import shared_task

from helpdesk.services.assignment import assignment_requeue_stale, assignment_run

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def chat_assign() -> int:
    """Requeue chats of agents who left, then assign waiting chats to present agents.

    Runs on events (a chat opened, an agent came online, a chat resolved) and from the beat
    (CELERY_BEAT_SCHEDULE "chat-assign"), which repairs anything an event missed.
    """
    requeued = assignment_requeue_stale()
    assigned = assignment_run()
    if requeued:
        logger.info("requeued %d chats of absent agents", len(requeued))
    return len(assigned)
