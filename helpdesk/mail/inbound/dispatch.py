"""What becomes of a message: the checks (sender, rate, DMARC, staff, unverified addresses),
then the conversation it belongs to (a signed reply address of the sender's own conversation)
or a new one; auto-replies and bulk mail are ignored."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.selectors import email_trusted
from accounts.services import customer_create, password_reset_request
from accounts.throttles import Limit, throttle_hit
from helpdesk.mail.authresults import dmarc_verdict
from helpdesk.mail.inbound.post import conversation_from_email, reply_from_email
from helpdesk.mail.models import InboundEmail, InboundStatus
from helpdesk.mail.outbound import acknowledgement_enqueue
from helpdesk.mail.parsing import ParsedEmail
from helpdesk.mail.tokens import reply_token_parse
from helpdesk.models import Conversation

logger = logging.getLogger(__name__)


def inbound_dispatch(inbound: InboundEmail, parsed: ParsedEmail, now, *,
                     released: bool = False, rate_limit: bool = True) -> tuple[str, str]:
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
            message = reply_from_email(conversation, sender, parsed, inbound)
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
    conversation, message = conversation_from_email(sender, parsed, inbound)
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
