"""Vocabularies shared by every app (accounts is the lowest layer, so they live here)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    ORDERS = "orders", _("Orders and delivery")
    RETURNS = "returns", _("Returns and refunds")
    PAYMENT = "payment", _("Payment")
    ACCOUNT = "account", _("Account and security")
    PROMOTIONS = "promotions", _("Promotions and coupons")
    MEMBERSHIP = "membership", _("Membership")
    TECHNICAL = "technical", _("App and website problems")


class Language(models.TextChoices):
    EN = "en", _("English")
    RU = "ru", _("Russian")
    ZH = "zh-hans", _("Simplified Chinese")


class Role(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    MANAGER = "manager", _("Manager")
