"""Mail in: one entry point, ``email_ingest``, for the IMAP poller, ``manage.py ingest_email``
and the provider webhook.

What happens to a message (``InboundEmail.status`` / ``reason``):

- seen before (same Message-ID, or the same raw bytes): nothing; the first record is returned;
- no usable From, too large, over the per-sender limit, or From an agent's address
  (agents answer in the console; their identity is never taken from a header): quarantined;
- a reply address whose signature is wrong: quarantined as forged;
- a valid reply address, sent by the conversation's customer: appended to it (a resolved
  conversation reopens, unless the message is an auto-reply);
- auto-replies and bulk mail otherwise: ignored (kept for review, never acknowledged);
- anything else: a new email conversation, acknowledged with its reference number. A sender
  without an account gets a customer account without a usable password
  (EMAIL_UNKNOWN_SENDERS="create"), or the message is quarantined ("quarantine").
"""

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from helpdesk import realtime
from helpdesk.email.addresses import header_clean
from helpdesk.email.text import html_to_text, strip_quoted
from helpdesk.email.tokens import reply_token_parse
from helpdesk.models import (
    Attachment,
    AuthorRole,
    Channel,
    Conversation,
    InboundEmail,
    InboundStatus,
    Message,
    Status,
)

logger = logging.getLogger(__name__)

MAX_BODY = 5000  # helpdesk.services.conversations.MAX_BODY_LENGTH
# Charsets that mail programs name but mean a superset of (or that Python lacks).
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
                    "ks_c_5601-1987": "cp949", "unknown-8bit": "utf-8", "x-unknown": "utf-8",
                    "iso-8859-8-i": "iso-8859-8", "windows-874": "cp874", "ansi_x3.4-1968": "ascii"}
_RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To",
                      "X-Envelope-To")


@dataclass
class ParsedAttachment:
    name: str
    content_type: str
    data: bytes


@dataclass
class ParsedEmail:
    message_id: str = ""
    from_address: str = ""
    from_name: str = ""
    subject: str = ""
    recipients: list[str] = field(default_factory=list)
    text: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    auto_reply: bool = False
    bulk: bool = False
    language: str = "en"


# --- Parsing (no database) -------------------------------------------------------------------


