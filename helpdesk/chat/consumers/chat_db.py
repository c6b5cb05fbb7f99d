"""The database side of the chat socket's frames and events: one synchronous function per hop.

The socket (``helpdesk.chat.consumers.chat``) runs each of these on a chat database thread
(``chat_runtime._db``: ``run_in_executor``, decision 0020), once per frame or event that needs
the database, so a frame costs one hop, not several: joining costs two (``authorize``, then
``replay`` once the socket is in the group), a message through the general path one (``send``;
one more, ``after_post``, only when the fast path posted a message that changes the chat's
state), an event the socket cannot serve from memory one (``deliver``, ``state``, ``inbox``).
Every function that touches a conversation authorizes through ``helpdesk.access`` again: a
socket never keeps a permission it lost. Who the socket's user is: ``chat_auth``; the periodic
check: ``chat_tick``; the statements compiled once: ``chat_statements``.
"""

from django.core.exceptions import ValidationError
from django.utils import translation

from helpdesk.access import NotFound, access_conversation, visible_conversations
from helpdesk.chat.consumers import caps
from helpdesk.chat.consumers.chat_auth import (
    CLOSE_TOO_MANY_CONNECTIONS,
    CLOSE_UNAUTHENTICATED,
    Identity,
    audited,
    role_close_code,
    session_user,
)
from helpdesk.chat.consumers.chat_statements import delivery_rows, row_frames
from helpdesk.chat.selectors import read_marks
from helpdesk.chat.services import conversation_read
from helpdesk.models import CLOSED_STATUSES, Conversation
from helpdesk.selectors import inbox_counts, messages_visible_to, over_rate_limit
from helpdesk.services import conversations as conv_services
from helpdesk.services import messages as msg_services
from helpdesk.services.assignment import agent_seen
from helpdesk.services.queue import queue_info


class FrameError(Exception):
    """A frame that cannot be served; becomes an ``error`` frame, harming nothing else."""

    def __init__(self, code: str, message: str = "", **extra):
        super().__init__(code)
        self.code = code
        self.message = message
        self.extra = extra


def connection_open(*, session_key: str | None,
                    origin: str) -> tuple[Identity | None, int | None]:
    """Authenticate a new socket by its session and count it against the per-user cap
    (``caps``; ``origin`` names the server process that holds it)."""
    fresh = session_user(session_key)
    if fresh is None:
        return None, CLOSE_UNAUTHENTICATED
    as_agent = bool(fresh.is_staff)
    code = role_close_code(fresh, as_agent)
    if code:
        return None, code
    if not caps.acquire(user_id=fresh.pk, origin=origin):
        return None, CLOSE_TOO_MANY_CONNECTIONS
    if as_agent:
        agent_seen(agent_id=fresh.pk)
    return Identity(fresh, as_agent, fresh.language, session_key or ""), None


def connection_close(*, user_id: int, origin: str) -> None:
    caps.release(user_id=user_id, origin=origin)


def _state(ident: Identity, conv: Conversation) -> dict:
    info = queue_info(conversation=conv)
    return {
        "type": "state",
        "conversation": conv.reference,
        "status": conv.status,
        "status_display": conv.get_status_display(),
        "assignee": conv.assignee.get_short_name() if conv.assignee_id else "",
        "topic": conv.topic,
        "priority": conv.priority,
        "queue": info.as_dict() if info else None,
        "read": read_marks(conversation=conv),
        "rated": hasattr(conv, "rating") if conv.status in CLOSED_STATUSES
        else False,
    }


def _access(ident: Identity, reference) -> Conversation:
    if not isinstance(reference, str) or not reference or not msg_services.text_storable(
            reference):
        raise FrameError("invalid_field", field="conversation")
    try:
        return access_conversation(user=ident.user, reference=reference)
    except NotFound:
        raise FrameError("not_found", conversation=reference) from None


def _fresh(ident: Identity, conversation_id: int) -> Conversation | None:
    """The conversation if the user may still see it (re-authorization), else None."""
    return (visible_conversations(user=ident.user).filter(pk=conversation_id)
            .select_related("assignee", "customer").first())


def deliver_upto(ident: Identity, conv: Conversation, cursor: int) -> tuple[list[dict], int]:
    """Frames for every visible message after ``cursor`` up to the conversation's last_seq,
    and the new cursor. ``conv`` was read in this hop, so messages up to its last_seq are
    committed: the cursor may safely move there (notes a customer skips included)."""
    upto = conv.last_seq
    if upto <= cursor:
        return [], cursor
    frames = [
        {"type": "message", **msg_services.message_payload(m, list(m.attachments.all()))}
        for m in messages_visible_to(conversation=conv, as_agent=ident.as_agent,
                                     after_seq=cursor, upto_seq=upto)
    ]
    return frames, upto


def authorize(*, ident: Identity, reference) -> tuple[int, str]:
    """The id and reference of a conversation the user may see; FrameError otherwise."""
    conv = _access(ident, reference)
    return conv.pk, conv.reference


