"""Two-factor sign-in for staff: a TOTP authenticator (django-otp) with static backup codes.

Who needs it (``two_factor_required``): superusers when ``SUPERUSER_REQUIRE_2FA`` (on by default
with DEBUG off; the system check helpdesk.E006 refuses a production start without it), agents
and managers too when ``STAFF_REQUIRE_2FA``. Customers never.

For such a user a session signed in with the password alone is half signed in:
``TwoFactorMiddleware`` sends every request (the admin, and so the agent console and the
reports, but also the help center) to the code page, or to enrollment when they have no
authenticator yet; the chat socket refuses the session (``session_satisfies``). A code proves
the session with django-otp's ``login``, which stores the device in the session.

Secrets are stored as django-otp stores them: the TOTP key (hex) in
``otp_totp_totpdevice.key`` and the backup codes in ``otp_static_statictoken.token``, both in
the clear in the database. What protects them is the database's access control and its backups';
the help desk shows a key only on the enrollment page (to the person enrolling) and backup codes
once, and django-otp's device admins are not registered (``unregister_device_admins``).
"""

import logging
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts.audit import audit_record
from accounts.models import User
from accounts.signals import two_factor_reset as two_factor_reset_signal
from accounts.throttles import Limit, throttle_any

logger = logging.getLogger(__name__)

BACKUP_CODE_COUNT = 10
_THROTTLE_SCOPE = "two_factor"


class TwoFactorError(Exception):
    """Enrollment cannot go on (e.g. the account already has an authenticator)."""


def two_factor_required(user) -> bool:
    """Whether ``user`` must confirm a code after the password (settings read per call)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return settings.SUPERUSER_REQUIRE_2FA or (user.is_staff and settings.STAFF_REQUIRE_2FA)
    return bool(user.is_staff) and settings.STAFF_REQUIRE_2FA


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def session_satisfies(user, session) -> bool:
    """Whether ``session`` of ``user`` may act: 2FA is not required of them, or the session was
    verified with a confirmed device of theirs that still exists (a reset removes it)."""
    if not two_factor_required(user):
        return True
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    return device is not None and device.user_id == user.pk and device.confirmed


# --- Enrollment -------------------------------------------------------------------------------

def new_totp_key() -> str:
    """A fresh TOTP secret, hex as django-otp stores it (20 random bytes)."""
    return random_hex(20)


def totp_config_url(*, user, key: str) -> str:
    """The ``otpauth://`` URL an authenticator app reads (django-otp builds it)."""
    return TOTPDevice(user=user, key=key).config_url


def totp_secret_base32(key: str) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    from base64 import b32encode
    from binascii import unhexlify

    text = b32encode(unhexlify(key)).decode("ascii").rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as an SVG data URI: drawn on the server, no script (CSP)."""
    return segno.make(url, error="m").svg_data_uri(scale=5, border=2)


@transaction.atomic
def totp_enroll(*, user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator holding ``key`` with a ``code`` it shows, and issue new backup
    codes (returned once, to be shown once). Raises TwoFactorError when the account already has
    an authenticator, ValueError when the code is wrong; nothing is stored then."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if confirmed_totp(user) is not None:
        raise TwoFactorError("already enrolled")
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, key=key, name="Authenticator", confirmed=False)
    if not device.verify_token(code):
        raise ValueError("wrong code")  # the atomic block drops the device
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    backup = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=backup, token=c) for c in codes)
    logger.info("two-factor enrollment of user %s", user.pk)
    audit_record(actor=user, action="two_factor.enroll", target=user, kind="create")
    return device, codes


# --- Signing in with a code -------------------------------------------------------------------

def code_attempt_refused(*, user, ip: str) -> bool:
    """Count one code attempt for ``user`` and ``ip``; True when either is over its limit
    (refuse without checking the code)."""
    window = settings.TWO_FACTOR_ATTEMPTS_WINDOW_SECONDS
    return throttle_any(
        scope=_THROTTLE_SCOPE,
        idents={"account": str(user.pk), "ip": ip or ""},
        limits={"account": Limit(settings.TWO_FACTOR_ATTEMPTS_PER_ACCOUNT, window),
                "ip": Limit(settings.TWO_FACTOR_ATTEMPTS_PER_IP, window)},
    )


def two_factor_verify(*, user, code: str) -> Device | None:
    """The confirmed device of ``user`` that accepts ``code`` (the authenticator's current code,
    or an unused backup code, which is then used up), or None.

    Each device is checked under its row lock (``django_otp.verify_token``), so a code is
    accepted once and django-otp's own back-off after failures holds under concurrency.
    """
    code = "".join((code or "").split()).lower()
    if not code or len(code) > 16:
        return None
    for device in devices_for_user(user, confirmed=True):
        if isinstance(device, TOTPDevice) and not code.isdigit():
            continue
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


# --- Reset by a superuser ---------------------------------------------------------------------

@transaction.atomic
def two_factor_reset(*, actor, user: User) -> int:
    """Remove every two-factor device of ``user`` (a lost phone); they enroll again at their
    next sign-in. Only a superuser may. Sessions verified with the removed devices stop
    working at once (the middleware and the chat socket find the device gone; receivers of
    ``accounts.signals.two_factor_reset`` close open sockets). Returns the devices removed."""
    if not (actor.is_active and actor.is_superuser):
        raise PermissionDenied
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    logger.info("two-factor devices of user %s reset by user %s (%s removed)", user.pk,
                actor.pk, removed)
    audit_record(actor=actor, action="two_factor.reset", target=user, kind="delete",
                 details={"removed": removed})
    two_factor_reset_signal.send(sender=User, user=user)
    return removed


def unregister_device_admins(site) -> None:
    """Take django-otp's device admins off ``site``: they show and edit keys and would be a
    second write path beside ``two_factor_reset``."""
    from django_otp.plugins.otp_static.models import StaticDevice as _Static

    for model in (TOTPDevice, _Static):
        if site.is_registered(model):
            site.unregister(model)


# --- The gate ---------------------------------------------------------------------------------

def _exempt_paths() -> tuple[str, ...]:
    return (
        reverse("accounts:two_factor_verify"),
        reverse("accounts:two_factor_setup"),
        reverse("accounts:logout"),
        reverse("admin:logout"),
        reverse("set_language"),
        reverse("healthz"),
    )


class TwoFactorMiddleware:
    """Send a half signed-in user who must use two factors to the code page.

    Installed after django-otp's ``OTPMiddleware`` (which sets ``user.is_verified``); a user
    without that attribute counts as unverified, so a missing middleware fails closed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and two_factor_required(user)
                and not (getattr(user, "is_verified", None) and user.is_verified())
                and not request.path.startswith(settings.STATIC_URL)
                and request.path not in _exempt_paths()):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:two_factor_verify')}?{query}")
        return self.get_response(request)
