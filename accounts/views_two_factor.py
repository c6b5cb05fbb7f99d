"""The staff's second sign-in step: enrolling an authenticator and typing its code.

Thin views over ``accounts.two_factor``. A user reaches them from ``TwoFactorMiddleware`` after
the password; a user who does not need two factors is sent on.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from accounts import limits, two_factor
from accounts.redirects import safe_next

# The pending secret of an enrollment lives in the session until a code confirms it: nothing
# is written to the database for a page load, and a reload shows the same QR code.
_PENDING_KEY = "two_factor_pending_key"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"), max_length=24, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text",
                                      "autofocus": True, "autocapitalize": "off",
                                      "spellcheck": "false"}),
        help_text=gettext_lazy("The 6-digit code your authenticator app shows, or one of your "
                               "backup codes."),
    )


def _next(request) -> str:
    return safe_next(request, reverse("admin:index") if request.user.is_staff else reverse("home"))


def _with_next(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"


def _refused(request) -> bool:
    return two_factor.code_attempt_refused(user=request.user, ip=limits.client_ip(request) or "")


def _signed_in(request, device) -> None:
    otp_login(request, device)
    # A session that gained a privilege gets a new key (session fixation).
    request.session.cycle_key()


@never_cache
@login_required
@sensitive_post_parameters("code")
def verify(request):
    """Ask for the code of the user's authenticator (or a backup code)."""
    user = request.user
    if not two_factor.two_factor_required(user) or user.is_verified():
        return redirect(_next(request))
    if two_factor.confirmed_totp(user) is None:
        return redirect(_with_next("accounts:two_factor_setup", request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _refused(request):
            form.add_error(None, _("Too many attempts. Wait a few minutes and try again."))
        else:
            device = two_factor.two_factor_verify(user=user, code=form.cleaned_data["code"])
            if device is not None:
                _signed_in(request, device)
                return redirect(_next(request))
            form.add_error("code", _("This code is not valid. Check the time on your phone "
                                     "and try the newest code."))
    return render(request, "accounts/two_factor/verify.html",
                  {"form": form, "next": _next(request)})


@never_cache
@login_required
@sensitive_post_parameters("code")
def setup(request):
    """Enroll an authenticator: a QR code and the secret, confirmed with a code; then the
    backup codes, shown this once."""
    user = request.user
    if not two_factor.two_factor_required(user):
        return redirect(_next(request))
    if two_factor.confirmed_totp(user) is not None:
        return redirect(_with_next("accounts:two_factor_verify", request))
    key = request.session.get(_PENDING_KEY)
    if not key:
        key = request.session[_PENDING_KEY] = two_factor.new_totp_key()
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _refused(request):
            form.add_error(None, _("Too many attempts. Wait a few minutes and try again."))
        else:
            try:
                device, codes = two_factor.totp_enroll(user=user, key=key,
                                                       code=form.cleaned_data["code"])
            except two_factor.TwoFactorError:
                return redirect(_with_next("accounts:two_factor_verify", request))
            except ValueError:
                form.add_error("code", _("This code is not valid. Check the time on your "
                                         "phone and try the newest code."))
            else:
                request.session.pop(_PENDING_KEY, None)
                _signed_in(request, device)
                return render(request, "accounts/two_factor/backup_codes.html",
                              {"codes": codes, "next": _next(request)})
    url = two_factor.totp_config_url(user=user, key=key)
    return render(request, "accounts/two_factor/setup.html", {
        "form": form, "next": _next(request), "qr": two_factor.qr_data_uri(url),
        "secret": two_factor.totp_secret_base32(key),
    })
