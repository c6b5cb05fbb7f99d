"""Group names and broadcasting. The only module that knows how real-time events are routed.

Group names are derived here from server-side ids, never taken from a client. Events are sent
after the transaction commits, so nobody hears of a change that rolled back. Each event carries
the ``group`` it was sent to (the chat's per-process hub, ``helpdesk.chat.consumers.hub``,
delivers by it; chat sockets publish through that hub). The channel layer is only a hint: clients repair missed events from the database (docs/protocol.md).
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


AGENTS_GROUP = "agents"


def _send(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        # The group travels with the event: each process's chat hub finds its members by it.
        async_to_sync(layer.group_send)(group, {**event, "group": group})
    except Exception:
        # A lost hint is repaired by the clients' replay; never fail the caller for it.
        logger.warning("broadcast to %s failed", group, exc_info=True)


def broadcast_on_commit(group: str, event: dict) -> None:
    """Send ``event`` to ``group`` once the current transaction commits."""
    transaction.on_commit(lambda: _send(group, event))


# Customers whose chat is waiting listen here to recompute their place in the queue.
QUEUE_GROUP = "queue"


def conversation_event(conversation_id: int, kind: str, **data) -> None:
    """Tell everyone in a conversation that ``kind`` happened (after commit).

    ``kind`` is one of ``message``, ``typing``, ``read``, ``state``: the consumers' handlers
    ``conversation_<kind>``. A ``message`` event carries the message's id, its sequence number
    and whether only staff may see it (``access.message_kind_visible``), so a customer's socket
    skips a note without reading it; a public text message the chat's fast path posted also
    carries its frame, which a socket holding everything before it sends as it is (decision
    0014). Everything else the consumers read from the database, checking visibility there.
    """
    broadcast_on_commit(
        conversation_group(conversation_id),
        {"type": f"conversation.{kind}", "conversation": conversation_id, **data},
    )


def send_now(group: str, event: dict) -> None:
    """Send ``event`` immediately (for ephemeral events that change no data: typing)."""
    _send(group, event)


def inbox_changed() -> None:
    """Agents' inbox counts changed (after commit)."""
    broadcast_on_commit(AGENTS_GROUP, {"type": "inbox.changed"})


def queue_changed() -> None:
    """Someone joined or left the chat queue (after commit)."""
    broadcast_on_commit(QUEUE_GROUP, {"type": "queue.changed"})


def user_recheck(user_id: int) -> None:
    """Ask every socket of ``user_id`` to re-validate its session and role now (after commit).

    Sent on logout, password change, deactivation and role changes; the sockets' periodic
    check closes them anyway within CHAT_HEARTBEAT_SECONDS if this hint is lost.
    """
    broadcast_on_commit(user_group(user_id), {"type": "user.recheck"})


def user_session_ended(user_id: int, session_key: str | None) -> None:
    """Close the sockets opened with ``session_key`` now (logout). Sent at once, not after
    commit: the session is flushed right after the logout signal."""
    if session_key:
        send_now(user_group(user_id), {"type": "user.session_ended", "session_key": session_key})
