"""Opening conversations and posting messages.

Sequence numbers: each message takes ``conversation.last_seq + 1`` while the conversation row is
locked, so numbers follow commit order with no gaps. A non-empty ``client_id`` makes posting
idempotent per author: posting again returns the message that already exists.
"""

import contextlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import Topic
from helpdesk import realtime
from helpdesk.models import AuthorRole, Channel, Conversation, Message, MessageKind, Status

MAX_BODY_LENGTH = 5000

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
}


def event_text(event: str, name: str) -> str:
    template = EVENT_TEXTS.get(event)
    return str(template) % {"name": name} if template is not None else name


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
    from django.urls import reverse

    if kind == MessageKind.EVENT and event:
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
             "url": reverse("chat:attachment" if a.is_inline_image
                            else "email:attachment_download", args=[a.pk])}
            for a in attachments
        ],
    }


def _clean_body(body: str) -> str:
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
    """Add a message to ``conversation``; broadcast it after commit.

    Returns the existing message (``created=False``) when ``author`` already posted one with
    ``client_id``.
    """
    body = _clean_body(body)
    if not body and not allow_empty:
        raise ValidationError(_("Write a message first."), code="empty")
    client_id = (client_id or "")[:64]
    if not text_storable(client_id):
        raise ValidationError(_("The message id contains characters that cannot be stored."),
                              code="invalid_client_id")
    now = timezone.now()
    first_response = author_role == AuthorRole.AGENT and kind == MessageKind.MESSAGE
    emails = first_response and conversation.channel in (Channel.EMAIL, Channel.WEB)
    values = {"conv": conversation.pk, "author": getattr(author, "pk", None),
              "role": author_role, "kind": kind, "body": body, "client_id": client_id,
              "now": now, "event": event, "first": first_response}
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
                # the sequence increment too (docs/performance.md, "Live chat").
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
            # every message would pay the lookup (docs/performance.md, "Live chat").
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
            if emails:
                # The reply's email is written in this transaction (helpdesk.mail.outbox).
                from helpdesk.mail.outbound import email_reply_enqueue

                email_reply_enqueue(message=message)
            realtime.conversation_event(conversation.pk, "message", seq=seq, id=message.pk,
                                        internal=kind == MessageKind.NOTE)
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


_BUMP_SQL = """UPDATE helpdesk_conversation SET last_seq = last_seq + 1, updated_at = %(now)s,
    first_response_at = CASE WHEN %(first)s AND first_response_at IS NULL THEN %(now)s
                             ELSE first_response_at END
    WHERE id = %(conv)s RETURNING last_seq, first_response_at"""
_POST_SQL_PG = """WITH c AS (
    UPDATE helpdesk_conversation SET last_seq = last_seq + 1, updated_at = %(now)s,
    first_response_at = CASE WHEN %(first)s AND first_response_at IS NULL THEN %(now)s
                             ELSE first_response_at END
    WHERE id = %(conv)s RETURNING last_seq, first_response_at)
INSERT INTO helpdesk_message (conversation_id, seq, author_id, author_role, kind, body,
                              client_id, event, created_at, read_at)
SELECT %(conv)s, c.last_seq, CAST(%(author)s AS bigint), %(role)s, %(kind)s, %(body)s,
       %(client_id)s, %(event)s, %(now)s, NULL FROM c
RETURNING id, seq, (SELECT first_response_at FROM c)"""


def _sql_one(sql: str, params: dict):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def published_article_id(value) -> int | None:
    """``value`` as the id of a published help article, or None (never an error: the id may
    come from a form field anyone can forge, or name an article unpublished since)."""
    from faq.models import Article, ArticleStatus

    if isinstance(value, str):
        value = value.strip()
        value = int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**63:
        return None
    exists = Article.objects.filter(pk=value, status=ArticleStatus.PUBLISHED).exists()
    return value if exists else None


def conversation_open(
    *,
    customer,
    channel: str,
    topic: str,
    description: str,
    order=None,
    subject: str = "",
    language: str | None = None,
    client_id: str = "",
    source_article_id: int | str | None = None,
) -> Conversation:
    """Open a conversation for ``customer``, its first message being ``description``.

    ``order``, when given, must belong to ``customer``. Chats start waiting in the queue;
    other channels start open. ``source_article_id`` names the help article the customer read
    just before (``helpdesk.attribution``); anything but a published article's id is ignored.
    """
    if topic not in Topic.values:
        raise ValidationError({"topic": _("Choose a topic from the list.")})
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    if order is not None and order.customer_id != customer.pk:
        raise ValidationError({"order": _("Choose one of your own orders.")})
    description = _clean_body(description)
    if not description:
        raise ValidationError({"description": _("Tell us briefly what happened.")})
    source_article_id = published_article_id(source_article_id)
    now = timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.create(
            customer=customer, channel=channel, topic=topic, order=order,
            source_article_id=source_article_id,
            subject=subject[:200] or description[:80],
            language=language or customer.language,
            status=Status.WAITING if channel == Channel.CHAT else Status.OPEN,
            created_at=now, queued_at=now if channel == Channel.CHAT else None,
        )
        message_post(conversation=conversation, author=customer,
                     author_role=AuthorRole.CUSTOMER, body=description, client_id=client_id)
        if channel == Channel.CHAT:
            _queue_changed_on_commit()
        realtime.inbox_changed()
    return conversation


# --- Live chat ------------------------------------------------------------------------------

CLOSED_STATUSES = (Status.RESOLVED, Status.CLOSED)


def _queue_changed_on_commit() -> None:
    """The waiting set changed: tell the waiting customers and try to assign (after commit)."""
    from helpdesk import tasks

    realtime.queue_changed()
    tasks.chat_assign.delay_on_commit()


def event_post(*, conversation: Conversation, event: str, name: str = "") -> Posted:
    """Record a system event ("assigned", "resolved", ...) in the conversation's timeline."""
    return message_post(conversation=conversation, author=None, author_role=AuthorRole.SYSTEM,
                        body=name, kind=MessageKind.EVENT, event=event, allow_empty=True)


def chat_message_send(
    *,
    conversation: Conversation,
    user,
    as_agent: bool,
    body: str,
    client_id: str,
    internal: bool = False,
    allow_empty: bool = False,
) -> Posted:
    """Post a message (or, for agents, an internal note) from the chat.

    The caller got ``conversation`` from ``access_conversation`` for ``user``. A customer's
    message to a resolved chat is refused; an agent's reply to an unassigned waiting chat
    takes it. Resending with the same ``client_id`` returns the first message.
    """
    if internal and not as_agent:
        raise ValidationError(_("Only agents can write internal notes."), code="forbidden")
    if client_id and conversation.status in CLOSED_STATUSES and not internal:
        # A resend of a message posted before the chat closed still gets its first answer.
        # (While the chat is open, message_post looks the client id up under the row lock.)
        existing = Message.objects.filter(conversation=conversation, author=user,
                                          client_id=client_id[:64]).first()
        if existing is not None:
            return Posted(existing, False)
    if conversation.status in CLOSED_STATUSES and not internal:
        raise ValidationError(_("This conversation is closed. Start a new one if you need help."),
                              code="closed")
    posted = message_post(
        conversation=conversation, author=user,
        author_role=AuthorRole.AGENT if as_agent else AuthorRole.CUSTOMER, body=body,
        kind=MessageKind.NOTE if internal else MessageKind.MESSAGE, client_id=client_id,
        allow_empty=allow_empty,
    )
    if posted.created and not internal:
        chat_message_followup(conversation=conversation, user=user, as_agent=as_agent)
    return posted


def chat_message_followup(*, conversation: Conversation, user, as_agent: bool) -> None:
    """What a new chat message changes besides itself: an agent's answer takes an unassigned
    waiting chat; a customer's answer reopens a chat that was waiting for them."""
    if as_agent and conversation.status == Status.WAITING and conversation.assignee_id is None:
        from helpdesk.services.assignment import conversation_assign

        conversation_assign(conversation=conversation, agent=user)
    elif not as_agent and conversation.status == Status.PENDING:
        _status_set(conversation, Status.OPEN)


def conversation_reopen(*, conversation: Conversation, by) -> Conversation:
    """Open a resolved or closed conversation again and record a "reopened" event.

    ``by`` is the customer or an agent who may see it (the caller checked access). A chat
    keeps its agent; a survey still scheduled is dropped by its step (helpdesk.surveys).
    Reopening an open conversation changes nothing.
    """
    with transaction.atomic():
        conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conv.status not in CLOSED_STATUSES:
            return conv
        conv.status = Status.OPEN
        conv.resolved_at = None
        conv.save(update_fields=["status", "resolved_at", "updated_at"])
        event_post(conversation=conv, event="reopened")
        realtime.conversation_event(conv.pk, "state")
        realtime.inbox_changed()
    conversation.status, conversation.resolved_at = conv.status, conv.resolved_at
    return conv


def request_reply(*, conversation: Conversation, customer, body: str,
                  client_id: str = "") -> Posted:
    """The customer's reply from "My requests"; a resolved or closed conversation reopens.

    The caller got ``conversation`` from ``access_conversation`` for ``customer``. Sending
    again with the same ``client_id`` returns the first message and reopens nothing.
    """
    if conversation.customer_id != customer.pk:
        raise ValidationError(_("Only the customer can reply here."), code="forbidden")
    if client_id and Message.objects.filter(conversation=conversation, author=customer,
                                            client_id=client_id[:64]).exists():
        return chat_message_send(conversation=conversation, user=customer, as_agent=False,
                                 body=body, client_id=client_id)
    if not _clean_body(body):
        raise ValidationError({"body": _("Write a message first.")})
    with transaction.atomic():
        if conversation.status in CLOSED_STATUSES:
            conversation_reopen(conversation=conversation, by=customer)
        return chat_message_send(conversation=conversation, user=customer, as_agent=False,
                                 body=body, client_id=client_id)


def note_add(*, conversation: Conversation, agent, body: str, client_id: str = "") -> Posted:
    """An internal note: agents see it, the customer never does (socket, page, email, export)."""
    return chat_message_send(conversation=conversation, user=agent, as_agent=True, body=body,
                             client_id=client_id, internal=True)


def _status_set(conversation: Conversation, status: str) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(status=status, updated_at=timezone.now())
    conversation.status = status
    realtime.conversation_event(conversation.pk, "state")
    realtime.inbox_changed()


def conversation_resolve(*, conversation: Conversation, by) -> Conversation:
    """Mark the conversation resolved; the customer is asked for a rating and gets the
    transcript by email (chats)."""
    from helpdesk import tasks

    with transaction.atomic():
        conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conv.status in CLOSED_STATUSES:
            return conv
        was_waiting = conv.status == Status.WAITING
        conv.status = Status.RESOLVED
        conv.resolved_at = timezone.now()
        conv.save(update_fields=["status", "resolved_at", "updated_at"])
        event_post(conversation=conv, event="resolved")
        realtime.conversation_event(conv.pk, "state")
        realtime.inbox_changed()
        if was_waiting:
            realtime.queue_changed()
        if conv.channel == Channel.CHAT:
            tasks.chat_transcript_send.delay_on_commit(conv.pk)
            # A slot is free: someone waiting may get this agent now.
            tasks.chat_assign.delay_on_commit()
    return conv


def conversation_rate(*, conversation: Conversation, customer, score: int, comment: str = ""):
    """The customer's 1-5 rating of a resolved chat (a second rating replaces the first)."""
    from helpdesk.models import RatingSource, SatisfactionRating

    if conversation.customer_id != customer.pk:
        raise ValidationError(_("Only the customer can rate this conversation."), code="forbidden")
    if conversation.status not in CLOSED_STATUSES:
        raise ValidationError(_("You can rate the conversation once it is resolved."),
                              code="not_resolved")
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose from 1 to 5 stars.")})
    comment = (comment or "").strip()[:MAX_BODY_LENGTH]
    rating, _created = SatisfactionRating.objects.update_or_create(
        conversation=conversation,
        defaults={"score": score, "comment": comment, "source": RatingSource.CHAT,
                  "created_at": timezone.now()},
    )
    return rating


def conversation_update(*, conversation: Conversation, by, topic: str | None = None,
                        priority: int | None = None) -> Conversation:
    """Set the topic and/or priority (agents)."""
    from helpdesk.models import Priority

    fields = []
    if topic is not None:
        if topic not in Topic.values:
            raise ValidationError({"topic": _("Choose a topic from the list.")})
        conversation.topic = topic
        fields.append("topic")
    if priority is not None:
        if int(priority) not in Priority.values:
            raise ValidationError({"priority": _("Choose a priority from the list.")})
        conversation.priority = int(priority)
        fields.append("priority")
    if fields:
        conversation.save(update_fields=[*fields, "updated_at"])
        realtime.conversation_event(conversation.pk, "state")
        realtime.inbox_changed()
    return conversation


def transcript_send(*, conversation: Conversation) -> bool:
    """Email the chat's transcript to the customer, in their language; never internal notes.

    Sent at most once per conversation (a cache mark guards retries after a sent mail).
    """
    from django.conf import settings
    from django.core.cache import cache
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.utils import translation

    from helpdesk.selectors import messages_visible_to

    customer = conversation.customer
    if not customer.is_active or not customer.email:
        return False
    mark = f"chat:transcript:{conversation.pk}"
    if not cache.add(mark, 1, timeout=7 * 24 * 3600):
        return False
    with translation.override(customer.language):
        messages = [message_payload(m, list(m.attachments.all()))
                    for m in messages_visible_to(conversation=conversation, as_agent=False)]
        subject = _("Your chat %(reference)s") % {"reference": conversation.reference}
        body = render_to_string("chat/email/transcript.txt", {
            "conversation": conversation, "messages": messages, "customer": customer,
            "site_url": settings.SITE_URL,
        })
    try:
        # X-Helpdesk-Kind: the outbox's label for it (the outbox backend removes the header).
        EmailMessage(subject=subject, body=body, to=[customer.email],
                     headers={"X-Helpdesk-Kind": "transcript"}).send()
    except Exception:
        cache.delete(mark)
        raise
    return True
