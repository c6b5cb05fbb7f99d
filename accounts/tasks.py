"""Background work of the accounts app. Tasks take ids, load, and call one service."""

import logging
import smtplib
from importlib import import_module

from celery import shared_task
from django.conf import settings

from accounts.mails import email_verification_send, password_reset_email_send, sign_up_notice_send
from accounts.models import User
from accounts.selectors import email_trusted, password_reset_allowed

logger = logging.getLogger(__name__)

# Account mail: retried on the delivery errors a task can still meet (the outbox retries the
# sending itself).
_MAIL_RETRY = {
    "autoretry_for": (smtplib.SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": 30, "retry_backoff_max": 600, "retry_jitter": True, "max_retries": 5,
}


def _active_user(user_id: int):
    return User.objects.filter(pk=user_id, is_active=True).first()


@shared_task(**_MAIL_RETRY)
def send_password_reset_email(user_id: int) -> bool:
    """Email a password-reset link to the user ``user_id`` if they are still active."""
    user = _active_user(user_id)
    if user is None or not password_reset_allowed(user):
        logger.info("password reset for user %s skipped: inactive or gone", user_id)
        return False
    password_reset_email_send(user=user)
    return True


@shared_task(**_MAIL_RETRY)
def send_verification_email(user_id: int) -> bool:
    """Email the user ``user_id`` a link to confirm their address, unless it is trusted by now."""
    user = _active_user(user_id)
    if user is None or email_trusted(user):
        logger.info("address confirmation for user %s skipped: confirmed, inactive or gone",
                    user_id)
        return False
    email_verification_send(user=user)
    return True


@shared_task(**_MAIL_RETRY)
def send_sign_up_notice(user_id: int) -> bool:
    """Tell the user ``user_id`` that someone tried to sign up with their address."""
    user = _active_user(user_id)
    if user is None or not password_reset_allowed(user):
        logger.info("sign-up notice for user %s skipped: inactive or gone", user_id)
        return False
    sign_up_notice_send(user=user)
    return True


@shared_task
def clear_expired_sessions() -> None:
    """Delete expired sessions (what ``manage.py clearsessions`` does), nightly from beat."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
