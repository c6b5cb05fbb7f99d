"""The live SLA's periodic work (``sla_run``, Celery beat every minute): warn the assignee before
an answer is due, escalate to the team when it is overdue, close idle chats and conversations
left waiting for the customer.

Each warning and escalation is sent once per due time: it is claimed by one conditional UPDATE
(``sla_warned_at`` / ``sla_breached_at`` still empty, the due time unchanged) in the transaction
that posts it, so two runs at once never send twice and a claim that rolls back sends nothing.
A new due time clears both (``helpdesk.sla``).

How a warning reaches people: a staff-only note by the system in the conversation
("sla_warning" / "sla_breached"; customers never see notes), which the console receives over
the existing realtime events like any message, and an email through the outbox (Django's
``send_mail``: the outbox backend) to the assignee (warning) or to the team's members, or the
managers when the conversation has no team (escalation), each in their own language.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.choices import Role
from helpdesk import business_hours, realtime, sla
from helpdesk.models import AuthorRole, Channel, Conversation, MessageKind, Status
from helpdesk.services.conversations import conversation_resolve
from helpdesk.services.messages import event_post, message_post

logger = logging.getLogger(__name__)

BATCH = 200  # conversations per kind of work per run: a backlog drains over the next runs
OWED_STATUSES = (Status.WAITING, Status.OPEN)
MAX_RECIPIENTS = 50


def _local_time(instant: datetime) -> str:
    return timezone.localtime(instant, business_hours.current().tz).strftime("%H:%M")


def _console_link(conv: Conversation) -> str:
    try:
        path = reverse("helpdesk_console:conversation", args=[conv.reference])
    except NoReverseMatch:  # the console is not installed
        return ""
    return settings.SITE_URL.rstrip("/") + path


def _notify(*, users, conv: Conversation, subject: str, text: str, due: str) -> None:
    """Email each of ``users`` in their language, through the outbox (written in this
    transaction, sent after commit)."""
    for user in users[:MAX_RECIPIENTS]:
        if not user.email or not user.is_active:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            body = str(text) % {"reference": conv.reference, "subject": conv.subject, "due": due}
            link = _console_link(conv)
            send_mail(str(subject) % {"reference": conv.reference}, f"{body}\n\n{link}".strip(),
                      None, [user.email])


def _managers():
    return list(get_user_model().objects.filter(is_active=True, is_staff=True,
                                                groups__name=Role.MANAGER).order_by("pk"))


def _claim(conv_id: int, due: datetime, field: str, now: datetime) -> bool:
    """Set ``field`` (``sla_warned_at`` or ``sla_breached_at``) if still empty for this due
    time; True when this run won it."""
    return Conversation.objects.filter(
        pk=conv_id, response_due_at=due, status__in=OWED_STATUSES, **{f"{field}__isnull": True}
    ).update(**{field: now}) == 1


def sla_warn(*, conversation_id: int, now: datetime) -> bool:
    """Warn the assignee that the answer is due soon (once per due time)."""
    with transaction.atomic():
        conv = Conversation.objects.select_related("assignee").get(pk=conversation_id)
        due = conv.response_due_at
        if due is None or not _claim(conv.pk, due, "sla_warned_at", now):
            return False
        local = _local_time(due)
        message_post(conversation=conv, author=None, author_role=AuthorRole.SYSTEM, body=local,
                     kind=MessageKind.NOTE, event="sla_warning", allow_empty=True)
        realtime.inbox_changed()
        if conv.assignee is not None:
            _notify(users=[conv.assignee], conv=conv, due=local,
                    subject=_("Answer due soon: %(reference)s"),
                    text=_("The answer to %(reference)s (%(subject)s) is due at %(due)s."))
    return True


def sla_escalate(*, conversation_id: int, now: datetime) -> bool:
    """Tell the team (or the managers) that the answer is overdue (once per due time)."""
    with transaction.atomic():
        conv = Conversation.objects.select_related("assignee", "team").get(pk=conversation_id)
        due = conv.response_due_at
        if due is None or not _claim(conv.pk, due, "sla_breached_at", now):
            return False
        # Overdue before anyone was warned: the warning is moot now.
        Conversation.objects.filter(pk=conv.pk, sla_warned_at__isnull=True).update(
            sla_warned_at=now)
        local = _local_time(due)
        message_post(conversation=conv, author=None, author_role=AuthorRole.SYSTEM, body=local,
                     kind=MessageKind.NOTE, event="sla_breached", allow_empty=True)
        realtime.inbox_changed()
        users = (list(conv.team.members.filter(is_active=True, is_staff=True).order_by("pk"))
                 if conv.team is not None else _managers())
        if conv.assignee is not None and conv.assignee not in users:
            users.append(conv.assignee)
        _notify(users=users, conv=conv, due=local,
                subject=_("Answer overdue: %(reference)s"),
                text=_("The answer to %(reference)s (%(subject)s) was due at %(due)s and has "
                       "not been sent."))
    return True


def _auto_close(conversation_id: int, still: Q, kind: str) -> bool:
    """Resolve a conversation that still matches ``still`` (checked under its row lock), with
    a message to the customer in their language: in a chat a system event they see in the
    chat, elsewhere an answer that leaves by email through the reply path."""
    with transaction.atomic():
        conv = (Conversation.objects.select_for_update().filter(still, pk=conversation_id)
                .first())
        if conv is None:
            return False
        if conv.channel == Channel.CHAT:
            event_post(conversation=conv, event=kind)
        else:
            language = conv.language or settings.LANGUAGE_CODE
            with translation.override(language):
                text = _("We have not heard from you for a while, so we closed this request. "
                         "If you still need help, just reply to this message and it opens "
                         "again.")
            message_post(conversation=conv, author=None, author_role=AuthorRole.AGENT,
                         body=text, kind=MessageKind.MESSAGE)
        conversation_resolve(conversation=conv, by=None)
    return True


def _idle_chats(now: datetime) -> Q:
    minutes = getattr(settings, "CHAT_IDLE_CLOSE_MINUTES", 30)
    return Q(channel=Channel.CHAT, status__in=[Status.OPEN, Status.PENDING],
             response_due_at__isnull=True, updated_at__lt=now - timedelta(minutes=minutes))


def _long_pending(now: datetime) -> Q:
    days = getattr(settings, "PENDING_CLOSE_DAYS", 7)
    return Q(status=Status.PENDING, updated_at__lt=now - timedelta(days=days))


def sla_run(*, now: datetime | None = None) -> dict[str, int]:
    """Everything due at ``now``: warnings, escalations, auto-closes (each batch bounded).
    Returns how many of each were done."""
    now = now or timezone.now()
    done = {"warned": 0, "escalated": 0, "closed": 0}
    owed = Conversation.objects.filter(status__in=OWED_STATUSES, response_due_at__isnull=False)
    for pk in owed.filter(response_due_at__lte=now, sla_breached_at__isnull=True).order_by(
            "response_due_at").values_list("pk", flat=True)[:BATCH]:
        done["escalated"] += sla_escalate(conversation_id=pk, now=now)
    for pk in owed.filter(response_due_at__gt=now,
                          response_due_at__lte=now + sla.warning_before(),
                          sla_warned_at__isnull=True).order_by(
            "response_due_at").values_list("pk", flat=True)[:BATCH]:
        done["warned"] += sla_warn(conversation_id=pk, now=now)
    if getattr(settings, "CHAT_IDLE_CLOSE_MINUTES", 30):
        rule = _idle_chats(now)
        for pk in Conversation.objects.filter(rule).values_list("pk", flat=True)[:BATCH]:
            done["closed"] += _auto_close(pk, rule, "idle_closed")
    if getattr(settings, "PENDING_CLOSE_DAYS", 7):
        rule = _long_pending(now)
        for pk in Conversation.objects.filter(rule).values_list("pk", flat=True)[:BATCH]:
            done["closed"] += _auto_close(pk, rule, "pending_closed")
    if any(done.values()):
        logger.info("live SLA: %s", done)
    return done
