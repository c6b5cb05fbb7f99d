"""Sending outbox rows (``helpdesk.mail.outbox`` writes them): claim, send with a bounded
timeout, record the outcome; one row (``outbox_deliver``) or a batch over one connection
(``outbox_deliver_batch``). The tasks of ``helpdesk.mail.send_tasks`` run these.

``outbox_deliver`` claims a row with one conditional UPDATE, so two workers never send it at
once. At least once, never twice in practice: the only window for a duplicate is a worker dying
after the mail server accepted the message and before the row was marked sent; the retry then
carries the same Message-ID, which receivers use to drop the copy.

Nothing but a proof link (kinds ``password`` and ``verify``) goes to the address of an account
that has not proved it (``accounts.selectors.email_trusted``), checked when the row is sent,
so a later verification counts: such a row ends ``withheld`` ("not sent: address not
verified"), never retried by itself. Addresses without an account (a guest's order, a
transcript typed in a form) are sent to: no account claims them, so no one's mail can be read
through them.
"""

import logging
import secrets
import smtplib
import socket
import time
from dataclasses import dataclass
from datetime import timedelta
from email.utils import getaddresses

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import User
from accounts.selectors import email_trusted
from helpdesk.mail.models import OutboundEmail, OutboundKind, OutboundStatus
from helpdesk.mail.secrets import SealBroken, unseal

logger = logging.getLogger(__name__)

OUTBOX_BACKEND = "helpdesk.mail.backend.OutboxBackend"
# Proof links: the only mail that goes to an address its account has not proved.
PROOF_KINDS = frozenset({OutboundKind.PASSWORD_RESET, OutboundKind.VERIFY})
WITHHELD_ERROR = "not sent: address not verified"


@dataclass(frozen=True)
class Delivery:
    outcome: str  # "sent", "failed", "withheld", "skipped" (not ours to send now), "retry"
    retry_in: float = 0


def _delivery_backend() -> str:
    """The backend that talks to the mail server: EMAIL_DELIVERY_BACKEND when EMAIL_BACKEND is
    the outbox (the default), else EMAIL_BACKEND itself."""
    backend = settings.EMAIL_BACKEND
    if backend == OUTBOX_BACKEND:
        backend = settings.EMAIL_DELIVERY_BACKEND
    if backend == OUTBOX_BACKEND:
        raise ImproperlyConfigured("EMAIL_DELIVERY_BACKEND cannot be the outbox itself")
    return backend


def _is_temporary(exc: Exception) -> bool | None:
    """True: retry; False: permanent; None: not a mail error (a bug: let it raise)."""
    if isinstance(exc, SealBroken):
        return False  # sealed under a key no longer held: it can never be sent as written
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


class _OutboundMessage(EmailMultiAlternatives):
    def message(self):
        msg = super().message()
        if msg.is_multipart():
            # 128 random bits cannot occur in the text by chance; without a boundary the
            # generator compiles a fresh regular expression per email to check its own
            # (profiled: a tenth of a worker's time per survey email).
            msg.set_boundary(f"=============={secrets.token_hex(16)}==")
        return msg


def outbound_message(row: OutboundEmail, connection=None) -> EmailMultiAlternatives:
    """The email of ``row`` as it leaves: its fixed Message-ID, its sealed links filled in.
    Raises SealBroken when they cannot be."""
    names = list(row.headers or {})
    body_text, body_html, reply_to, *values = unseal(
        [row.body_text, row.body_html, row.reply_to, *(row.headers or {}).values()],
        row.sealed)
    headers = {**dict(zip(names, values, strict=True)), "Message-ID": row.message_id}
    message = _OutboundMessage(
        subject=row.subject, body=body_text, from_email=row.from_email, to=row.to,
        reply_to=[reply_to] if reply_to else None, headers=headers,
        connection=connection,
    )
    if body_html:
        message.attach_alternative(body_html, "text/html")
    return message


def withheld_rows(rows: list[OutboundEmail]) -> set[int]:
    """The ids of ``rows`` that must not be sent: other than proof links, and addressed to an
    account whose address is not trusted (``accounts.selectors.email_trusted``). One query."""
    wanted = {row.pk: {a.strip().lower() for _n, a in getaddresses(row.to) if a}
              for row in rows if row.kind not in PROOF_KINDS}
    addresses = set().union(*wanted.values()) if wanted else set()
    if not addresses:
        return set()
    untrusted = {user.email.lower() for user in User.objects.annotate(
        address=Lower("email")).filter(address__in=addresses) if not email_trusted(user)}
    return {pk for pk, found in wanted.items() if found & untrusted}