def _header(msg, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # noqa: BLE001 - a malformed header must not stop the message
        value = None
    if value is None:
        raw = msg.get_all(name, failobj=[]) if hasattr(msg, "get_all") else []
        value = raw[0] if raw else ""
    return str(value)


def _addresses(msg, name: str) -> list[tuple[str, str]]:
    try:
        header = msg.get(name)
        if header is not None and hasattr(header, "addresses"):
            return [(a.display_name or "", a.addr_spec or "") for a in header.addresses]
    except Exception:  # noqa: BLE001, S110 - fall back to the lenient parser below
        pass
    # Parse the raw value, then decode each name alone: a decoded name may hold anything.
    raw = [str(v) for k, v in msg.raw_items() if k.lower() == name.lower()]
    out = []
    for display, addr in getaddresses(raw):
        try:
            display = str(make_header(decode_header(display)))
        except Exception:  # noqa: BLE001, S110 - keep the undecoded name
            pass
        out.append((display, addr))
    return out


def _decode(part) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = (part.get_content_charset() or "utf-8").lower()
    charset = _CHARSET_ALIASES.get(charset, charset)
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def _filename(part) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # noqa: BLE001
        name = ""
    name = re.sub(r"[\x00-\x1f\x7f/\\]+", "_", str(name)).strip(" .")
    return name[-120:]


def _guess_language(text: str) -> str:
    if re.search(r"[\u4e00-\u9fff]", text):
        return "zh-hans"
    if re.search(r"[\u0400-\u04ff]", text):
        return "ru"
    return "en"


def email_parse(raw: bytes) -> ParsedEmail:
    """Read what the help desk needs from a raw RFC 822 message. Never raises."""
    msg: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)
    parsed = ParsedEmail()
    parsed.message_id = header_clean(_header(msg, "Message-ID"), 255)
    senders = [(n, a) for n, a in _addresses(msg, "From") if a]
    if len(senders) == 1:
        name, addr = senders[0]
        addr = addr.strip().lower()
        try:
            validate_email(addr)
            parsed.from_address = addr
            parsed.from_name = header_clean(name, 150)
        except ValidationError:
            pass
    parsed.subject = header_clean(_header(msg, "Subject"), 255)
    for name in _RECIPIENT_HEADERS:
        parsed.recipients += [a.strip() for _n, a in _addresses(msg, name) if a]

    auto_submitted = _header(msg, "Auto-Submitted").strip().lower()
    precedence = _header(msg, "Precedence").strip().lower()
    parsed.auto_reply = bool(
        (auto_submitted and auto_submitted != "no")
        or _header(msg, "X-Autoreply") or _header(msg, "X-Autorespond")
        or _header(msg, "X-Autogenerated") or precedence == "auto_reply"
        or msg.get_content_type() == "multipart/report"
        or (_header(msg, "Return-Path").strip() != ""
            and parseaddr(_header(msg, "Return-Path"))[1] == "")
        or re.match(r"^(mailer-daemon|postmaster)@", parsed.from_address or "")
    )
    parsed.bulk = precedence in {"bulk", "list", "junk"} or bool(_header(msg, "List-Id")) \
        or bool(_header(msg, "List-Unsubscribe"))

    plain, html = [], []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        name = _filename(part)
        if ctype == "message/rfc822" and not name:
            name = "message.eml"
        if disposition == "attachment" or name or (ctype not in {"text/plain", "text/html"}):
            if ctype.startswith("multipart/"):
                continue
            data = part.get_payload(decode=True) or b""
            if data:
                parsed.attachments.append(ParsedAttachment(
                    name=name or "attachment", content_type=ctype, data=data))
            continue
        (plain if ctype == "text/plain" else html).append(_decode(part))
    text = "\n\n".join(t for t in plain if t.strip())
    if not text.strip() and html:
        text = "\n\n".join(html_to_text(h) for h in html)
    text = strip_quoted(text.replace("\x00", ""))
    parsed.text = text
    parsed.language = _guess_language(f"{parsed.subject} {text[:2000]}")
    return parsed


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
    """
    sha = hashlib.sha256(raw).hexdigest()
    existing = InboundEmail.objects.filter(sha256=sha).first()
    if existing is not None:
        return Ingested(existing, True)
    now = timezone.now()
    if len(raw) > settings.EMAIL_INBOUND_MAX_BYTES:
        return _record_only(raw, sha, ParsedEmail(), source, InboundStatus.QUARANTINED,
                            "too_large", now)
    parsed = email_parse(raw)
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
        existing = InboundEmail.objects.filter(sha256=sha).first() or (
            InboundEmail.objects.filter(message_id=parsed.message_id).first()
            if parsed.message_id else None)
        if existing is None:
            raise
        return Ingested(existing, True)
    logger.info("inbound email %s from %s: %s %s", inbound.pk, parsed.from_address,
                inbound.status, inbound.reason)
    return Ingested(inbound, False)


def _record_only(raw, sha, parsed, source, status, reason, now) -> Ingested:
    inbound = InboundEmail(sha256=sha, source=source[:16], status=status, reason=reason,
                           received_at=now, message_id=parsed.message_id,
                           from_address=parsed.from_address, subject=parsed.subject)
    try:
        with transaction.atomic():
            inbound.save()
    except IntegrityError:
        return Ingested(InboundEmail.objects.get(sha256=sha), True)
    return Ingested(inbound, False)


def _route(inbound: InboundEmail, parsed: ParsedEmail, now,
           released: bool = False) -> tuple[str, str]:
    """Decide and do; the caller holds the transaction and saves ``inbound``.

    ``released``: a manager let the message out of quarantine: no rate limit, a forged reply
    address counts as none (a new conversation, never an append), an unknown sender gets an
    account whatever EMAIL_UNKNOWN_SENDERS says. Staff and inactive senders stay refused.
    """
    from accounts.models import User

    if not parsed.from_address:
        return InboundStatus.QUARANTINED, "no_sender"
    window = now - timedelta(seconds=settings.EMAIL_INBOUND_RATE_WINDOW_SECONDS)
    recent = InboundEmail.objects.filter(from_address=parsed.from_address,
                                         received_at__gte=window).exclude(pk=inbound.pk).count()
    if recent >= settings.EMAIL_INBOUND_RATE_LIMIT and not released:
        return InboundStatus.QUARANTINED, "rate_limited"
    sender = User.objects.filter(email__iexact=parsed.from_address).first()
    if sender is not None and (sender.is_staff or sender.is_superuser):
        return InboundStatus.QUARANTINED, "staff_sender"
    if sender is not None and not sender.is_active:
        return InboundStatus.QUARANTINED, "inactive_sender"

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
        sender = customer_from_email(email=parsed.from_address, name=parsed.from_name,
                                     language=parsed.language)
    conversation, message = _open(sender, parsed, inbound)
    inbound.conversation, inbound.conversation_message = conversation, message
    from helpdesk.email.outbound import acknowledgement_enqueue

    acknowledgement_enqueue(conversation=conversation)
    return InboundStatus.CREATED, "new" if not valid else "not_participant"


def customer_from_email(*, email: str, name: str, language: str):
    """The customer account of an email sender without one: no usable password (they can
    never log in with a guessed one); the customer role and profile as at sign-up."""
    from django.contrib.auth.models import Group

    from accounts.choices import Language, Role
    from accounts.models import CustomerProfile, User

    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email, password=None, full_name=name or email.split("@")[0],
                language=language if language in Language.values else Language.EN)
            CustomerProfile.objects.create(user=user)
            group, _created = Group.objects.get_or_create(name=Role.CUSTOMER)
            user.groups.add(group)
    except IntegrityError:
        user = User.objects.get(email__iexact=email)
    return user


def _body(parsed: ParsedEmail, language: str) -> str:
    text = parsed.text.strip()
    if len(text) > MAX_BODY:
        text = text[: MAX_BODY - 2].rstrip() + " …"
    if not text and not parsed.attachments:
        with translation.override(language):
            text = _("(The email had no text.)")
    return text


def _open(customer, parsed: ParsedEmail, inbound: InboundEmail):
    from accounts.choices import Topic
    from helpdesk.services.conversations import conversation_open

    subject = re.sub(r"^\s*((re|fwd?|ответ|回复|答复)\s*[:：]\s*)+", "", parsed.subject,
                     flags=re.IGNORECASE)
    body = _body(parsed, customer.language)
    with translation.override(customer.language):
        description = body or _("(The email had only attachments.)")
    from helpdesk.email.routing import email_conversation_route, topic_guess

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
    from helpdesk.services.conversations import event_post, message_post

    posted = message_post(conversation=conversation, author=customer,
                          author_role=AuthorRole.CUSTOMER,
                          body=_body(parsed, customer.language), allow_empty=True,
                          client_id=f"email:{inbound.sha256[:40]}")
    _attach(posted.message, parsed)
    conv = Conversation.objects.get(pk=conversation.pk)
    if not parsed.auto_reply and conv.status in (Status.RESOLVED, Status.CLOSED,
                                                 Status.PENDING):
        reopened = conv.status != Status.PENDING
        Conversation.objects.filter(pk=conv.pk).update(status=Status.OPEN,
                                                       updated_at=timezone.now())
        if reopened:
            event_post(conversation=conv, event="reopened")
        realtime.conversation_event(conv.pk, "state")
        realtime.inbox_changed()
    return posted.message


def _attach(message: Message, parsed: ParsedEmail) -> None:
    """Store the attachments: images re-encoded as in the chat; anything else (and images
    that fail the check) stored as download-only files."""
    from orders.photos import photo_clean

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

RELEASABLE_REASONS = ("rate_limited", "forged_token", "unknown_sender")


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
        with inbound.raw.open("rb") as f:
            parsed = email_parse(f.read())
        status, reason = _route(inbound, parsed, timezone.now(), released=True)
        if status == InboundStatus.QUARANTINED:
            raise ReviewRefused(inbound_id)  # e.g. the sender has since become staff
        inbound.status, inbound.reason = status, f"released_{reason}"[:40]
        inbound.save(update_fields=["status", "reason", "conversation",
                                    "conversation_message"])
    logger.info("inbound email %s released from quarantine by user %s: %s", inbound.pk,
                getattr(by, "pk", None), inbound.status)
    return inbound


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


__all__ = ["Ingested", "ParsedEmail", "ReviewRefused", "customer_from_email", "email_ingest",
           "email_parse", "inbound_discard", "inbound_release"]
