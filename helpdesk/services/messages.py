"""Posting messages: the one write every message of every channel goes through.

Sequence numbers: each message takes ``conversation.last_seq + 1`` while the conversation row is
locked, so numbers follow commit order with no gaps. A non-empty ``client_id`` makes posting
idempotent per author: posting again returns the message that already exists.
"""

import contextlib
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk import realtime, signals, sla
from helpdesk.access import message_kind_visible
from helpdesk.models import AuthorRole, Channel, Conversation, Message, MessageKind

MAX_BODY_LENGTH = 5000

# Which messages leave as an email to the customer: an agent's answer (not a note, not an event)
# in a conversation the customer started by email or as a written request, since they read the
# answer in their mailbox. The one definition of it: ``message_post`` asks ``message_emails``,
# the mail app asks it again before it writes the outbox row, and the chat's fast path derives
# its SQL condition from this set (``emailed_channels``). Whether a given customer receives it
# (an active account, an address, their notification choice) is the mail app's part.
EMAILED_MESSAGES: frozenset[tuple[str, str, str]] = frozenset(
    (str(channel), str(AuthorRole.AGENT), str(MessageKind.MESSAGE))
    for channel in (Channel.EMAIL, Channel.WEB)
)


def message_emails(*, channel: str, author_role: str, kind: str) -> bool:
    """Whether a message of ``kind`` by ``author_role`` in a ``channel`` conversation leaves as
    an email (``EMAILED_MESSAGES``)."""
    return (str(channel), str(author_role), str(kind)) in EMAILED_MESSAGES


def emailed_channels(*, author_role: str, kind: str) -> list[str]:
    """The channels in which a message of ``kind`` by ``author_role`` leaves as an email, for a
    SQL condition (``conversation.channel = ANY(...)``) equal to ``message_emails``."""
    return sorted(c for c, r, k in EMAILED_MESSAGES if r == str(author_role) and k == str(kind))

# What no message may hold: NUL, which PostgreSQL cannot store in text, and lone surrogates
# (JSON's "\ud800" escapes produce them), which are not Unicode and cannot be encoded. A
# client sending either gets its own error instead of a server error it would retry forever.


def text_storable(value: str) -> bool:
    """Whether ``value`` can be stored and sent on as it is: no NUL, no lone surrogate.
    In-process and cheap (the chat's fast path asks it of every message): 30 ns for a usual
    ASCII message, 10 us for 5,000 Cyrillic characters."""
    if "\x00" in value:
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # only a surrogate fails: Python strings are code points
        return False
    return True


@dataclass(frozen=True)
class Posted:
    message: Message
    created: bool


# What a client shows for a message of kind "event" (the body holds the name it is about).
EVENT_TEXTS = {
    "assigned": gettext_lazy("%(name)s joined the chat."),
    "transferred": gettext_lazy("The chat was passed to %(name)s."),
    "requeued": gettext_lazy("Your chat is back in the queue: the next free agent will answer."),
    "resolved": gettext_lazy("The chat was marked as resolved."),
    "reopened": gettext_lazy("The conversation was reopened."),
    # Returns in a conversation (services.returns); the name is the return's reference.
    "return_requested": gettext_lazy("Return %(name)s was requested."),
    "return_approved": gettext_lazy("Return %(name)s was approved: the parcel can be sent."),
    "return_rejected": gettext_lazy("Return %(name)s was rejected."),
    "return_received": gettext_lazy("The parcel of return %(name)s was received."),
    "return_refunded": gettext_lazy("Return %(name)s was refunded."),
    "call_inbound": gettext_lazy("You called us (%(name)s)."),
    "call_outbound": gettext_lazy("We called you (%(name)s)."),
    # The live SLA (services.sla): staff-only notes by the system; the body is the due time.
    "sla_warning": gettext_lazy("The answer is due at %(name)s."),
    "sla_breached": gettext_lazy("The answer was due at %(name)s: the team was told."),
    # Auto-close of a chat (services.sla), which the customer sees.
    "idle_closed": gettext_lazy("The chat was closed after a while without messages. Write "
                                "again any time."),
    "pending_closed": gettext_lazy("We have not heard from you for a while, so the chat was "
                                   "closed. Write again any time."),
}


