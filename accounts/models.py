from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Language, Role

# How an erased customer is named wherever a name is shown (console, reports, admin).
ERASED_NAME = _("Deleted customer")


class UserManager(DjangoUserManager):
    """Users log in with their email address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    language = models.CharField(
        _("preferred language"), max_length=10, choices=Language.choices, default=Language.EN
    )
    is_staff = models.BooleanField(
        _("staff status"), default=False,
        help_text=_("Agents and managers are staff: they work in the admin."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # When the owner of ``email`` proved it by following a link sent there. Until then the
    # address is not trusted: inbound mail does not join this account and nothing but the
    # proof links is sent to it (accounts.services.email_trusted).
    email_verified_at = models.DateTimeField(_("email verified"), null=True, blank=True,
                                             editable=False)
    # When the account was erased (accounts.erasure.customer_erase): the row stays, without
    # personal data, so conversations and orders keep their customer for the reports.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        if self.erased_at:
            return str(ERASED_NAME)
        return f"{self.full_name} <{self.email}>" if self.full_name else self.email

    def get_full_name(self):
        if self.erased_at:
            return str(ERASED_NAME)
        return self.full_name or self.email

    def get_short_name(self):
        if self.erased_at:
            return str(ERASED_NAME)
        return self.full_name.split(" ")[0] if self.full_name else self.email.split("@")[0]

    def has_role(self, role: str) -> bool:
        return self.groups.filter(name=role).exists()

    @property
    def is_agent(self) -> bool:
        return self.is_staff and self.has_role(Role.AGENT)

    @property
    def is_manager(self) -> bool:
        return self.is_staff and (self.is_superuser or self.has_role(Role.MANAGER))


class MembershipTier(models.TextChoices):
    STANDARD = "standard", _("Standard")
    PREMIUM = "premium", _("Premium")


class CustomerProfile(models.Model):
    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="customer_profile", verbose_name=_("user")
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    tier = models.CharField(
        _("membership tier"), max_length=16, choices=MembershipTier.choices,
        default=MembershipTier.STANDARD,
    )
    notify_order_updates = models.BooleanField(_("email me about my orders and returns"), default=True)
    notify_request_replies = models.BooleanField(_("email me replies to my requests"), default=True)
    notify_surveys = models.BooleanField(_("ask me to rate the help I got"), default=True)
    notify_promotions = models.BooleanField(_("email me promotions and coupons"), default=False)

    class Meta:
        verbose_name = _("customer profile")
        verbose_name_plural = _("customer profiles")

    def __str__(self):
        return str(self.user)

    @property
    def is_premium(self) -> bool:
        return self.tier == MembershipTier.PREMIUM


class Address(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("user")
    )
    label = models.CharField(_("label"), max_length=50, blank=True, help_text=_("Home, work, ..."))
    recipient = models.CharField(_("recipient"), max_length=150)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    line1 = models.CharField(_("address"), max_length=200)
    line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("region"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20)
    country = models.CharField(_("country"), max_length=2, default="RU", help_text=_("Two-letter code"))
    is_default = models.BooleanField(_("default address"), default=False)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(is_default=True), name="one_default_address"
            )
        ]

    def __str__(self):
        return ", ".join(p for p in [self.line1, self.city, self.postal_code, self.country] if p)


class AgentStatus(models.TextChoices):
    ONLINE = "online", _("Online")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Offline")


def default_languages():
    return [Language.EN.value]


class AgentProfile(models.Model):
    """An agent's working state. Teams are in helpdesk.Team (the core owns them)."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="agent_profile", verbose_name=_("user")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AgentStatus.choices, default=AgentStatus.OFFLINE
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    max_concurrent_chats = models.PositiveSmallIntegerField(_("maximum concurrent chats"), default=3)
    # Written requests and emails are a backlog, not live work: their own maximum, so emails
    # never take a chat's place (helpdesk.services.routing).
    max_open_requests = models.PositiveSmallIntegerField(
        _("maximum open written requests"), default=10,
        help_text=_("Written requests and emails assigned automatically, at most."))
    languages = models.JSONField(_("languages"), default=default_languages, blank=True,
                                 help_text=_("Language codes the agent answers in."))
    skills = models.JSONField(_("topic skills"), default=list, blank=True,
                              help_text=_("Topics the agent handles; empty means all."))

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")
        indexes = [models.Index(fields=["status"], name="agent_status_idx")]

    def __str__(self):
        return f"{self.user} ({self.get_status_display()})"

    def speaks(self, language: str) -> bool:
        return not self.languages or language in self.languages

    def handles(self, topic: str) -> bool:
        return not self.skills or topic in self.skills
