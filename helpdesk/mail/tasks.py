"""Background work of the email channel: sending outbox rows, the sweeper, the IMAP poller,
releasing held mail. Tasks take ids, load, and call one service."""

from celery import shared_task


@shared_task(bind=True, ignore_result=True, acks_late=True, max_retries=None, time_limit=300)
def email_send(self, outbound_id: int) -> str:
    """Send one outbox row (helpdesk.mail.outbox). Temporary failures come back after a
    backoff; the row itself records when, so the sweeper repairs a lost retry."""
    from helpdesk.mail.outbox import outbox_deliver

    result = outbox_deliver(outbound_id=outbound_id)
    if result.outcome == "retry" and not self.request.is_eager:
        raise self.retry(countdown=result.retry_in)
    return result.outcome


@shared_task(bind=True, ignore_result=True, acks_late=True, max_retries=None, time_limit=600)
def email_send_batch(self, limit: int | None = None) -> int:
    """Send up to ``limit`` (EMAIL_SEND_BATCH) due outbox rows over one SMTP connection
    (helpdesk.mail.outbox.outbox_deliver_batch). Comes back when a row was given back with a
    backoff; hands rows it had no time for to a fresh task."""
    from helpdesk.mail.outbox import outbox_deliver_batch

    result = outbox_deliver_batch(limit=limit)
    if not self.request.is_eager:
        if result.retry_in:
            raise self.retry(countdown=result.retry_in)
        if result.released:
            email_send_batch.delay(limit)
    return result.sent


@shared_task(ignore_result=True)
def email_outbox_sweep() -> int:
    """Beat: re-schedule outbox rows whose task was lost or whose worker died."""
    from helpdesk.mail.outbox import outbox_sweep

    return outbox_sweep()


@shared_task(ignore_result=True, acks_late=True, time_limit=600)
def email_imap_poll() -> int:
    """Beat: read new messages from the IMAP mailbox of settings.IMAP_URL."""
    from helpdesk.mail.imap import imap_poll

    return imap_poll()


@shared_task(ignore_result=True, acks_late=True)
def email_inbound_release_verified(user_id: int) -> int:
    """Let in the mail held because the address of account ``user_id`` was not verified
    (helpdesk.mail.inbound.inbound_release_verified); sent when it has been."""
    from helpdesk.mail.inbound import inbound_release_verified

    return inbound_release_verified(user_id=user_id)
