"""Forms of the account pages. They validate; the services in accounts.services write."""

import re

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Address, User
from accounts.services import (
    ADDRESS_FIELDS,
    NOTIFY_FIELDS,
    password_reset_complete,
    user_password_set,
)


def normalize_email(value: str) -> str:
    return (value or "").strip().lower()


def axes_username(request, credentials) -> str:
    """The name axes counts failures under: the email in lower case, however it was typed.

    Without this, "A@x.com" and "a@x.com" would each get their own failure allowance.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field) or credentials.get("email") or ""
    else:
        value = request.POST.get(field, "") if request is not None else ""
    return normalize_email(value)


class LoginForm(auth_forms.AuthenticationForm):
    """Django's login form (which passes ``request`` to ``authenticate``, so axes sees every
    attempt), with an email input. The field stays named ``username`` for axes."""

    username = auth_forms.UsernameField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class SignUpForm(auth_forms.SetPasswordMixin, forms.Form):
    """Email (the login), full name, the password twice, and the language."""

    email = forms.EmailField(
        label=_("Email address"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    full_name = forms.CharField(
        label=_("Full name"), max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1, password2 = auth_forms.SetPasswordMixin.create_password_fields()
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def clean_email(self):
        # Whether the address already has an account is not said here (nor anywhere on the
        # page): accounts.services.sign_up_request tells the address's owner instead.
        return normalize_email(self.cleaned_data["email"])

    def clean_full_name(self):
        return self.cleaned_data["full_name"].strip()

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        # The validators compare the password with the email and name of the future user.
        self.validate_password_for_user(
            User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
        )
        return cleaned


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's validation; the write goes through ``user_password_set``."""

    def save(self, commit=True):
        user_password_set(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class SetPasswordForm(auth_forms.SetPasswordForm):
    """The new password after a reset link; the write goes through ``password_reset_complete``
    (which also confirms the address the link was sent to)."""

    def save(self, commit=True):
        password_reset_complete(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class PasswordResetForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    notify_order_updates = forms.BooleanField(
        label=_("Email me about my orders and returns"), required=False)
    notify_request_replies = forms.BooleanField(
        label=_("Email me replies to my requests"), required=False)
    notify_surveys = forms.BooleanField(label=_("Ask me to rate the help I got"), required=False)
    notify_promotions = forms.BooleanField(
        label=_("Email me promotions and coupons"), required=False)

    def clean_full_name(self):
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter your name."), code="required")
        return name

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone", ""))

    @classmethod
    def initial_for(cls, *, user: User, profile) -> dict:
        return {"full_name": user.full_name, "phone": profile.phone, "language": user.language,
                **{name: getattr(profile, name) for name in NOTIFY_FIELDS}}


_PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{5,31}$")


def clean_phone(value: str) -> str:
    value = (value or "").strip()
    if value and (not _PHONE_RE.match(value) or sum(c.isdigit() for c in value) < 5):
        raise forms.ValidationError(
            _("Enter a phone number of digits, for example +7 495 123-45-67."), code="invalid")
    return value


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = list(ADDRESS_FIELDS)
        widgets = {
            "recipient": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "region": forms.TextInput(attrs={"autocomplete": "address-level1"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "country": forms.TextInput(attrs={"autocomplete": "country", "size": 2}),
        }

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean_country(self):
        country = (self.cleaned_data.get("country") or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise forms.ValidationError(
                _("Enter the two-letter country code, for example RU or CN."), code="invalid")
        return country
