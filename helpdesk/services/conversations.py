"""A conversation's life: opening, chat messages and what they change, reopening, resolving,
topic and priority, transfers. Posting a message itself: ``services.messages``; the
customer's rating: ``services.ratings``."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role, Topic
from faq.models import Article, ArticleStatus
from helpdesk import realtime, signals, sla
from helpdesk.models import (
    CLOSED_STATUSES,
    AuthorRole,
    Channel,
    Conversation,
    Message,
    MessageKind,
    Priority,
    Status,
    Team,
)
from helpdesk.services import tasks
from helpdesk.services.assignment import conversation_assign
from helpdesk.services.messages import Posted, event_post, message_body_clean, message_post
from helpdesk.services.routing import WRITTEN_CHANNELS


def published_article_id(value) -> int | None:
    """``value`` as the id of a published help article, or None (never an error: the id may
    come from a form field anyone can forge, or name an article unpublished since)."""
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
    description = message_body_clean(description)
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
        elif channel in WRITTEN_CHANNELS:
            tasks.chat_assign.delay_on_commit()  # written work is assigned by the same rules
        realtime.inbox_changed()
    return conversation


# --- Live chat ------------------------------------------------------------------------------
def _queue_changed_on_commit() -> None:
    """The waiting set changed: tell the waiting customers and try to assign (after commit)."""
    realtime.queue_changed()
    tasks.chat_assign.delay_on_commit()


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


def customer_reply(*, conversation: Conversation, customer, body: str, client_id: str = "",
                   allow_empty: bool = False, reopen: bool = True) -> Posted:
    """The customer's answer outside the live chat ("My requests", an emailed reply).

    A resolved or closed conversation reopens first (``conversation_reopen``: row lock,
    ``resolved_at`` cleared, one "reopened" event), then the message is posted; one that was
    waiting for the customer becomes open. ``reopen=False`` (an auto-reply) posts the message
    and changes nothing else. The one path by which a customer's message reopens a conversation.
    """
    with transaction.atomic():
        if reopen:
            conversation_reopen(conversation=conversation, by=customer)
        posted = message_post(conversation=conversation, author=customer,
                              author_role=AuthorRole.CUSTOMER, body=body, client_id=client_id,
                              allow_empty=allow_empty)
        if reopen and posted.created:
            chat_message_followup(conversation=conversation, user=customer, as_agent=False)
    return posted


def request_reply(*, conversation: Conversation, customer, body: str,
                  client_id: str = "") -> Posted:
    """The customer's reply from "My requests"; a resolved or closed conversation reopens
    (``customer_reply``).

    The caller got ``conversation`` from ``access_conversation`` for ``customer``. Sending
    again with the same ``client_id`` returns the first message and reopens nothing.
    """
    if conversation.customer_id != customer.pk:
        raise ValidationError(_("Only the customer can reply here."), code="forbidden")
    if client_id and Message.objects.filter(conversation=conversation, author=customer,
                                            client_id=client_id[:64]).exists():
        return chat_message_send(conversation=conversation, user=customer, as_agent=False,
                                 body=body, client_id=client_id)
    if not message_body_clean(body):
        raise ValidationError({"body": _("Write a message first.")})
    return customer_reply(conversation=conversation, customer=customer, body=body,
                          client_id=client_id)


def note_add(*, conversation: Conversation, agent, body: str, client_id: str = "") -> Posted:
    """An internal note: agents see it, the customer never does (socket, page, email, export)."""
    return chat_message_send(conversation=conversation, user=agent, as_agent=True, body=body,
                             client_id=client_id, internal=True)


def _status_set(conversation: Conversation, status: str) -> None:
    """The one write of a status that is neither a resolution nor a reopening (those have
    their own services); the live SLA's clock pauses in ``sla.CLEARED_BY``."""
    changes = sla.status_changes(status)
    Conversation.objects.filter(pk=conversation.pk).update(status=status, updated_at=timezone.now(),
                                                           **changes)
    conversation.status = status
    for name, value in changes.items():
        setattr(conversation, name, value)
    realtime.conversation_event(conversation.pk, "state")
    realtime.inbox_changed()


