"""What the chat does besides posting messages: read receipts, and the transcript email of a
resolved chat."""

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from helpdesk import realtime
from helpdesk.chat.models import ReadReceipt
from helpdesk.models import AuthorRole, Conversation, Message, MessageKind
from helpdesk.selectors import messages_visible_to
from helpdesk.services.messages import message_payload


def conversation_read(*, conversation: Conversation, user, as_agent: bool, seq: int) -> int:
    """Record that ``user`` has read ``conversation`` up to ``seq``; return the stored mark.

    Marks only move forward; the other side's messages up to ``seq`` get ``read_at``.
    Broadcasts a read receipt when the mark moved.
    """
    seq = max(0, min(int(seq), conversation.last_seq))
    role = AuthorRole.AGENT if as_agent else AuthorRole.CUSTOMER
    now = timezone.now()
    with transaction.atomic():
        receipt, _created = ReadReceipt.objects.select_for_update().get_or_create(
            conversation=conversation, user=user,
            defaults={"role": role, "seq": 0, "read_at": now},
        )
        if seq <= receipt.seq:
            return receipt.seq
        receipt.seq, receipt.read_at = seq, now
        receipt.save(update_fields=["seq", "read_at"])
        others = (AuthorRole.CUSTOMER,) if as_agent else (AuthorRole.AGENT,)
        Message.objects.filter(
            conversation=conversation, seq__lte=seq, read_at__isnull=True,
            author_role__in=others, kind=MessageKind.MESSAGE,
        ).update(read_at=now)
        realtime.conversation_event(conversation.pk, "read", role=role, seq=seq,
                                    user_id=user.pk)
    return seq


def transcript_send(*, conversation: Conversation) -> bool:
    """Email the chat's transcript to the customer, in their language; never internal notes.

    Sent at most once per conversation (a cache mark guards retries after a sent mail).
    """
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
