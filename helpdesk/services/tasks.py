"""Background work of the conversation core. Tasks take ids, load, and call one service.

Here, inside ``services``, because the core's services schedule them and they run the core's
services: at module level that is a chain (``assignment`` <- ``tasks`` <- ``conversations``,
``staff``), and import-linter's "No import cycles" contract keeps packages acyclic too.
``helpdesk/tasks.py`` imports this module so that Celery's autodiscovery finds it."""

import logging

from celery import shared_task

from helpdesk import realtime
from helpdesk.services.assignment import (
    assignment_requeue_stale,
    assignment_run,
    present_agents_changed,
)

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def chat_assign() -> int:
    """Requeue chats of agents who left, then assign waiting chats, written requests and
    emails to present agents.

    Runs on events (a chat opened, an agent came online, a chat resolved) and from the beat
    (CELERY_BEAT_SCHEDULE "chat-assign"), which repairs anything an event missed.
    """
    if present_agents_changed():
        realtime.queue_changed()  # an agent became away or came back: the estimates change
    requeued = assignment_requeue_stale()
    assigned = assignment_run()
    if requeued:
        logger.info("requeued %d chats of absent agents", len(requeued))
    return len(assigned)