def _mark_withheld(rows: list[OutboundEmail]) -> int:
    """Record claimed rows as not sent for an unverified address. The sealed part stays
    (encrypted), so "send again" after the address is verified sends the whole email."""
    if not rows:
        return 0
    done = OutboundEmail.objects.filter(
        pk__in=[r.pk for r in rows], status=OutboundStatus.SENDING,
    ).update(status=OutboundStatus.WITHHELD, last_error=WITHHELD_ERROR)
    logger.info("outbox: %d emails withheld (address not verified): %s", done,
                [r.pk for r in rows])
    return done


def outbox_deliver(*, outbound_id: int, connection=None) -> Delivery:
    """Claim and send one outbox row; record the outcome.

    Temporary failures put the row back as pending with a backoff (``Delivery("retry")``)
    until EMAIL_MAX_ATTEMPTS; permanent ones (5xx) mark it failed. Never raises for mail
    errors. ``connection``: an open backend connection to reuse (the benchmark's workers).
    """
    row = outbox_claim(outbound_id=outbound_id)
    if row is None:
        return Delivery("skipped")
    if withheld_rows([row]):
        _mark_withheld([row])
        return Delivery("withheld")
    try:
        conn = connection or get_connection(_delivery_backend(),
                                            timeout=settings.EMAIL_TIMEOUT)
        outbound_message(row, conn).send()
    except Exception as exc:
        return _failed(row, exc)
    _mark_sent(row)
    return Delivery("sent")


def _mark_sent(row: OutboundEmail) -> None:
    # One plain statement: it runs once per email, and the ORM's update compiler cost more
    # than the statement itself (profiled).
    table = db.ops.quote_name(OutboundEmail._meta.db_table)
    with db.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, sent_at = %s, last_error = '', sealed = '' WHERE id = %s",  # noqa: S608 - quoted name, bound values
            [OutboundStatus.SENT, db.ops.adapt_datetimefield_value(timezone.now()), row.pk])


def _failed(row: OutboundEmail, exc: Exception) -> Delivery:
    """Record a failed send of a claimed row: back to pending with a backoff (temporary, while
    attempts remain) or failed. A non-mail exception (a bug) gives the row back and raises."""
    temporary = _is_temporary(exc)
    if temporary is None:
        # Not a mail error: give the row back for the sweeper, then let the bug surface.
        _release(row, f"{type(exc).__name__}: {exc}", backoff_seconds(row.attempts))
        raise exc
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


# --- Delivery in batches ----------------------------------------------------------------------

# PostgreSQL: "id = ANY(ARRAY(subquery))" runs the subquery once, as an InitPlan. Written as
# "id IN (subquery)" the planner may rescan it (a semi-join) and claim more than the LIMIT,
# skipping other rows' locks each time (seen in test_a_batch_sends_over_one_connection...).
_CLAIM_SQL = """
UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1
WHERE id {match}(
    SELECT id FROM {table}
    WHERE (status = %s AND next_attempt_at <= %s) OR (status = %s AND claimed_at < %s)
    ORDER BY next_attempt_at LIMIT %s{lock}
){close} AND ((status = %s AND next_attempt_at <= %s) OR (status = %s AND claimed_at < %s))
RETURNING {columns}
"""


def outbox_claim_batch(*, limit: int) -> list[OutboundEmail]:
    """Take up to ``limit`` rows for sending (pending and due, or with an expired claim).

    One statement: ``UPDATE ... WHERE id = ANY(ARRAY(SELECT ... LIMIT n FOR UPDATE SKIP
    LOCKED)) RETURNING``, so concurrent claimers never take the same row and never wait for
    each other (SQLite, which has no SKIP LOCKED, runs one writer at a time). Returns the claimed
    rows, oldest due first, with ``attempts`` already counted.
    """
    if limit <= 0:
        return []
    now = timezone.now()
    lease = timedelta(seconds=settings.EMAIL_SEND_LEASE_SECONDS)
    ops = db.ops
    table = ops.quote_name(OutboundEmail._meta.db_table)
    fields = OutboundEmail._meta.concrete_fields
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    if db.vendor == "postgresql":
        match, close, lock = "= ANY(ARRAY", ")", " FOR UPDATE SKIP LOCKED"
    else:  # SQLite: one writer at a time, and IN runs its subquery once
        match, close, lock = "IN ", "", ""
    at, expired = ops.adapt_datetimefield_value(now), ops.adapt_datetimefield_value(now - lease)
    due = [OutboundStatus.PENDING, at, OutboundStatus.SENDING, expired]
    sql = _CLAIM_SQL.format(table=table, match=match, close=close, lock=lock, columns=columns)
    rows = list(OutboundEmail.objects.raw(
        sql, [OutboundStatus.SENDING, at, *due, limit, *due]))
    rows.sort(key=lambda r: (r.next_attempt_at, r.pk))
    return rows


