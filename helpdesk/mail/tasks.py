"""Background work of the email channel on incoming mail: the IMAP poller, releasing held mail.
Tasks take ids, load, and call one service. The tasks that send: ``send_tasks``."""

from celery import shared_task

from helpdesk.mail import send_tasks  # noqa: F401 - registers the sending tasks with the worker
from helpdesk.mail.imap import imap_poll
from helpdesk.mail.inbound import inbound_release_verified


@shared_task(ignore_result=True, acks_late=True, time_limit=600)
def email_imap_poll() -> int:
    """Beat: read new messages from the IMAP mailbox of settings.IMAP_URL."""
    return imap_poll()


@shared_task(ignore_result=True, acks_late=True)
def email_inbound_release_verified(user_id: int) -> int:
    """Let in the mail held because the address of account ``user_id`` was not verified
    (helpdesk.mail.inbound.inbound_release_verified); sent when it has been."""
    return inbound_release_verified(user_id=user_id)
