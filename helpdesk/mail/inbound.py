"""Mail in: one entry point, ``email_ingest``, for the IMAP poller, ``manage.py ingest_email``
and the provider webhook.

What happens to a message (``InboundEmail.status`` / ``reason``):

- seen before (same Message-ID, or the same raw bytes): nothing; the first record is returned;
- too large, too deeply nested or with too many parts, unparseable, or a message the pipeline
  failed on ("failed", logged): quarantined with its bytes, nothing else done;
- no From, several or an ambiguous one, over the per-sender limit, failing DMARC for its From
  domain by our receiving server's verdict, or From an agent's address (agents answer in the
  console; their identity is never taken from a header): quarantined;
- From the address of an account that has not proved it (``accounts.selectors.email_trusted``):
  held ("unverified_address"); the address gets a proof link, and verifying lets it in;
- a reply address whose signature is wrong: quarantined as forged;
- a valid reply address, sent by the conversation's customer: appended to it (a resolved
  conversation reopens, unless the message is an auto-reply);
- auto-replies and bulk mail otherwise: ignored (kept for review, never acknowledged);
- anything else: a new email conversation, acknowledged with its reference number. A sender
  without an account gets a customer account without a usable password
  (EMAIL_UNKNOWN_SENDERS="create"), or the message is quarantined ("quarantine").

``email_ingest`` never raises for a message: only ``IngestDeferred`` when the database cannot
take the record now (the caller retries: exit 75, HTTP 503, the IMAP poller's retry list).
"""

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.choices import Topic
from accounts.models import User
from accounts.selectors import email_trusted
from accounts.services import customer_create, password_reset_request
from accounts.throttles import Limit, throttle_hit
from helpdesk.mail.authresults import dmarc_verdict
from helpdesk.mail.models import InboundEmail, InboundStatus
from helpdesk.mail.outbound import acknowledgement_enqueue
from helpdesk.mail.parsing import (
    ParsedAttachment,
    ParsedEmail,
    Unreadable,
    email_parse,
    headers_parse,
)
from helpdesk.mail.routing import email_conversation_route, topic_guess
from helpdesk.mail.tokens import reply_token_parse
from helpdesk.models import Attachment, Channel, Conversation, Message
from helpdesk.services.conversations import conversation_open, customer_reply
from helpdesk.services.messages import MAX_BODY_LENGTH
from orders.photos import photo_clean

logger = logging.getLogger(__name__)

# Temporary: the database cannot be reached. Anything else a message makes the pipeline raise
# is a fault of (or with) that message: it is quarantined ("failed"). When even that record
# cannot be written (e.g. the disk is full), the message is deferred too.
TEMPORARY_ERRORS = (OperationalError, InterfaceError)


class IngestDeferred(Exception):
    """The message could not be stored now (database or storage unavailable): nothing was
    recorded; deliver it again later. The only exception ``email_ingest`` raises."""


# --- Ingesting ----------------------------------------------------------------------------


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
            status, reason = _route(inbound, parsed, now)
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


def _route(inbound: InboundEmail, parsed: ParsedEmail, now, *, released: bool = False,
           rate_limit: bool = True) -> tuple[str, str]:
    """Decide and do; the caller holds the transaction and saves ``inbound``.

    ``released``: a manager let the message out of quarantine: no rate limit, no DMARC
    verdict, a forged reply address counts as none (a new conversation, never an append), an
    unknown sender gets an account whatever EMAIL_UNKNOWN_SENDERS says. Staff, inactive and
    unverified senders stay refused. ``rate_limit``: False when the message was counted
    already (held until its address was verified).
    """
    if parsed.sender_problem or not parsed.from_address:
        return InboundStatus.QUARANTINED, parsed.sender_problem or "no_sender"
    window = now - timedelta(seconds=settings.EMAIL_INBOUND_RATE_WINDOW_SECONDS)
    if rate_limit and not released:
        recent = InboundEmail.objects.filter(
            from_address=parsed.from_address, received_at__gte=window,
        ).exclude(pk=inbound.pk).count()
        if recent >= settings.EMAIL_INBOUND_RATE_LIMIT:
            return InboundStatus.QUARANTINED, "rate_limited"
    if not released and dmarc_verdict(parsed.msg, parsed.from_address) == "fail":
        return InboundStatus.QUARANTINED, "dmarc_fail"
    sender = User.objects.filter(email__iexact=parsed.from_address).first()
    if sender is not None and (sender.is_staff or sender.is_superuser):
        return InboundStatus.QUARANTINED, "staff_sender"
    if sender is not None and not sender.is_active:
        return InboundStatus.QUARANTINED, "inactive_sender"
    if sender is not None and not email_trusted(sender):
        # Someone made this account with the address and never proved it: nothing sent from
        # the address joins it. Its owner gets a link to take the account back; verifying
        # lets this message in (inbound_release_verified).
        if parsed.auto_reply or parsed.bulk:
            return InboundStatus.IGNORED, "auto_reply" if parsed.auto_reply else "bulk"
        proof_link_request(user=sender)
        return InboundStatus.QUARANTINED, "unverified_address"

    tokens = [t for t in (reply_token_parse(a) for a in parsed.recipients) if t is not None]
    valid = [t for t in tokens if t.valid]
    if tokens and not valid and not released:
        return InboundStatus.QUARANTINED, "forged_token"
    if valid and sender is not None:
        conversation = Conversation.objects.filter(pk=valid[0].conversation_id).first()
        if conversation is not None and conversation.customer_id == sender.pk:
            message = _append(conversation, sender, parsed, inbound)
            inbound.conversation, inbound.conversation_message = conversation, message
            return InboundStatus.APPENDED, "reply"
    if parsed.auto_reply:
        return InboundStatus.IGNORED, "auto_reply"
    if parsed.bulk:
        return InboundStatus.IGNORED, "bulk"
    if sender is None:
        if settings.EMAIL_UNKNOWN_SENDERS != "create" and not released:
            return InboundStatus.QUARANTINED, "unknown_sender"
        sender = _customer_of(parsed)
    conversation, message = _open(sender, parsed, inbound)
    inbound.conversation, inbound.conversation_message = conversation, message
    acknowledgement_enqueue(conversation=conversation)
    return InboundStatus.CREATED, "new" if not valid else "not_participant"


def proof_link_request(*, user) -> bool:
    """Send the owner of ``user.email`` a password-reset link (the proof link: following it
    verifies the address and takes the account back), at most EMAIL_PROOF_LINKS_PER_HOUR
    times an hour per address. True when one was requested."""
    if throttle_hit(scope="email.proof_link", ident=user.email.lower(),
                    limit=Limit(settings.EMAIL_PROOF_LINKS_PER_HOUR, 3600)):
        logger.info("proof link for user %s not sent: over the hourly limit", user.pk)
        return False
    return password_reset_request(email=user.email) > 0


def _customer_of(parsed: ParsedEmail):
    """The customer account of an email sender without one (``accounts.services.customer_create``
    with no usable password), or the one another message from them made a moment ago."""
    try:
        with transaction.atomic():
            return customer_create(email=parsed.from_address, full_name=parsed.from_name,
                                   language=parsed.language)
    except IntegrityError:
        return User.objects.get(email__iexact=parsed.from_address)


def _body(parsed: ParsedEmail, language: str) -> str:
    text = parsed.text.strip()
    if len(text) > MAX_BODY_LENGTH:
        text = text[: MAX_BODY_LENGTH - 2].rstrip() + " …"
    if not text and not parsed.attachments:
        with translation.override(language):
            text = _("(The email had no text.)")
    return text


def _open(customer, parsed: ParsedEmail, inbound: InboundEmail):
    subject = re.sub(r"^\s*((re|fwd?|ответ|回复|答复)\s*[:：]\s*)+", "", parsed.subject,
                     flags=re.IGNORECASE)
    body = _body(parsed, customer.language)
    with translation.override(customer.language):
        description = body or _("(The email had only attachments.)")
    topic = topic_guess(subject=subject, text=body, language=customer.language) or Topic.ORDERS
    conversation = conversation_open(
        customer=customer, channel=Channel.EMAIL, topic=topic,
        description=description, subject=subject or description[:80],
        client_id=f"email:{inbound.sha256[:40]}",
    )
    email_conversation_route(conversation=conversation)
    message = Message.objects.filter(conversation=conversation).order_by("-seq").first()
    _attach(message, parsed)
    return conversation, message


def _append(conversation: Conversation, customer, parsed: ParsedEmail, inbound: InboundEmail):
    # The customer's answer reopens as on every path (``customer_reply``); an auto-reply
    # joins the conversation without changing it.
    posted = customer_reply(conversation=conversation, customer=customer,
                            body=_body(parsed, customer.language), allow_empty=True,
                            client_id=f"email:{inbound.sha256[:40]}",
                            reopen=not parsed.auto_reply)
    _attach(posted.message, parsed)
    return posted.message


