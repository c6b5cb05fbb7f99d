"""The email channel's receivers, connected in ``MailConfig.ready()``: of the core's signals
(helpdesk.signals) and of the accounts app's."""

import logging

from helpdesk.mail import tasks
from helpdesk.mail.inbound import inbound_release_verified
from helpdesk.mail.outbound import email_reply_enqueue

logger = logging.getLogger(__name__)


def on_message_posted(sender, message, may_email: bool, **kwargs) -> None:
    """An agent's answer in an email or written-request conversation leaves as an email: its
    outbox row is written in the transaction that posted it (``signals.message_posted``)."""
    if may_email:
        email_reply_enqueue(message=message)


def on_email_verified(sender, user, **kwargs) -> None:
    """``accounts.signals.email_verified`` receiver: let in the mail held for the address."""
    try:
        tasks.email_inbound_release_verified.delay(user.pk)
    except Exception:  # noqa: BLE001 - no broker: do it here rather than never
        logger.warning("release of mail held for user %s: no broker, done in process",
                       user.pk, exc_info=True)
        inbound_release_verified(user_id=user.pk)
