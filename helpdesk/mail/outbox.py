"""The outbox: every email the help desk sends is a row first, then a delivery.

``outbox_enqueue`` writes the row inside the caller's transaction and schedules
``helpdesk.mail.send_tasks.email_send`` after commit, so a rolled-back change sends nothing and a
committed one is never forgotten: the beat's sweep (``send_tasks.email_outbox_sweep``) re-schedules
rows whose task was lost (the broker restarted, a worker died). Sending them:
``helpdesk.mail.delivery``.

Two rules hold for every row, whoever wrote it:

- No live link or reply address is stored in the clear: ``outbox_row`` seals them and the
  sender fills them in (``helpdesk.mail.secrets``); the sealed part is wiped once sent.
- Nothing but a proof link goes to the address of an account that has not proved it, checked
  when the row is sent (``helpdesk.mail.delivery``).
"""

import functools
import logging
from email.utils import getaddresses, make_msgid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from helpdesk.mail import send_tasks
from helpdesk.mail.addresses import address_format, header_clean
from helpdesk.mail.models import OutboundEmail, OutboundStatus
from helpdesk.mail.secrets import seal

logger = logging.getLogger(__name__)

# Headers a caller may set; everything else (From, To, Subject, Message-ID) comes from fields.
ALLOWED_HEADERS = {"In-Reply-To", "References", "Auto-Submitted", "X-Auto-Response-Suppress",
                   "List-Unsubscribe", "List-Unsubscribe-Post", "Precedence",
                   "Content-Language"}


def message_id_new() -> str:
    return make_msgid(domain=settings.HELPDESK_REPLY_DOMAIN)


def outbox_enqueue(**fields) -> OutboundEmail:
    """Write an email to the outbox; it is sent after the surrounding transaction commits.

    Takes ``outbox_row``'s keywords. ``to`` holds ``(email, name)`` pairs or ready
    ``"Name <email>"`` strings (already formatted by ``address_format``). A second call with the
    same ``dedupe_key`` returns the first row. Raises ValueError for an invalid recipient address.
    """
    row = outbox_row(**fields)
    if row.dedupe_key:
        existing = OutboundEmail.objects.filter(dedupe_key=row.dedupe_key).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            return OutboundEmail.objects.get(dedupe_key=row.dedupe_key)
    else:
        row.save()
    send_tasks.email_send.delay_on_commit(row.pk)
    return row


def outbox_row(
    *,
    kind: str,
    to: list[tuple[str, str]] | list[str],
    subject: str,
    body_text: str,
    body_html: str = "",
    from_email: str = "",
    reply_to: str = "",
    headers: dict[str, str] | None = None,
    conversation=None,
    message=None,
    dedupe_key: str = "",
    message_id: str = "",
    now=None,
) -> OutboundEmail:
    """An unsaved outbox row, checked and cleaned (for ``outbox_enqueue`` and
    ``outbox_enqueue_many``). Raises ValueError for an invalid recipient or header."""
    recipients = [address_format(*r) if isinstance(r, tuple) else _checked(r) for r in to]
    if not recipients:
        raise ValueError("no recipient")
    clean_headers = {}
    for name, value in (headers or {}).items():
        if name not in ALLOWED_HEADERS:
            raise ValueError(f"header {name!r} is not allowed")
        clean_headers[name] = header_clean(value, 2000)
    now = now or timezone.now()
    names = list(clean_headers)
    (body_text, body_html, reply_to, *values), sealed = seal(
        [body_text, body_html, _checked(reply_to) if reply_to else "",
         *clean_headers.values()])
    return OutboundEmail(
        kind=kind, conversation=conversation, conversation_message=message,
        dedupe_key=dedupe_key[:120],
        message_id=message_id or message_id_new(),
        from_email=_checked(from_email or settings.DEFAULT_FROM_EMAIL),
        to=recipients, reply_to=reply_to,
        subject=header_clean(subject, 255), body_text=body_text, body_html=body_html,
        headers=dict(zip(names, values, strict=True)), sealed=sealed,
        next_attempt_at=now, created_at=now,
    )


def outbox_enqueue_many(*, rows: list[OutboundEmail]) -> list[OutboundEmail]:
    """Write many rows built by ``outbox_row`` in the caller's transaction, in one INSERT.

    Rows whose ``dedupe_key`` is already in the outbox are left out (the caller holds the
    lock that makes its keys its own, e.g. the survey rows). After commit, one
    ``email_send_batch`` task per EMAIL_SEND_BATCH rows claims and sends them (any due rows:
    the tasks take ids from the table, not from the message). Returns the rows written.
    """
    keys = [r.dedupe_key for r in rows if r.dedupe_key]
    if keys:
        taken = set(OutboundEmail.objects.filter(dedupe_key__in=keys)
                    .values_list("dedupe_key", flat=True))
        rows = [r for r in rows if not r.dedupe_key or r.dedupe_key not in taken]
    if not rows:
        return []
    OutboundEmail.objects.bulk_create(rows)
    size = max(1, settings.EMAIL_SEND_BATCH)
    for _ in range(0, len(rows), size):
        send_tasks.email_send_batch.delay_on_commit()
    return rows


@functools.lru_cache(maxsize=256)  # the From address, once per process (profiled: per row)
def _checked(formatted: str) -> str:
    """A ready ``Name <email>`` string, re-built safely (rejects CR/LF and lists)."""
    if any(c in formatted for c in "\r\n"):
        raise ValueError("invalid address")
    parsed = getaddresses([formatted])
    if len(parsed) != 1 or not parsed[0][1]:
        raise ValueError("invalid address")
    return address_format(parsed[0][1], parsed[0][0])


def outbox_retry(*, outbound_ids) -> int:
    """Send failed, withheld (or still pending) rows again, now, with a fresh allowance of
    attempts; a withheld one goes only if its address has been verified since.

    Sent rows and rows a worker holds are left alone. The tasks leave after commit; the
    Message-ID stays the same. Returns how many rows were re-queued.
    """
    with transaction.atomic():
        ids = list(OutboundEmail.objects.select_for_update().filter(
            pk__in=list(outbound_ids),
            status__in=[OutboundStatus.FAILED, OutboundStatus.WITHHELD, OutboundStatus.PENDING],
        ).values_list("pk", flat=True))
        OutboundEmail.objects.filter(pk__in=ids).update(
            status=OutboundStatus.PENDING, attempts=0, next_attempt_at=timezone.now(),
            claimed_at=None)
        for pk in ids:
            send_tasks.email_send.delay_on_commit(pk)
    if ids:
        logger.info("outbox: %d emails re-queued by hand", len(ids))
    return len(ids)
