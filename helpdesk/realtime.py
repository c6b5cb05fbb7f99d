"""Group names and broadcasting. The only module that knows how real-time events are routed.

Group names are derived here from server-side ids, never taken from a client. Events are sent
after the transaction commits, so nobody hears of a change that rolled back. The channel layer
is only a hint: clients repair missed events from the database (docs/protocol.md).
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def conversation_group(conversation_id: int) -> str:
    return f"conversation.{conversation_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def team_group(team_id: int) -> str:
    return f"team.{team_id}"


AGENTS_GROUP = "agents"


def _send(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:
        # A lost hint is repaired by the clients' replay; never fail the caller for it.
        logger.warning("broadcast to %s failed", group, exc_info=True)


def broadcast_on_commit(group: str, event: dict) -> None:
    """Send ``event`` to ``group`` once the current transaction commits."""
    transaction.on_commit(lambda: _send(group, event))