def conversation_resolve(*, conversation: Conversation, by) -> Conversation:
    """Mark the conversation resolved; the customer is asked for a rating, and the apps hear of
    it (``signals.conversation_resolved``: the chat app emails a chat's transcript)."""
    with transaction.atomic():
        conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conv.status in CLOSED_STATUSES:
            return conv
        was_waiting = conv.status == Status.WAITING
        conv.status = Status.RESOLVED
        conv.resolved_at = timezone.now()
        changes = sla.status_changes(conv.status)
        for name, value in changes.items():
            setattr(conv, name, value)
        conv.save(update_fields=["status", "resolved_at", "updated_at", *changes])
        event_post(conversation=conv, event="resolved")
        realtime.conversation_event(conv.pk, "state")
        realtime.inbox_changed()
        if was_waiting:
            realtime.queue_changed()
        signals.conversation_resolved.send(sender=Conversation, conversation=conv)
        if conv.channel == Channel.CHAT or conv.channel in WRITTEN_CHANNELS:
            # A slot is free: someone waiting may get this agent now.
            tasks.chat_assign.delay_on_commit()
    return conv


def conversation_wait_for_customer(*, conversation: Conversation, by) -> Conversation:
    """Mark an open or waiting conversation as waiting for the customer (an agent's action,
    e.g. a macro): the live SLA's clock pauses until the customer writes again (then the
    next-response clock starts; ``chat_message_followup`` opens it again)."""
    if conversation.status in CLOSED_STATUSES:
        raise ValidationError(_("This conversation is closed."), code="closed")
    if conversation.status != Status.PENDING:
        _status_set(conversation, Status.PENDING)
    return conversation


def conversation_update(*, conversation: Conversation, by, topic: str | None = None,
                        priority: int | None = None) -> Conversation:
    """Set the topic and/or priority (agents)."""
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
        if conversation.status == Status.WAITING:
            # The queue's order changed (priority) or who can take it (topic).
            realtime.queue_changed()
        tasks.chat_assign.delay_on_commit()
    return conversation


def conversation_transfer(*, conversation: Conversation, by, to_agent=None,
                          to_team: Team | None = None) -> Conversation:
    """Pass a conversation to another agent (who must be able to take it) or to a team's queue."""
    if (to_agent is None) == (to_team is None):
        raise ValidationError(_("Choose an agent or a team."), code="invalid")
    with transaction.atomic():
        conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conv.status in CLOSED_STATUSES:
            raise ValidationError(_("This conversation is closed."), code="closed")
        if to_agent is not None:
            if not (to_agent.is_active and to_agent.is_staff
                    and to_agent.groups.filter(name=Role.AGENT).exists()):
                raise ValidationError(_("Choose an active agent."), code="invalid")
            conv.assignee = to_agent
            conv.assigned_at = timezone.now()
            if conv.status == Status.WAITING:
                conv.status = Status.OPEN
            conv.save(update_fields=["assignee", "assigned_at", "status", "updated_at"])
            event_post(conversation=conv, event="transferred", name=to_agent.get_short_name())
        else:
            assert to_team is not None  # exactly one of the two, checked above
            conv.team = to_team
            conv.assignee = None
            conv.assigned_at = None
            if conv.channel == Channel.CHAT:
                conv.status = Status.WAITING
                conv.queued_at = conv.queued_at or timezone.now()
            conv.save(update_fields=["team", "assignee", "assigned_at", "status", "queued_at",
                                     "updated_at"])
            event_post(conversation=conv, event="transferred", name=to_team.name)
            realtime.queue_changed()
        realtime.conversation_event(conv.pk, "state")
        realtime.inbox_changed()
    if to_team is not None:
        tasks.chat_assign.delay_on_commit()
    return conv
