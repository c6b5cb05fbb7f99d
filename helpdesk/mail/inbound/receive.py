"""Receiving a message: stored once (the same Message-ID or bytes again change nothing), or
recorded in quarantine with its bytes when it cannot be read or the pipeline fails on it."""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from helpdesk.mail.inbound.dispatch import inbound_dispatch
from helpdesk.mail.models import InboundEmail, InboundStatus
from helpdesk.mail.parsing import ParsedEmail, Unreadable, email_parse, headers_parse

logger = logging.getLogger(__name__)

# Temporary: the database cannot be reached. Anything else a message makes the pipeline raise
# is a fault of (or with) that message: it is quarantined ("failed"). When even that record
# cannot be written (e.g. the disk is full), the message is deferred too.
TEMPORARY_ERRORS = (OperationalError, InterfaceError)


class IngestDeferred(Exception):
    """The message could not be stored now (database or storage unavailable): nothing was
    recorded; deliver it again later. The only exception ``email_ingest`` raises."""


@dataclass(frozen=True)
class Ingested:
    inbound: InboundEmail
    duplicate: bool

    @property
    def status(self) -> str:
        return self.inbound.status


def email_ingest(raw: bytes, *, source: str) -> Ingested:
    """Turn one raw message into a conversation, a message in one, or a quarantine record.

    Safe to call twice with the same message (and concurrently): one record, one effect.
    Whatever the bytes, the message ends recorded; a message the pipeline fails on is
    quarantined ("failed", raw kept) and logged. Raises only ``IngestDeferred``: the database
    (or the storage) could not take the record now, so the caller delivers it again later.
    """
    sha = hashlib.sha256(raw).hexdigest()
    try:
        return _ingest(raw, sha, source)
    except TEMPORARY_ERRORS as exc:
        raise IngestDeferred(f"{type(exc).__name__}: {exc}") from exc
    except Exception:  # noqa: BLE001 - a message must never stop the ones after it
        logger.exception("inbound email %s from %s: processing failed", sha[:12], source)
    try:
        existing = _existing(sha, "")
        if existing is not None:  # recorded; what failed came after the commit
            return Ingested(existing, False)
        return _record_only(raw, sha, headers_parse(raw), source, InboundStatus.QUARANTINED,
                            "failed", timezone.now(), keep_raw=True)
    except Exception as exc:  # noqa: BLE001 - not even recorded: the sender tries again
        raise IngestDeferred(f"{type(exc).__name__}: {exc}") from exc


def _ingest(raw: bytes, sha: str, source: str) -> Ingested:
    existing = InboundEmail.objects.filter(sha256=sha).first()
    if existing is not None:
        return Ingested(existing, True)
    now = timezone.now()
    if len(raw) > settings.EMAIL_INBOUND_MAX_BYTES:
        return _record_only(raw, sha, ParsedEmail(), source, InboundStatus.QUARANTINED,
                            "too_large", now)
    try:
        parsed = email_parse(raw)
    except Unreadable as exc:
        logger.warning("inbound email %s from %s cannot be read: %s", sha[:12], source,
                       exc.reason)
        return _record_only(raw, sha, headers_parse(raw), source, InboundStatus.QUARANTINED,
                            exc.reason, now, keep_raw=True)
    if parsed.message_id:
        existing = InboundEmail.objects.filter(message_id=parsed.message_id).first()
        if existing is not None:
            return Ingested(existing, True)
    try:
        with transaction.atomic():
            inbound = InboundEmail.objects.create(
                message_id=parsed.message_id, sha256=sha, source=source[:16],
                from_address=parsed.from_address, from_name=parsed.from_name,
                subject=parsed.subject, status=InboundStatus.QUARANTINED, received_at=now,
            )
            status, reason = inbound_dispatch(inbound, parsed, now)
            inbound.status, inbound.reason = status, reason
            if status in (InboundStatus.QUARANTINED, InboundStatus.IGNORED):
                inbound.raw.save(f"{sha}.eml", ContentFile(raw), save=False)
            inbound.save(update_fields=["status", "reason", "conversation",
                                        "conversation_message", "raw"])
    except IntegrityError:
        # The same message arrived at the same moment through another path and won.
        existing = _existing(sha, parsed.message_id)
        if existing is None:
            raise
        return Ingested(existing, True)
    logger.info("inbound email %s from %s: %s %s", inbound.pk, parsed.from_address,
                inbound.status, inbound.reason)
    return Ingested(inbound, False)


def _existing(sha: str, message_id: str) -> InboundEmail | None:
    return InboundEmail.objects.filter(sha256=sha).first() or (
        InboundEmail.objects.filter(message_id=message_id).first() if message_id else None)


def _record_only(raw, sha, parsed, source, status, reason, now, keep_raw=False) -> Ingested:
    """Record a message that goes no further (``keep_raw``: with its bytes, for review)."""
    inbound = InboundEmail(sha256=sha, source=source[:16], status=status, reason=reason,
                           received_at=now, message_id=parsed.message_id,
                           from_address=parsed.from_address, from_name=parsed.from_name,
                           subject=parsed.subject)
    try:
        with transaction.atomic():
            if keep_raw:
                inbound.raw.save(f"{sha}.eml", ContentFile(raw), save=False)
            inbound.save()
    except IntegrityError:
        existing = _existing(sha, parsed.message_id)
        if existing is None:
            raise
        return Ingested(existing, True)
    logger.info("inbound email %s from %s: %s %s", inbound.pk, parsed.from_address or "-",
                status, reason)
    return Ingested(inbound, False)
