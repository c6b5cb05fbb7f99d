"""Opening conversations and posting messages.

Sequence numbers: each message takes ``conversation.last_seq + 1`` while the conversation row is
locked, so numbers follow commit order with no gaps. A non-empty ``client_id`` makes posting
idempotent per author: posting again returns the message that already exists.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Topic
from helpdesk import realtime
from helpdesk.models import AuthorRole, Channel, Conversation, Message, MessageKind, Status

MAX_BODY_LENGTH = 5000


@dataclass(frozen=True)
class Posted:
    message: Message
    created: bool


def message_payload(message: Message) -> dict:
    """The public form of a message, as clients receive it (never for internal notes)."""
    return {
        "id": message.pk,
        "seq": message.seq,
        "conversation": message.conversation.reference,
        "author_role": message.author_role,
        "author_name": message.author.get_short_name() if message.author else "",
        "kind": message.kind,
        "body": message.body,
        "client_id": message.client_id,
        "created_at": message.created_at.isoformat(),
    }


def _clean_body(body: str) -> str:
    body = (body or "").strip()
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
) -> Posted:
    """Add a message to ``conversation``; broadcast it after commit.

    Returns the existing message (``created=False``) when ``author`` already posted one with
    ``client_id``.
    """
    body = _clean_body(body)
    if not body and not allow_empty:
        raise ValidationError(_("Write a message first."), code="empty")
    client_id = (client_id or "")[:64]
    try:
        with transaction.atomic():
            conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
            if client_id:
                existing = Message.objects.filter(
                    conversation=conv, author=author, client_id=client_id
                ).first()
                if existing is not None:
                    return Posted(existing, False)
            now = timezone.now()
            conv.last_seq += 1
            fields = ["last_seq", "updated_at"]
            if (author_role == AuthorRole.AGENT and kind == MessageKind.MESSAGE
                    and conv.first_response_at is None):
                conv.first_response_at = now
                fields.append("first_response_at")
            conv.save(update_fields=fields)
            message = Message.objects.create(
                conversation=conv, seq=conv.last_seq, author=author, author_role=author_role,
                kind=kind, body=body, client_id=client_id, created_at=now,
            )
            message.conversation = conv
            realtime.broadcast_on_commit(
                realtime.conversation_group(conv.pk),
                {"type": "conversation.message", "seq": message.seq, "id": message.pk,
                 "internal": kind == MessageKind.NOTE},
            )
            return Posted(message, True)
    except IntegrityError:
        # A concurrent post with the same client id won the race: return its message.
        if client_id:
            existing = Message.objects.filter(
                conversation_id=conversation.pk, author=author, client_id=client_id
            ).first()
            if existing is not None:
                return Posted(existing, False)
        raise


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
) -> Conversation:
    """Open a conversation for ``customer``, its first message being ``description``.

    ``order``, when given, must belong to ``customer``. Chats start waiting in the queue;
    other channels start open.
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
    now = timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.create(
            customer=customer, channel=channel, topic=topic, order=order,
            subject=subject[:200] or description[:80],
            language=language or customer.language,
            status=Status.WAITING if channel == Channel.CHAT else Status.OPEN,
            created_at=now, queued_at=now if channel == Channel.CHAT else None,
        )
        message_post(conversation=conversation, author=customer,
                     author_role=AuthorRole.CUSTOMER, body=description, client_id=client_id)
    return conversation