def event_text(event: str, name: str) -> str:
    template = EVENT_TEXTS.get(event)
    return str(template) % {"name": name} if template is not None else name


# Where a client fetches an attachment. The core serves none itself: the chat app shows the
# images photo_clean re-encoded inline, the mail app offers every other file as a download.
# Each registers the name of its URL in its AppConfig.ready(), so the core names neither app.
ATTACHMENT_URL_NAMES: dict[bool, str] = {}  # is_inline_image -> URL name


def attachment_url_register(*, inline: bool, url_name: str) -> None:
    """The app serving inline images (``inline``) or downloads names its URL (taking ``pk``)."""
    ATTACHMENT_URL_NAMES[inline] = url_name


def message_payload(message: Message, attachments: list | None = None) -> dict:
    """The public form of a message, as clients receive it.

    Callers never pass internal notes to a customer (``selectors.messages_visible_to``).
    ``attachments`` defaults to ``message.attachments.all()`` (prefetch it in loops).
    """
    if attachments is None:
        attachments = list(message.attachments.all()) if message.pk else []
    return message_frame(
        id=message.pk, seq=message.seq, reference=message.conversation.reference,
        author_role=message.author_role,
        author_name=message.author.get_short_name() if message.author else "",
        kind=message.kind, event=message.event, body=message.body,
        client_id=message.client_id, created_at=message.created_at, attachments=attachments,
    )


def message_frame(*, id: int, seq: int, reference: str, author_role: str, author_name: str,  # noqa: A002
                  kind: str, event: str, body: str, client_id: str, created_at,
                  attachments: list) -> dict:
    """``message_payload`` from plain column values (the chat's delivery reads no models)."""
    if event and (kind == MessageKind.EVENT or event in EVENT_TEXTS):
        body = event_text(event, body)
    return {
        "id": id,
        "seq": seq,
        "conversation": reference,
        "author_role": author_role,
        "author_name": author_name,
        "kind": kind,
        "event": event,
        "body": body,
        "client_id": client_id,
        "created_at": created_at.isoformat(),
        # Images are shown inline; any other file only ever as a download.
        "attachments": [
            {"id": a.pk, "name": a.original_name, "content_type": a.content_type,
             "size": a.size, "width": a.width, "height": a.height,
             "image": a.is_inline_image,
             "url": reverse(ATTACHMENT_URL_NAMES[a.is_inline_image], args=[a.pk])}
            for a in attachments
        ],
    }


def message_body_clean(body: str) -> str:
    body = (body or "").strip()
    if not text_storable(body):
        raise ValidationError(
            _("The message contains characters that cannot be stored (such as a null "
              "character). Remove them and send it again."),
            code="invalid_text",
        )
    if len(body) > MAX_BODY_LENGTH:
        raise ValidationError(
            _("A message can be at most %(limit)d characters long.") % {"limit": MAX_BODY_LENGTH},
            code="too_long",
        )
    return body