@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    retry: int = 0
    failed: int = 0
    withheld: int = 0
    released: int = 0  # claimed but not tried: given back (out of time, or the server is down)
    retry_in: float = 0  # the earliest backoff of a row given back: come back then


def _is_connection_error(exc: Exception) -> bool:
    """The server, not this message: refused or lost connection, timeout."""
    return not isinstance(exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)


def _close_quietly(conn) -> None:
    try:
        conn.close()
    except Exception:  # noqa: BLE001 - a broken connection may fail to close; it is dropped
        logger.debug("closing a broken SMTP connection failed", exc_info=True)


def outbox_deliver_batch(*, limit: int | None = None, connection=None) -> BatchResult:
    """Claim up to ``limit`` (EMAIL_SEND_BATCH) due rows and send them over one connection.

    Each row is marked on its own as soon as the server has answered for it, so a crash
    mid-batch leaves only the unsent rows claimed, and the sweeper sends them when their
    claim expires (same Message-ID). A refused or failed message is recorded as
    ``outbox_deliver`` does (the connection is re-opened for the next one); when the server
    cannot be reached at all, the rows not yet tried go back to pending with the same backoff
    (``retry_in``). Rows are given back untried, too, when the batch runs so long that their
    claim could expire under it. ``connection``: an open backend connection to reuse.
    """
    limit = limit or settings.EMAIL_SEND_BATCH
    rows = outbox_claim_batch(limit=limit)
    result = BatchResult(claimed=len(rows))
    withheld = withheld_rows(rows)
    if withheld:
        result.withheld = _mark_withheld([r for r in rows if r.pk in withheld])
        rows = [r for r in rows if r.pk not in withheld]
    if not rows:
        return result
    started = time.monotonic()
    # Stop starting new sends while one more could still end within the claim's lease.
    budget = settings.EMAIL_SEND_LEASE_SECONDS - 3 * settings.EMAIL_TIMEOUT - 5
    conn = connection or get_connection(_delivery_backend(), timeout=settings.EMAIL_TIMEOUT)
    try:
        for index, row in enumerate(rows):
            if index and time.monotonic() - started > budget:
                result.released += _release_untried(rows[index:], 0)
                break
            try:
                conn.open()
                outbound_message(row, conn).send()
            except Exception as exc:
                _close_quietly(conn)
                try:
                    delivery = _failed(row, exc)
                except Exception:
                    _release_untried(rows[index + 1:], 0)
                    raise
                setattr(result, delivery.outcome, getattr(result, delivery.outcome) + 1)
                if delivery.outcome == "retry":
                    result.retry_in = min(result.retry_in or delivery.retry_in,
                                          delivery.retry_in)
                    if _is_connection_error(exc):
                        result.released += _release_untried(rows[index + 1:],
                                                            delivery.retry_in)
                        break
                continue
            _mark_sent(row)
            result.sent += 1
    finally:
        if connection is None:
            _close_quietly(conn)
    return result


def _release_untried(rows: list[OutboundEmail], delay: float) -> int:
    """Give claimed rows that were never tried back as pending; their attempt is not counted."""
    if not rows:
        return 0
    return OutboundEmail.objects.filter(
        pk__in=[r.pk for r in rows], status=OutboundStatus.SENDING,
    ).update(status=OutboundStatus.PENDING, attempts=F("attempts") - 1,
             next_attempt_at=timezone.now() + timedelta(seconds=delay))


def _release(row: OutboundEmail, error: str, delay: float) -> None:
    OutboundEmail.objects.filter(pk=row.pk, status=OutboundStatus.SENDING).update(
        status=OutboundStatus.PENDING, last_error=error[:2000],
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
    )


def outbox_stale(*, limit: int = 1000) -> list[int]:
    """Rows nobody is sending, oldest due first: pending past the grace period, or claimed by
    a worker whose lease ran out (it died). The beat's sweep (``send_tasks.email_outbox_sweep``)
    sends them again."""
    now = timezone.now()
    grace = timedelta(seconds=settings.EMAIL_SWEEP_GRACE_SECONDS)
    lease = timedelta(seconds=settings.EMAIL_SEND_LEASE_SECONDS)
    return list(
        OutboundEmail.objects.filter(
            Q(status=OutboundStatus.PENDING, next_attempt_at__lte=now - grace)
            | Q(status=OutboundStatus.SENDING, claimed_at__lt=now - lease)
        ).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )
