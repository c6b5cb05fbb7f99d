"""Macros: a canned reply (``CannedReply``) plus actions, applied in one step.

``macro_apply`` posts the reply through ``chat_message_send`` (so an email conversation's answer
leaves by email and a chat's reaches the customer's socket, as any agent reply), then adds the
tags, sets topic and priority, transfers to the team and sets the status through their own
services, and counts the use (``MacroUse``), all in one transaction: when a step fails nothing
of the others stays. Personal macros (an ``owner``) are written here by their owner; the
managers' team and global macros through ``services.configuration`` (the admin).
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common.errors import NotFound
from helpdesk.access import is_support_staff
from helpdesk.models import CannedReply, Conversation, MacroUse, Status, Tag
from helpdesk.services.conversations import (
    chat_message_send,
    conversation_resolve,
    conversation_transfer,
    conversation_update,
    conversation_wait_for_customer,
)
from helpdesk.services.tags import conversation_tags_add

MAX_PERSONAL_MACROS = 100


def macros_visible(*, user) -> QuerySet[CannedReply]:
    """The macros ``user`` may apply: their own personal ones, their teams' ones and those of
    no team (global). Nobody sees another person's personal macros."""
    if not is_support_staff(user):
        return CannedReply.objects.none()
    return CannedReply.objects.filter(
        Q(owner=user)
        | Q(owner__isnull=True, team__isnull=True)
        | Q(owner__isnull=True, team__in=user.teams.values("pk"))
    )


def macros_for_conversation(*, user, conversation: Conversation) -> list[CannedReply]:
    """The macros offered in ``conversation``: visible to ``user``, in its language, of its
    topic or of none; with what the console shows of their actions."""
    qs = (macros_visible(user=user).filter(language=conversation.language)
          .filter(Q(topic="") | Q(topic=conversation.topic))
          .select_related("transfer_team").prefetch_related("tags").order_by("title"))
    return list(qs[:200])


