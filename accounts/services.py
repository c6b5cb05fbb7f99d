"""Every write to accounts goes through these functions."""

import logging

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.choices import Language, Role
from accounts.models import Address, CustomerProfile, User
from accounts.selectors import email_trusted, password_reset_allowed
from accounts.signals import email_verified
from accounts.tasks import send_password_reset_email, send_sign_up_notice, send_verification_email

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
def customer_create(*, email: str, full_name: str = "", password: str | None = None,
                    language: str = Language.EN) -> User:
    """Create a customer: the account, a profile and the customer role. The one way a customer
    account is made: sign-up, an email from an unknown sender, the demo data.

    ``password=None`` gives no usable password (an email sender: they can never log in with a
    guessed one, only after a password reset to their mailbox). A ``language`` we do not offer
    falls back to English; no ``full_name`` takes the address's local part. The caller has
    checked that no account uses ``email`` (in any letter case); one made meanwhile makes this
    raise IntegrityError.
    """
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name or email.split("@")[0],
        language=language if language in Language.values else Language.EN)
    CustomerProfile.objects.create(user=user)
    # The roles migration creates the group; get_or_create keeps sign-up working on a database
    # flushed since (transactional tests). The customer role carries no permissions.
    group, _ = Group.objects.get_or_create(name=Role.CUSTOMER)
    user.groups.add(group)
    return user


def sign_up_request(*, email: str, password: str, full_name: str,
                    language: str = "en") -> User | None:
    """Sign a visitor up with ``email``; what they see must not depend on the address being free.

    A free address gets a new customer (``customer_create``), not yet trusted, and a link to
    confirm the address. An address that already has an account gets no new account, and its
    owner a notice with a password-reset link (that account may be theirs, or someone else's
    made with their address: the reset takes it back). Returns the new user, or None. Emails
    leave after commit.
    """
    email = email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = customer_create(email=email, password=password, full_name=full_name,
                                       language=language)
        except IntegrityError:  # the same address signed up a moment ago
            existing = User.objects.filter(email__iexact=email).first()
        else:
            email_verification_request(user=user)
            return user
    else:
        # The work of creating one (hashing the password), so the time taken tells nothing.
        make_password(password)
    if existing is not None:
        sign_up_notice_request(user=existing)
    return None


def sign_up_notice_request(*, user: User) -> bool:
    """Tell the owner of ``user.email`` that someone tried to sign up with it, with a
    password-reset link (a proof link, so it may go to an address not yet trusted). Nothing
    for an account that may not reset its password (``password_reset_allowed``)."""
    if not password_reset_allowed(user):
        return False
    send_sign_up_notice.delay_on_commit(user.pk)
    return True


# --- Confirming the email address -------------------------------------------------------------

def email_verification_request(*, user: User) -> bool:
    """Send ``user`` a link to confirm their address, after commit; False (nothing sent) when
    the address is already trusted (``email_trusted``)."""
    if email_trusted(user) or not user.is_active:
        return False
    send_verification_email.delay_on_commit(user.pk)
    return True


def email_verify(*, user: User) -> bool:
    """Record that the owner of ``user.email`` proved it (they followed a link sent there);
    False if it was already proven. ``email_verified`` receivers hear of it after commit.

    The caller checked the proof: a confirmation link followed by the signed-in account
    holder, or a password reset completed through its emailed link.
    """
    now = timezone.now()
    updated = User.objects.filter(pk=user.pk, email__iexact=user.email,
                                  email_verified_at__isnull=True).update(email_verified_at=now)
    if not updated:
        return False
    user.email_verified_at = now
    transaction.on_commit(lambda: email_verified.send(sender=User, user=user))
    logger.info("user %s confirmed their email address", user.pk)
    return True


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


@transaction.atomic
def password_reset_complete(*, user: User, password: str) -> None:
    """Set the password chosen through an emailed reset link (already validated).

    Following that link proved the mailbox, so the address becomes trusted (``email_verify``),
    and every other session of the account ends (their session hash no longer matches): how
    the owner of an address takes back an account someone else made with it.
    """
    user_password_set(user=user, password=password)
    email_verify(user=user)


# --- Password reset ---------------------------------------------------------------------------

def password_reset_request(*, email: str) -> int:
    """Send a reset link to the active account with ``email``, if there is one
    (``password_reset_allowed``).

    The answer to the person asking never depends on the result (no account enumeration);
    the count returned is for logging and tests. The email leaves after commit.
    """
    users = [
        user for user in User.objects.filter(email__iexact=(email or "").strip(), is_active=True)
        if password_reset_allowed(user)
    ]
    for user in users:
        send_password_reset_email.delay_on_commit(user.pk)
    return len(users)


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


# --- Users and roles in the admin (superusers only) -------------------------------------------

def can_manage_users(user) -> bool:
    """Whether ``user`` may add and change users, set their passwords, staff status and roles:
    superusers only, whatever permissions a role or a user was given."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


@transaction.atomic
def user_admin_save(*, by, user: User, changed=(), groups=None, user_permissions=None) -> User:
    """Save a user edited in the admin by ``by`` (a superuser), with their roles.

    A changed address is no longer trusted: typing it in proves nothing about the mailbox
    (``email_trusted``); its owner proves it again by the link sent there.
    """
    from django.core.exceptions import PermissionDenied

    if not can_manage_users(by):
        raise PermissionDenied
    if "email" in changed:
        user.email = User.objects.normalize_email(user.email).lower()
        user.email_verified_at = None
    user.save()
    if groups is not None:
        user.groups.set(groups)
    if user_permissions is not None:
        user.user_permissions.set(user_permissions)
    return user
