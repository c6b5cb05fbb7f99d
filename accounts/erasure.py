"""Erasing a customer's account: their personal data goes, their conversations stay anonymous.

``customer_erase`` runs in one transaction: it sends ``accounts.signals.customer_erasing`` so
each app above erases its own data of the customer (orders.erasure, helpdesk.erasure,
helpdesk.mail.erasure: accounts never imports them), then anonymises the account itself. A
failure anywhere rolls all of it back; stored files are deleted only after the commit.

What stays is a tombstone row (``User.erased_at``): no name, an address nobody can receive mail
at, no password, inactive. Conversations, orders, ratings' scores and timings keep pointing at
it and show "Deleted customer" in the console and the reports. The address is free again: a new
sign-up with it is a new account, and nothing of the old one joins it.
"""

import logging
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.audit import acting, audit_record
from accounts.models import Address, CustomerProfile, User
from accounts.signals import customer_erasing

logger = logging.getLogger(__name__)

# What replaces text a customer wrote (messages, return descriptions) once they are erased.
ERASED_TEXT = "[erased]"
# RFC 2606 reserves .invalid: an erased address can never route anywhere.
ERASED_DOMAIN = "erased.invalid"
REASON_MAX_LENGTH = 500


class ErasureRefused(Exception):
    """This account cannot be erased this way (staff, or already erased)."""


def erased_email() -> str:
    """A unique address at no host, for the tombstone's unique ``email`` column."""
    return f"erased-{secrets.token_hex(12)}@{ERASED_DOMAIN}"


def files_delete_on_commit(storage, names) -> None:
    """Delete the stored files ``names`` once the surrounding transaction commits (never before:
    a rollback must find them). A file that cannot be deleted is logged, not raised: the rows
    no longer point at it and the commit has happened."""
    names = [name for name in names if name]
    if not names:
        return

    def delete():
        for name in names:
            try:
                storage.delete(name)
            except Exception:  # noqa: BLE001 - one stuck file must not hide the others
                logger.exception("erasure: could not delete stored file %s", name)

    transaction.on_commit(delete)


def blank_update(queryset, *, keep: set[str], **values) -> int:
    """Update ``queryset`` setting every concrete field not in ``keep`` (nor a key or relation)
    to its empty value, or to ``values``' one. A field added later to the model is erased too
    unless someone decides to keep it."""
    from django.db import models

    for field in queryset.model._meta.concrete_fields:
        if field.name in keep or field.name in values or field.primary_key or field.is_relation:
            continue
        if field.null:
            values[field.name] = None
        elif isinstance(field, models.JSONField):
            values[field.name] = field.get_default()
        elif isinstance(field, models.CharField | models.TextField | models.FileField):
            values[field.name] = ""
        else:
            raise ValueError(f"erasure: no empty value for {queryset.model.__name__}."
                             f"{field.name}; keep it or give one")
    return queryset.update(**values)


def _may_erase(actor, customer) -> bool:
    """The customer themself, or an active agent or manager acting on the customer's request
    (the caller has fetched the customer through an access function of theirs)."""
    if actor.pk == customer.pk:
        return True
    return bool(actor.is_active and actor.is_staff
                and (actor.is_superuser or actor.is_agent or actor.is_manager))


def customer_erase(*, customer: User, actor: User, reason: str = "") -> User:
    """Erase ``customer``'s personal data everywhere and close the account.

    ``actor`` is the customer (who has just confirmed their password) or staff acting on the
    customer's request, who must give a ``reason`` (kept in the audit log). Raises
    PermissionDenied for anyone else, ErasureRefused for a staff account or one already erased,
    ValueError for a missing reason. Every session of the account stops working (the password
    hash changes and the account is inactive; open chat sockets close on the user's re-check).
    """
    reason = (reason or "").strip()[:REASON_MAX_LENGTH]
    if not _may_erase(actor, customer):
        raise PermissionDenied
    if actor.pk != customer.pk and not reason:
        raise ValueError("a reason is required")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=customer.pk)
        if user.erased_at is not None:
            raise ErasureRefused("already erased")
        if user.is_staff or user.is_superuser:
            raise ErasureRefused("staff account")
        email, name = user.email, user.full_name
        # Each app erases its own data first; a receiver that raises rolls everything back.
        customer_erasing.send(sender=User, user=user, email=email)
        _erase_own(user, email)
        _audit_forget(user, email, name)
        # A customer erasing themself is recorded as the tombstone (no address of theirs).
        by_customer = actor.pk == user.pk
        audit_record(actor=user if by_customer else actor, action="customer.erase",
                     target=user, kind="delete",
                     details={"reason": reason, "by_customer": by_customer})
    logger.info("customer %s erased by user %s", user.pk, actor.pk)
    return user


def _erase_own(user: User, email: str) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    Address.objects.filter(user=user).delete()
    CustomerProfile.objects.filter(user=user).update(
        phone="", notify_order_updates=False, notify_request_replies=False,
        notify_surveys=False, notify_promotions=False)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=email).delete()
    user.user_permissions.clear()
    user.email = erased_email()
    user.full_name = ""
    user.set_unusable_password()
    user.is_active = False
    user.email_verified_at = None
    user.last_login = None
    user.erased_at = timezone.now()
    # "password" and "is_active" among the fields: the core's post_save receiver closes the
    # account's chat sockets at once. Not audited as a row change (the diff would write the
    # address and name into the log): the erasure is recorded as one event instead.
    with acting(user=None):
        user.save(update_fields=["email", "full_name", "password", "is_active",
                                 "email_verified_at", "last_login", "erased_at"])


_PERSONAL_USER_FIELDS = {"email", "full_name"}


def _scrubbed(value, secrets_: list[str]):
    if isinstance(value, str):
        for secret in secrets_:
            if secret.lower() in value.lower():
                return ERASED_TEXT
        return value
    if isinstance(value, list):
        return [_scrubbed(v, secrets_) for v in value]
    if isinstance(value, dict):
        return {k: _scrubbed(v, secrets_) for k, v in value.items()}
    return value


def _audit_forget(user: User, email: str, name: str) -> None:
    """Audit entries about the account keep what happened and who did it, not the customer's
    address or name (which a staff member's earlier change of them wrote into the diff)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    secrets_ = [s for s in (email, name) if s]
    about = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User, for_concrete_model=False),
        object_pk=str(user.pk))
    for entry in about | LogEntry.objects.filter(object_repr__icontains=email):
        entry.object_repr = f"{User._meta.verbose_name} #{entry.object_pk}"
        changes = _scrubbed(entry.changes, secrets_)
        if isinstance(changes, dict):  # earlier names and addresses too, not only the last
            changes = {field: ([ERASED_TEXT, ERASED_TEXT] if field in _PERSONAL_USER_FIELDS
                               else value) for field, value in changes.items()}
        entry.changes = changes
        entry.changes_text = _scrubbed(entry.changes_text, secrets_)
        entry.serialized_data = None
        entry.additional_data = _scrubbed(entry.additional_data, secrets_)
        entry.save(update_fields=["object_repr", "changes", "changes_text", "serialized_data",
                                  "additional_data"])