def message_post(
    *,
    conversation: Conversation,
    author,
    author_role: str,
    body: str,
    kind: str = MessageKind.MESSAGE,
    client_id: str = "",
    allow_empty: bool = False,
    event: str = "",
) -> Posted:
    """Add a message to ``conversation``; tell the apps (``signals.message_posted``); broadcast it
    after commit.

    Returns the existing message (``created=False``) when ``author`` already posted one with
    ``client_id``.
    """
    body = message_body_clean(body)
    if not body and not allow_empty:
        raise ValidationError(_("Write a message first."), code="empty")
    client_id = (client_id or "")[:64]
    if not text_storable(client_id):
        raise ValidationError(_("The message id contains characters that cannot be stored."),
                              code="invalid_client_id")
    now = timezone.now()
    first_response = author_role == AuthorRole.AGENT and kind == MessageKind.MESSAGE
    emails = message_emails(channel=conversation.channel, author_role=author_role, kind=kind)
    values = {"conv": conversation.pk, "author": getattr(author, "pk", None),
              "role": author_role, "kind": kind, "body": body, "client_id": client_id,
              "now": now, "event": event, "first": first_response,
              # The live SLA's due time, kept in the same statement (helpdesk.sla), stored as
              # the ORM stores dates (SQLite compares them as text).
              **{name: connection.ops.adapt_datetimefield_value(value)
                 if isinstance(value, datetime) else value
                 for name, value in sla.due_values(author_role=author_role, kind=kind,
                                                   now=now).items()}}
    single = connection.vendor == "postgresql" and not emails
    # The single statement needs no transaction of its own (it commits alone, and the
    # broadcast is sent after that); inside a caller's transaction it gets a savepoint.
    atomic = (transaction.atomic() if connection.in_atomic_block or not single
              else contextlib.nullcontext())
    try:
        with atomic:
            if single:
                # One statement: the row lock, the sequence number and the message. It is
                # atomic on its own, so a reused client id (the unique constraint below) undoes
                # the sequence increment too (decision 0011).
                row = _sql_one(_POST_SQL_PG, values)
                if row is None:
                    raise Conversation.DoesNotExist
                message_id, seq, first_response_at = row
            else:
                # The row lock and the sequence number in one statement, then the insert.
                row = _sql_one(_BUMP_SQL, values)
                if row is None:
                    raise Conversation.DoesNotExist
                seq, first_response_at = row
                message_id = None
            # A client id already used by this author is caught by the unique constraint on
            # (conversation, author, client_id), not looked up first: resends are rare and
            # every message would pay the lookup (decision 0010: fewer queries per message).
            conversation.last_seq = seq
            conversation.updated_at = now
            conversation.first_response_at = first_response_at
            message = Message(
                id=message_id, conversation=conversation, seq=seq, author=author,
                author_role=author_role, kind=kind, body=body, client_id=client_id,
                created_at=now, event=event,
            )
            if message_id is None:
                message.save(force_insert=True)
            else:
                message._state.adding = False
                message._state.db = connection.alias
            # An emailed answer's outbox row is written here, in this transaction (the mail
            # app's receiver; helpdesk.signals).
            signals.message_posted.send(sender=Message, message=message, may_email=emails)
            realtime.conversation_event(conversation.pk, "message", seq=seq, id=message.pk,
                                        internal=not message_kind_visible(kind=kind, as_agent=False))
            return Posted(message, True)
    except IntegrityError:
        # The client id was used before (a resend, or a concurrent post that won the race):
        # everything above rolled back; return the message that has it.
        if client_id:
            existing = Message.objects.filter(
                conversation_id=conversation.pk, author=author, client_id=client_id
            ).first()
            if existing is not None:
                return Posted(existing, False)
        raise


_DUE_SQL = sla.due_sql("helpdesk_conversation", lambda name: f"%({name})s")[0]
# Built from constants (no input reaches the SQL text; values are parameters).
_BUMP_SQL = """UPDATE helpdesk_conversation SET last_seq = last_seq + 1, updated_at = %(now)s,
    first_response_at = CASE WHEN %(first)s AND first_response_at IS NULL THEN %(now)s
                             ELSE first_response_at END, """ + _DUE_SQL + """
    WHERE id = %(conv)s RETURNING last_seq, first_response_at"""  # noqa: S608
_POST_SQL_PG = """WITH c AS (
    UPDATE helpdesk_conversation SET last_seq = last_seq + 1, updated_at = %(now)s,
    first_response_at = CASE WHEN %(first)s AND first_response_at IS NULL THEN %(now)s
                             ELSE first_response_at END, """ + _DUE_SQL + """
    WHERE id = %(conv)s RETURNING last_seq, first_response_at)
INSERT INTO helpdesk_message (conversation_id, seq, author_id, author_role, kind, body,
                              client_id, event, created_at, read_at)
SELECT %(conv)s, c.last_seq, CAST(%(author)s AS bigint), %(role)s, %(kind)s, %(body)s,
       %(client_id)s, %(event)s, %(now)s, NULL FROM c
RETURNING id, seq, (SELECT first_response_at FROM c)"""  # noqa: S608


def _sql_one(sql: str, params: dict):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def event_post(*, conversation: Conversation, event: str, name: str = "") -> Posted:
    """Record a system event ("assigned", "resolved", ...) in the conversation's timeline."""
    return message_post(conversation=conversation, author=None, author_role=AuthorRole.SYSTEM,
                        body=name, kind=MessageKind.EVENT, event=event, allow_empty=True)
