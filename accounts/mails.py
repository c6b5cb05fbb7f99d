"""The account emails: the links they carry (built on ``SITE_URL``, never the Host header) and
their sending, in the user's language, through the outbox. ``accounts.tasks`` sends them after
the services asked for them (``accounts.services``)."""

import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.tokens import email_verification_token

logger = logging.getLogger(__name__)


def sign_up_notice_send(*, user: User) -> None:
    """Build and send the "your address was used to sign up" notice in the user's language."""
    _account_email_send(user=user, template="accounts/email/signup_notice", kind="password",
                        context={"reset_url": password_reset_link(user=user),
                                 "login_url": f"{settings.SITE_URL}{reverse('accounts:login')}"})
    logger.info("sign-up notice sent to user %s", user.pk)


def email_verification_link(*, user: User) -> str:
    """The absolute confirmation link for ``user``, built on ``SITE_URL``."""
    return _token_link("accounts:email_verify", email_verification_token, user)


def email_verification_send(*, user: User) -> None:
    """Build and send the confirmation email in the user's preferred language."""
    _account_email_send(user=user, template="accounts/email/verify", kind="verify",
                        context={"verify_url": email_verification_link(user=user)})
    logger.info("address confirmation email sent to user %s", user.pk)


def _token_link(view_name: str, generator, user: User) -> str:
    """An absolute link to ``view_name`` carrying ``user``'s id and a token of ``generator``,
    built on ``SITE_URL`` (never the Host header)."""
    path = reverse(view_name, kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": generator.make_token(user),
    })
    return f"{settings.SITE_URL}{path}"


def password_reset_link(*, user: User) -> str:
    """The absolute one-time reset link for ``user``."""
    return _token_link("accounts:password_reset_confirm", default_token_generator, user)


def password_reset_email_send(*, user: User) -> None:
    """Build and send the reset email in the user's preferred language."""
    _account_email_send(user=user, template="accounts/email/password_reset", kind="password",
                        context={"reset_url": password_reset_link(user=user)})
    logger.info("password reset email sent to user %s", user.pk)


def link_valid_hours() -> int:
    """How long the emailed reset and confirmation links work, in whole hours (at least 1)."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)


def _account_email_send(*, user: User, template: str, kind: str, context: dict) -> None:
    """Render ``<template>_subject.txt`` and ``_body.txt`` in the user's language and send it
    to ``user.email`` through the normal email path (the outbox)."""
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"user": user, "site_url": settings.SITE_URL,
                   "valid_hours": link_valid_hours(), **context}
        subject = "".join(
            render_to_string(f"{template}_subject.txt", context).splitlines()).strip()
        body = render_to_string(f"{template}_body.txt", context)
    message = EmailMultiAlternatives(
        subject=subject, body=body, to=[user.email],
        # X-Helpdesk-Kind: the outbox's label for it (the outbox backend removes the header);
        # "verify" and "password" mark the proof links, the only mail an untrusted address gets.
        headers={"Content-Language": language, "X-Helpdesk-Kind": kind},
    )
    message.send()
