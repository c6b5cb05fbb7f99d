"""The outbox: every email the help desk sends is a row first, then a delivery.

``outbox_enqueue`` writes the row inside the caller's transaction and schedules
``helpdesk.tasks.email_send`` after commit, so a rolled-back change sends nothing and a
committed one is never forgotten: ``outbox_sweep`` (beat) re-schedules rows whose task was lost
(the broker restarted, a worker died). ``outbox_deliver`` claims a row with one conditional
UPDATE, so two workers never send it at once, and sends it with a bounded timeout.

At least once, never twice in practice: the only window for a duplicate is a worker dying
after the mail server accepted the message and before the row was marked sent; the retry then
carries the same Message-ID, which receivers use to drop the copy.
"""

import logging
import smtplib
import socket
from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from helpdesk.email.addresses import address_format, header_clean
from helpdesk.models import OutboundEmail, OutboundStatus

logger = logging.getLogger(__name__)

OUTBOX_BACKEND = "helpdesk.email.backend.OutboxBackend"
# Headers a caller may set; everything else (From, To, Subject, Message-ID) comes from fields.
ALLOWED_HEADERS = {"In-Reply-To", "References", "Auto-Submitted", "X-Auto-Response-Suppress",
                   "List-Unsubscribe", "List-Unsubscribe-Post", "Precedence",
                   "Content-Language"}


def message_id_new() -> str:
    return make_msgid(domain=settings.HELPDESK_REPLY_DOMAIN)


def outbox_enqueue(
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
) -> OutboundEmail:
    """Write an email to the outbox; it is sent after the surrounding transaction commits.

    ``to`` holds ``(email, name)`` pairs or ready ``"Name <email>"`` strings (already formatted
    by ``address_format``). A second call with the same ``dedupe_key`` returns the first row.
    Raises ValueError for an invalid recipient address.
    """
    from helpdesk import tasks

    recipients = [address_format(*r) if isinstance(r, tuple) else _checked(r) for r in to]
    if not recipients:
        raise ValueError("no recipient")
    clean_headers = {}
    for name, value in (headers or {}).items():
        if name not in ALLOWED_HEADERS:
            raise ValueError(f"header {name!r} is not allowed")
        clean_headers[name] = header_clean(value, 2000)
    now = timezone.now()
    row = OutboundEmail(
        kind=kind, conversation=conversation, conversation_message=message,
        dedupe_key=dedupe_key[:120],
        message_id=message_id or message_id_new(),
        from_email=_checked(from_email or settings.DEFAULT_FROM_EMAIL),
        to=recipients, reply_to=_checked(reply_to) if reply_to else "",
        subject=header_clean(subject, 255), body_text=body_text, body_html=body_html,
        headers=clean_headers, next_attempt_at=now, created_at=now,
    )
    if dedupe_key:
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
    tasks.email_send.delay_on_commit(row.pk)
    return row


def _checked(formatted: str) -> str:
    """A ready ``Name <email>`` string, re-built safely (rejects CR/LF and lists)."""
    from email.utils import getaddresses

    if any(c in formatted for c in "\r\n"):
        raise ValueError("invalid address")
    parsed = getaddresses([formatted])
    if len(parsed) != 1 or not parsed[0][1]:
        raise ValueError("invalid address")
    return address_format(parsed[0][1], parsed[0][0])


# --- Delivery ---------------------------------------------------------------------------------


class TemporaryFailure(Exception):
    """The mail server said "try later" (4xx), or could not be reached, or timed out."""

    def __init__(self, error: str, retry_in: float):
        super().__init__(error)
        self.retry_in = retry_in


@dataclass(frozen=True)
class Delivery:
    outcome: str  # "sent", "failed", "skipped" (not ours to send now), "retry"
    retry_in: float = 0


def _delivery_backend() -> str:
    """The backend that talks to the mail server: EMAIL_DELIVERY_BACKEND when EMAIL_BACKEND is
    the outbox (the default), else EMAIL_BACKEND itself."""
    from django.core.exceptions import ImproperlyConfigured

    backend = settings.EMAIL_BACKEND
    if backend == OUTBOX_BACKEND:
        backend = settings.EMAIL_DELIVERY_BACKEND
    if backend == OUTBOX_BACKEND:
        raise ImproperlyConfigured("EMAIL_DELIVERY_BACKEND cannot be the outbox itself")
    return backend