def _attach(message: Message, parsed: ParsedEmail) -> None:
    """Store the attachments: images re-encoded as in the chat; anything else (and images
    that fail the check) stored as download-only files."""
    for att in parsed.attachments[: settings.EMAIL_MAX_ATTACHMENTS]:
        if len(att.data) > settings.EMAIL_ATTACHMENT_MAX_BYTES:
            logger.info("attachment %r of message %s too large: dropped", att.name, message.pk)
            continue
        content = ContentFile(att.data)
        content_type = "application/octet-stream"
        width = height = None
        if att.content_type.startswith("image/"):
            try:
                clean = photo_clean(content)
            except ValidationError:
                pass
            else:
                content, content_type = clean.content, clean.content_type
                width, height = clean.width, clean.height
        elif re.fullmatch(r"[a-z0-9.+-]+/[a-z0-9.+-]+", att.content_type):
            content_type = att.content_type
        ext = content.name.rsplit(".", 1)[-1] if content.name and "." in content.name else "bin"
        ext = ext if content_type.startswith("image/") else "bin"
        content.name = f"{secrets.token_hex(16)}.{ext}"
        Attachment.objects.create(
            message=message, file=content, original_name=att.name or "attachment",
            content_type=content_type, size=content.size, width=width, height=height,
        )


# --- Quarantine review (managers, in the admin) --------------------------------------------

RELEASABLE_REASONS = ("rate_limited", "forged_token", "unknown_sender", "dmarc_fail")


class ReviewRefused(Exception):
    """The message is not (or no longer) in quarantine, or cannot be released."""


def inbound_release(*, inbound_id: int, by) -> InboundEmail:
    """Let a quarantined message in, as if it had passed the check it failed
    (``RELEASABLE_REASONS``; see ``_route(released=True)``). Raises ReviewRefused."""
    with transaction.atomic():
        inbound = InboundEmail.objects.select_for_update().filter(pk=inbound_id).first()
        if (inbound is None or inbound.status != InboundStatus.QUARANTINED
                or inbound.reason not in RELEASABLE_REASONS or not inbound.raw):
            raise ReviewRefused(inbound_id)
        parsed = _parsed_raw(inbound)
        status, reason = _route(inbound, parsed, timezone.now(), released=True)
        if status == InboundStatus.QUARANTINED:
            raise ReviewRefused(inbound_id)  # e.g. the sender has since become staff
        inbound.status, inbound.reason = status, f"released_{reason}"[:40]
        inbound.save(update_fields=["status", "reason", "conversation",
                                    "conversation_message"])
    logger.info("inbound email %s released from quarantine by user %s: %s", inbound.pk,
                getattr(by, "pk", None), inbound.status)
    return inbound


def _parsed_raw(inbound: InboundEmail) -> ParsedEmail:
    with inbound.raw.open("rb") as f:
        try:
            return email_parse(f.read())
        except Unreadable:
            raise ReviewRefused(inbound.pk) from None


def inbound_release_verified(*, user_id: int) -> int:
    """Route again the mail held because its sender's address was not verified
    ("unverified_address"), now that the account ``user_id`` has verified it; each message
    takes the usual path (not counted against the rate limit twice). Returns how many left
    the quarantine. Called after the verification committed (accounts.signals)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not email_trusted(user):
        return 0
    ids = list(InboundEmail.objects.filter(
        status=InboundStatus.QUARANTINED, reason="unverified_address",
        from_address=user.email.lower(),
    ).order_by("received_at", "pk").values_list("pk", flat=True))
    released = 0
    for pk in ids:
        with transaction.atomic():
            inbound = InboundEmail.objects.select_for_update().filter(
                pk=pk, status=InboundStatus.QUARANTINED, reason="unverified_address").first()
            if inbound is None or not inbound.raw:
                continue
            try:
                parsed = _parsed_raw(inbound)
            except ReviewRefused:
                continue
            status, reason = _route(inbound, parsed, timezone.now(), rate_limit=False)
            inbound.status, inbound.reason = status, reason
            inbound.save(update_fields=["status", "reason", "conversation",
                                        "conversation_message"])
        released += status != InboundStatus.QUARANTINED
        logger.info("inbound email %s held for an unverified address: %s %s", pk, status,
                    reason)
    return released


def inbound_discard(*, inbound_id: int, by) -> InboundEmail:
    """Drop a quarantined message: it stays recorded (so it is never ingested again) as
    ignored, and its raw bytes are deleted after commit. Raises ReviewRefused."""
    with transaction.atomic():
        inbound = InboundEmail.objects.select_for_update().filter(pk=inbound_id).first()
        if inbound is None or inbound.status != InboundStatus.QUARANTINED:
            raise ReviewRefused(inbound_id)
        name = inbound.raw.name
        storage = inbound.raw.storage
        inbound.status, inbound.reason, inbound.raw = InboundStatus.IGNORED, "discarded", ""
        inbound.save(update_fields=["status", "reason", "raw"])
        if name:
            transaction.on_commit(lambda: storage.delete(name))
    logger.info("inbound email %s discarded by user %s", inbound.pk, getattr(by, "pk", None))
    return inbound


__all__ = ["IngestDeferred", "Ingested", "ParsedAttachment", "ParsedEmail", "ReviewRefused",
           "email_ingest", "email_parse", "inbound_discard",
           "inbound_release", "inbound_release_verified", "proof_link_request"]
