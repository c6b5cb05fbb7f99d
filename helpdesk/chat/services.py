"""What the chat changes besides messages: read receipts."""

from django.db import transaction
from django.utils import timezone

from helpdesk import realtime
from helpdesk.chat.models import ReadReceipt
from helpdesk.models import AuthorRole, Conversation, Message, MessageKind


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