def _is_temporary(exc: Exception) -> bool | None:
    """True: retry; False: permanent; None: not a mail error (a bug: let it raise)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return any(400 <= c < 500 for c in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return not 500 <= exc.smtp_code < 600
    if isinstance(exc, smtplib.SMTPException | ConnectionError | TimeoutError | socket.timeout
                  | OSError):
        return True
    return None


def backoff_seconds(attempts: int) -> float:
    """30 s, 1 min, 2 min, ... capped at EMAIL_RETRY_MAX_SECONDS."""
    base = settings.EMAIL_RETRY_BASE_SECONDS
    return min(base * 2 ** max(0, attempts - 1), settings.EMAIL_RETRY_MAX_SECONDS)


def outbox_claim(*, outbound_id: int) -> OutboundEmail | None:
    """Take the row for sending: pending and due, or sending with an expired claim.

    One conditional UPDATE, so of two workers only one gets it. Returns the claimed row.
    """
    now = timezone.now()
    lease = timedelta(seconds=settings.EMAIL_SEND_LEASE_SECONDS)
    claimed = OutboundEmail.objects.filter(
        Q(status=OutboundStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=OutboundStatus.SENDING, claimed_at__lt=now - lease),
        pk=outbound_id,
    ).update(status=OutboundStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return OutboundEmail.objects.get(pk=outbound_id)


def outbound_message(row: OutboundEmail, connection=None) -> EmailMultiAlternatives:
    """The email of ``row``, with its fixed Message-ID."""
    headers = {**row.headers, "Message-ID": row.message_id}
    message = EmailMultiAlternatives(
        subject=row.subject, body=row.body_text, from_email=row.from_email, to=row.to,
        reply_to=[row.reply_to] if row.reply_to else None, headers=headers,
        connection=connection,
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    return message


def outbox_deliver(*, outbound_id: int, connection=None) -> Delivery:
    """Claim and send one outbox row; record the outcome.

    Temporary failures put the row back as pending with a backoff (``Delivery("retry")``)
    until EMAIL_MAX_ATTEMPTS; permanent ones (5xx) mark it failed. Never raises for mail
    errors. ``connection``: an open backend connection to reuse (the benchmark's workers).
    """
    row = outbox_claim(outbound_id=outbound_id)
    if row is None:
        return Delivery("skipped")
    try:
        conn = connection or get_connection(_delivery_backend(),
                                            timeout=settings.EMAIL_TIMEOUT)
        outbound_message(row, conn).send()
    except Exception as exc:
        temporary = _is_temporary(exc)
        if temporary is None:
            # Not a mail error: give the row back for the sweeper, then let the bug surface.
            _release(row, f"{type(exc).__name__}: {exc}", backoff_seconds(row.attempts))
            raise
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if temporary and row.attempts < settings.EMAIL_MAX_ATTEMPTS:
            delay = backoff_seconds(row.attempts)
            _release(row, error, delay)
            logger.warning("email %s: temporary failure (attempt %d): %s", row.pk,
                           row.attempts, error)
            return Delivery("retry", delay)
        OutboundEmail.objects.filter(pk=row.pk, status=OutboundStatus.SENDING).update(
            status=OutboundStatus.FAILED, last_error=error)
        logger.error("email %s failed for good: %s", row.pk, error)
        return Delivery("failed")
    OutboundEmail.objects.filter(pk=row.pk).update(status=OutboundStatus.SENT,
                                                   sent_at=timezone.now(), last_error="")
    return Delivery("sent")


def _release(row: OutboundEmail, error: str, delay: float) -> None:
    OutboundEmail.objects.filter(pk=row.pk, status=OutboundStatus.SENDING).update(
        status=OutboundStatus.PENDING, last_error=error[:2000],
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
    )


def outbox_sweep(*, limit: int = 1000) -> int:
    """Re-schedule rows nobody is sending: pending past the grace period, or claimed by a
    worker whose lease ran out (it died). Returns how many tasks were sent."""
    from helpdesk import tasks

    now = timezone.now()
    grace = timedelta(seconds=settings.EMAIL_SWEEP_GRACE_SECONDS)
    lease = timedelta(seconds=settings.EMAIL_SEND_LEASE_SECONDS)
    ids = list(
        OutboundEmail.objects.filter(
            Q(status=OutboundStatus.PENDING, next_attempt_at__lte=now - grace)
            | Q(status=OutboundStatus.SENDING, claimed_at__lt=now - lease)
        ).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        tasks.email_send.delay(pk)
    if ids:
        logger.info("outbox sweep re-scheduled %d emails", len(ids))
    return len(ids)


def outbox_retry(*, outbound_ids) -> int:
    """Send failed (or still pending) rows again, now, with a fresh allowance of attempts.

    Sent rows and rows a worker holds are left alone. The tasks leave after commit; the
    Message-ID stays the same. Returns how many rows were re-queued.
    """
    from helpdesk import tasks

    with transaction.atomic():
        ids = list(OutboundEmail.objects.select_for_update().filter(
            pk__in=list(outbound_ids),
            status__in=[OutboundStatus.FAILED, OutboundStatus.PENDING],
        ).values_list("pk", flat=True))
        OutboundEmail.objects.filter(pk__in=ids).update(
            status=OutboundStatus.PENDING, attempts=0, next_attempt_at=timezone.now(),
            claimed_at=None)
        for pk in ids:
            tasks.email_send.delay_on_commit(pk)
    if ids:
        logger.info("outbox: %d emails re-queued by hand", len(ids))
    return len(ids)
