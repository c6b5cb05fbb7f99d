"""Every write to accounts goes through these functions."""

import logging

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.choices import Role
from accounts.models import Address, CustomerProfile, User

logger = logging.getLogger(__name__)

# The editable fields of an address, as the address form and the services know them.
ADDRESS_FIELDS = ("label", "recipient", "phone", "line1", "line2", "city", "region",
                  "postal_code", "country")
NOTIFY_FIELDS = ("notify_order_updates", "notify_request_replies", "notify_surveys",
                 "notify_promotions")


def user_set_language(*, user: User, language: str) -> bool:
    """Store ``language`` as the user's preference if it is one of ours."""
    if language not in dict(settings.LANGUAGES) or user.language == language:
        return False
    user.language = language
    user.save(update_fields=["language"])
    return True


@transaction.atomic
def customer_sign_up(*, email: str, password: str, full_name: str, language: str = "en") -> User:
    """Create a customer with a profile and the customer role.

    The caller has checked that no account uses ``email`` (in any letter case).
    """
    user = User.objects.create_user(email=email, password=password, full_name=full_name,
                                    language=language)
    CustomerProfile.objects.create(user=user)
    # The roles migration creates the group; get_or_create keeps sign-up working on a database
    # flushed since (transactional tests). The customer role carries no permissions.
    group, _ = Group.objects.get_or_create(name=Role.CUSTOMER)
    user.groups.add(group)
    return user


@transaction.atomic
def customer_profile_update(
    *,
    user: User,
    full_name: str,
    phone: str,
    language: str,
    notify_order_updates: bool,
    notify_request_replies: bool,
    notify_surveys: bool,
    notify_promotions: bool,
) -> CustomerProfile:
    """Save the customer's name, phone, language and notification preferences.

    A user without a customer profile (e.g. staff trying the help center) gets one.
    """
    user.full_name = full_name.strip()
    fields = ["full_name"]
    if language in dict(settings.LANGUAGES):
        user.language = language
        fields.append("language")
    user.save(update_fields=fields)
    profile, _ = CustomerProfile.objects.get_or_create(user=user)
    profile.phone = phone.strip()
    profile.notify_order_updates = notify_order_updates
    profile.notify_request_replies = notify_request_replies
    profile.notify_surveys = notify_surveys
    profile.notify_promotions = notify_promotions
    profile.save(update_fields=["phone", *NOTIFY_FIELDS])
    return profile


def user_password_set(*, user: User, password: str) -> None:
    """Set a new password (already validated by the caller).

    Changing the password invalidates every password-reset link issued before, and the
    sessions of other devices (the caller keeps the current one with
    ``update_session_auth_hash``). Failed-login lockouts of the account are lifted: whoever
    sets the password holds the session or the emailed link, so they own the account.
    """
    from axes.utils import reset as axes_reset

    user.set_password(password)
    user.save(update_fields=["password"])
    axes_reset(username=user.email.lower())


# --- Password reset ---------------------------------------------------------------------------

def password_reset_allowed(user: User) -> bool:
    """Whether ``user`` may receive a reset link: active, and either with a password or a
    customer without one (an account created from an inbound email: the link is how its
    owner claims it). Staff without a usable password stay locked out of resets.
    """
    return user.is_active and (user.has_usable_password() or not user.is_staff)


def password_reset_request(*, email: str) -> int:
    """Send a reset link to the active account with ``email``, if there is one
    (``password_reset_allowed``).

    The answer to the person asking never depends on the result (no account enumeration);
    the count returned is for logging and tests. The email leaves after commit.
    """
    from accounts.tasks import send_password_reset_email

    users = [
        user for user in User.objects.filter(email__iexact=(email or "").strip(), is_active=True)
        if password_reset_allowed(user)
    ]
    for user in users:
        send_password_reset_email.delay_on_commit(user.pk)
    return len(users)


def password_reset_link(*, user: User) -> str:
    """The absolute one-time link for ``user``, built on ``SITE_URL`` (never the Host header)."""
    path = reverse("accounts:password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    })
    return f"{settings.SITE_URL}{path}"


def password_reset_email_send(*, user: User) -> None:
    """Build and send the reset email in the user's preferred language."""
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "user": user,
            "reset_url": password_reset_link(user=user),
            "site_url": settings.SITE_URL,
            "valid_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
        }
        subject = "".join(
            render_to_string("accounts/email/password_reset_subject.txt", context).splitlines()
        ).strip()
        body = render_to_string("accounts/email/password_reset_body.txt", context)
    message = EmailMultiAlternatives(
        subject=subject, body=body, to=[user.email],
        # X-Helpdesk-Kind: the outbox's label for it (the outbox backend removes the header).
        headers={"Content-Language": language, "X-Helpdesk-Kind": "password"},
    )
    message.send()
    logger.info("password reset email sent to user %s", user.pk)


# --- Addresses --------------------------------------------------------------------------------

def _lock_addresses_of(user_id: int) -> None:
    """Serialize writes to one user's addresses by locking the user's row.

    One lock on the parent (rather than on each address row, which concurrent callers could
    take in different orders and deadlock) also covers addresses that do not exist yet.
    """
    list(User.objects.select_for_update().filter(pk=user_id).values_list("pk"))

@transaction.atomic
def address_create(*, user: User, **fields: str) -> Address:
    """Add an address; a customer's first address becomes their default."""
    _lock_addresses_of(user.pk)
    has_default = Address.objects.filter(user=user, is_default=True).exists()
    address = Address(user=user, is_default=not has_default,
                      **{k: v for k, v in fields.items() if k in ADDRESS_FIELDS})
    address.full_clean()
    address.save()
    return address


@transaction.atomic
def address_update(*, address: Address, **fields: str) -> Address:
    """Change an address's fields (not its default flag: see ``address_set_default``)."""
    changed = [k for k in ADDRESS_FIELDS if k in fields]
    for key in changed:
        setattr(address, key, fields[key])
    address.full_clean()
    address.save(update_fields=changed)
    return address


@transaction.atomic
def address_set_default(*, address: Address) -> Address:
    """Make ``address`` its owner's only default address.

    The owner's addresses are locked first, then the old default is cleared before the new
    one is set, so the ``one_default_address`` constraint holds at every statement.
    """
    _lock_addresses_of(address.user_id)
    Address.objects.filter(user_id=address.user_id, is_default=True).exclude(
        pk=address.pk).update(is_default=False)
    Address.objects.filter(pk=address.pk).update(is_default=True)
    address.is_default = True
    return address


@transaction.atomic
def address_delete(*, address: Address) -> None:
    """Delete an address; if it was the default, the oldest remaining one takes its place."""
    user_id, was_default = address.user_id, address.is_default
    _lock_addresses_of(user_id)
    address.delete()
    if was_default:
        successor = Address.objects.filter(user_id=user_id).order_by("id").first()
        if successor is not None:
            address_set_default(address=successor)
