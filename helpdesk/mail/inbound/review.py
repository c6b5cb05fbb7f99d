"""The managers' review of quarantined mail (in the admin): release a message as if it had
passed the check it failed, or discard it; mail held for an unverified address goes in once the
address is verified."""

import logging

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import email_trusted
from helpdesk.mail.inbound.dispatch import inbound_dispatch
from helpdesk.mail.models import InboundEmail, InboundStatus
from helpdesk.mail.parsing import ParsedEmail, Unreadable, email_parse

logger = logging.getLogger(__name__)

RELEASABLE_REASONS = ("rate_limited", "forged_token", "unknown_sender", "dmarc_fail")


class ReviewRefused(Exception):
    """The message is not (or no longer) in quarantine, or cannot be released."""


def inbound_release(*, inbound_id: int, by) -> InboundEmail:
    """Let a quarantined message in, as if it had passed the check it failed
    (``RELEASABLE_REASONS``; see ``inbound_dispatch(released=True)``). Raises ReviewRefused."""
    with transaction.atomic():
        inbound = InboundEmail.objects.select_for_update().filter(pk=inbound_id).first()
        if (inbound is None or inbound.status != InboundStatus.QUARANTINED
                or inbound.reason not in RELEASABLE_REASONS or not inbound.raw):
            raise ReviewRefused(inbound_id)
        parsed = _parsed_raw(inbound)
        status, reason = inbound_dispatch(inbound, parsed, timezone.now(), released=True)
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
            status, reason = inbound_dispatch(inbound, parsed, timezone.now(), rate_limit=False)
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