def replay(*, ident: Identity, conversation_id: int, after: int) -> tuple[list[dict], int]:
    """The join replay: ``state``, then every visible message after ``after``."""
    with translation.override(ident.language):
        conv = _fresh(ident, conversation_id)
        if conv is None:
            raise FrameError("not_found")
        frames, cursor = deliver_upto(ident, conv, max(0, after))
        return [_state(ident, conv), *frames], cursor


def deliver(*, ident: Identity, conversation_id: int, cursor: int) -> tuple[list[dict], int, bool]:
    """Live delivery after a hint: (frames, new cursor, still allowed).

    One query in the usual case: the visible messages after ``cursor``, restricted to a
    conversation the user may still see (re-authorization), with the conversation joined.
    Its ``last_seq`` comes from the same statement, so every message up to it is committed
    and was read: the cursor may move there. Only when that finds nothing (no access, or
    nothing new) does the conversation get read on its own. Rows are plain tuples of the
    columns a frame shows (no model instances).
    """
    with translation.override(ident.language):
        rows = delivery_rows(ident, conversation_id, cursor)
        if rows:
            upto = rows[0][2]
            return row_frames(rows, upto), max(cursor, upto), True
        conv = _fresh(ident, conversation_id)
        if conv is None:
            return [], cursor, False
        frames, cursor = deliver_upto(ident, conv, cursor)
        return frames, cursor, True


def state(*, ident: Identity, conversation_id: int) -> dict | None:
    with translation.override(ident.language):
        conv = _fresh(ident, conversation_id)
        return _state(ident, conv) if conv is not None else None


# ``message_post``'s codes for text it cannot store, and the frame field each is about.
_INVALID_FIELDS = {"invalid_text": "body", "invalid_client_id": "client_id"}


def send(*, ident: Identity, reference, body, client_id, internal: bool,
         cursor: int | None) -> tuple[list[dict], dict, int | None, int]:
    """Post a message; return (message frames up to it, ack, new cursor, conversation id).

    The ack is built after ``message_post`` returned, i.e. after the commit. When the socket
    has joined the conversation (``cursor`` not None) the frames fill the gap up to the new
    message so the sender sees the conversation in order.
    """
    if (not isinstance(client_id, str) or not 1 <= len(client_id) <= 64
            or not msg_services.text_storable(client_id)):
        raise FrameError("invalid_field", field="client_id")
    if not isinstance(body, str):
        raise FrameError("invalid_field", field="body", client_id=client_id)
    if internal and not ident.as_agent:
        raise FrameError("forbidden", client_id=client_id)
    with translation.override(ident.language), audited(ident):
        conv = _access(ident, reference)
        if over_rate_limit(author_id=ident.user.pk):
            raise FrameError("rate_limited", client_id=client_id, conversation=conv.reference)
        try:
            posted = conv_services.chat_message_send(
                conversation=conv, user=ident.user, as_agent=ident.as_agent, body=body,
                client_id=client_id, internal=bool(internal),
            )
        except ValidationError as exc:
            code = exc.code if getattr(exc, "code", None) else "invalid"
            field = _INVALID_FIELDS.get(code)
            if field:  # text the service refused to store (docs/protocol.md: invalid_field)
                code = "invalid_field"
            raise FrameError(code, " ".join(exc.messages), client_id=client_id,
                             conversation=conv.reference, field=field) from None
        message = posted.message
        ack = {"type": "ack", "conversation": conv.reference, "client_id": client_id,
               "id": message.pk, "seq": message.seq}
        frames: list[dict] = []
        if cursor is not None and posted.created and message.seq == cursor + 1:
            # Nothing in between: the frame is the message just written (no attachments yet).
            frames = [{"type": "message", **msg_services.message_payload(message, [])}]
            cursor = message.seq
        elif cursor is not None and message.seq > cursor:
            upto = message.seq
            frames = [
                {"type": "message", **msg_services.message_payload(m, list(m.attachments.all()))}
                for m in messages_visible_to(conversation=conv, as_agent=ident.as_agent,
                                             after_seq=cursor, upto_seq=upto)
            ]
            cursor = upto
        return frames, ack, cursor, conv.pk


def after_post(*, ident: Identity, conversation_id: int) -> None:
    """``chat_message_followup`` for a message ``chat_fast`` posted (it read the status in its
    statement; this reads the conversation again under the services' own rules)."""
    conv = _fresh(ident, conversation_id)
    if conv is not None:
        with audited(ident):
            conv_services.chat_message_followup(conversation=conv, user=ident.user,
                                                as_agent=ident.as_agent)


def read(*, ident: Identity, reference, seq) -> None:
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise FrameError("invalid_field", field="seq")
    conv = _access(ident, reference)
    conversation_read(conversation=conv, user=ident.user,
                                    as_agent=ident.as_agent, seq=seq)


def inbox(*, ident: Identity) -> dict:
    return {"type": "inbox", "counts": inbox_counts(user=ident.user)}
