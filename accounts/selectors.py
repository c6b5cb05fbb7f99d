"""Reads for the account pages, and the one way to get an address you will act on."""

from django.db.models import QuerySet
from django.utils.http import urlsafe_base64_decode

from accounts.models import Address, CustomerProfile, User
from common.errors import NotFound


def addresses_of(*, user: User) -> QuerySet[Address]:
    """The user's own addresses, default first."""
    if not user.is_authenticated:
        return Address.objects.none()
    return Address.objects.filter(user=user).order_by("-is_default", "id")


def access_address(*, user: User, address_id, for_update: bool = False) -> Address:
    """The address ``address_id`` if it belongs to ``user``; ``NotFound`` otherwise."""
    qs = addresses_of(user=user)
    if for_update:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=int(address_id))
    except (Address.DoesNotExist, ValueError, TypeError):
        raise NotFound(address_id) from None


def customer_profile_of(*, user: User) -> CustomerProfile:
    """The user's customer profile, or an unsaved one with the defaults if they have none."""
    try:
        return CustomerProfile.objects.get(user=user)
    except CustomerProfile.DoesNotExist:
        return CustomerProfile(user=user)


def email_trusted(user: User) -> bool:
    """Whether ``user.email`` may be trusted as this account's: inbound mail from it joins
    the account and mail other than proof links (verification, password reset) is sent to it.

    Trusted once its owner followed a link sent there (``email_verified_at``: a confirmation
    link while signed in, or a completed password reset), or while a customer account has no
    usable password: such an account was made from mail sent from that address and nobody can
    sign in to it except by a reset link sent there. A staff account without a password was
    typed in by a superuser, which proves nothing about the mailbox.
    """
    if user.email_verified_at is not None:
        return True
    return not user.is_staff and not user.has_usable_password()


def user_by_uidb64(uidb64: str) -> User | None:
    """The active user a link's ``uidb64`` names, or None (bad, unknown or inactive alike)."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def password_reset_allowed(user: User) -> bool:
    """Whether ``user`` may receive a reset link: active, and either with a password or a
    customer without one (an account created from an inbound email: the link is how its
    owner claims it). Staff without a usable password stay locked out of resets.

    Whether the address is trusted (``email_trusted``) does not matter: the link is itself
    the proof. It goes only to the address, and completing it confirms the address
    (``password_reset_complete``), which is how a customer takes back an address that
    someone else signed up with. The accounts without a password it admits are exactly the
    ones ``email_trusted`` trusts without a confirmation.
    """
    return user.is_active and (user.has_usable_password() or not user.is_staff)