def access_macro(*, user, pk, own: bool = False) -> CannedReply:
    """The macro ``pk`` if ``user`` may apply it (``own``: if it is their personal macro)."""
    qs = macros_visible(user=user)
    if own:
        qs = qs.filter(owner=user)
    try:
        return qs.get(pk=int(pk))
    except (CannedReply.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(pk) from None


# --- placeholders ---------------------------------------------------------------------------
def macro_values(conversation: Conversation, agent) -> dict[str, str]:
    """The values a macro's placeholders take in this conversation: the customer, the order
    and its latest shipment's tracking, the agent (labels in the conversation's language)."""
    order = conversation.order
    values = {
        "customer_name": conversation.customer.get_short_name(),
        "customer_email": conversation.customer.email,
        "order_number": order.number if order else "",
        "carrier": "", "tracking_number": "", "tracking_status": "", "estimated_delivery": "",
        "agent_name": agent.get_short_name(),
        "reference": conversation.reference,
    }
    if order is None:
        return values
    shipment = order.shipments.order_by("-id").first()
    if shipment is None:
        return values
    event = shipment.events.order_by("-occurred_at", "-id").first()
    with translation.override(conversation.language):
        status = event.get_status_display() if event else shipment.get_status_display()
        if event is not None and event.location:
            status = f"{status}, {event.location}"
        values.update(
            carrier=shipment.carrier, tracking_number=shipment.tracking_number,
            tracking_status=str(status),
            estimated_delivery=(shipment.estimated_delivery.isoformat()
                                if shipment.estimated_delivery else ""),
        )
    return values


def macro_text(macro: CannedReply, values: dict[str, str]) -> str:
    """Fill a macro's placeholders with ``values`` (unknown ones stay as typed)."""

    class _Keep(dict):
        def __missing__(self, key):
            return "{" + key + "}"

    try:
        return macro.body.format_map(_Keep(values))
    except (ValueError, IndexError, AttributeError, KeyError, TypeError):
        # A reply staff typed with a stray brace is sent as typed, never an error page.
        return macro.body


# --- applying -------------------------------------------------------------------------------
def macro_apply(*, conversation: Conversation, macro: CannedReply, by,
                body: str | None = None) -> MacroUse:
    """Apply ``macro`` to ``conversation`` as agent ``by``: the reply (``body``, the text as the
    agent edited it; None: the macro's own text filled in; empty: no reply), then the tags,
    topic and priority, the transfer and the status. One transaction: a failing step raises
    its ``ValidationError`` and leaves the conversation as it was.

    The caller got ``conversation`` from ``access_conversation`` for ``by``; the macro must be
    one ``by`` may see (``macros_visible``).
    """
    if not is_support_staff(by) or not macros_visible(user=by).filter(pk=macro.pk).exists():
        raise PermissionDenied
    if body is None:
        body = macro_text(macro, macro_values(conversation, by))
    try:
        with transaction.atomic():
            if body.strip():
                chat_message_send(conversation=conversation, user=by, as_agent=True, body=body,
                                  client_id="")
            conversation_tags_add(conversation=conversation, by=by, tags=macro.tags.all())
            if macro.set_topic or macro.set_priority:
                conversation_update(conversation=conversation, by=by,
                                    topic=macro.set_topic or None,
                                    priority=macro.set_priority or None)
            if macro.transfer_team_id is not None and conversation.team_id != macro.transfer_team_id:
                conversation_transfer(conversation=conversation, by=by,
                                      to_team=macro.transfer_team)
            if macro.set_status == Status.RESOLVED:
                conversation_resolve(conversation=conversation, by=by)
            elif macro.set_status == Status.PENDING:
                conversation.refresh_from_db(fields=["status"])
                conversation_wait_for_customer(conversation=conversation, by=by)
            return MacroUse.objects.create(macro=macro, agent=by, conversation=conversation,
                                           used_at=timezone.now())
    except Exception:
        # The services changed the caller's instance as they went; the database rolled back.
        conversation.refresh_from_db()
        raise


# --- personal macros ------------------------------------------------------------------------
def _shortcut_for(owner, title: str) -> str:
    base = f"my{owner.pk}-" + (slugify(title, allow_unicode=False)[:24] or "macro")
    shortcut, n = base, 1
    while CannedReply.objects.filter(shortcut=shortcut).exists():
        n += 1
        shortcut = f"{base}-{n}"
    return shortcut


@transaction.atomic
def macro_personal_save(*, by, macro: CannedReply, tags: Iterable[Tag] = ()) -> CannedReply:
    """Save ``by``'s personal macro ``macro`` (new, or one they own) with its ``tags``.

    A personal macro has no team (only its owner sees it); at most ``MAX_PERSONAL_MACROS``.
    """
    if not is_support_staff(by):
        raise PermissionDenied
    if macro._state.adding:
        if CannedReply.objects.filter(owner=by).count() >= MAX_PERSONAL_MACROS:
            raise ValidationError(
                _("You have %(limit)d personal macros already: delete one first.")
                % {"limit": MAX_PERSONAL_MACROS}, code="too_many")
        macro.owner = by
        macro.shortcut = _shortcut_for(by, macro.title)
    elif macro.owner_id != by.pk or not CannedReply.objects.filter(pk=macro.pk,
                                                                    owner=by).exists():
        raise PermissionDenied
    macro.team = None
    if not macro.body.strip() and not (macro.set_status or macro.set_topic or macro.set_priority
                                       or macro.transfer_team_id or list(tags)):
        raise ValidationError({"body": _("Write a reply or choose at least one action.")})
    macro.full_clean()
    macro.save()
    macro.tags.set(list(tags))
    return macro


@transaction.atomic
def macro_personal_delete(*, by, macro: CannedReply) -> None:
    """Delete ``by``'s own personal macro (its use counts go with it)."""
    if not is_support_staff(by) or macro.owner_id != by.pk:
        raise PermissionDenied
    macro.delete()


def macro_actions_summary(macro: CannedReply) -> str:
    """What applying ``macro`` does besides the reply, in a line (the console shows it)."""
    parts = []
    if macro.set_status:
        parts.append(_("status: %(value)s") % {"value": macro.get_set_status_display()})
    if macro.set_topic:
        parts.append(_("topic: %(value)s") % {"value": macro.get_set_topic_display()})
    if macro.set_priority:
        parts.append(_("priority: %(value)s") % {"value": macro.get_set_priority_display()})
    tags = [t.name for t in macro.tags.all()]
    if tags:
        parts.append(_("tags: %(value)s") % {"value": ", ".join(tags)})
    if macro.transfer_team_id:
        parts.append(_("transfer to %(value)s") % {"value": macro.transfer_team})
    return "; ".join(parts)
