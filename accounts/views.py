"""The customer's account pages: thin views over accounts.forms, selectors and services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import (
    DUPLICATE_EMAIL,
    AddressForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    SetPasswordForm,
    SignUpForm,
)

# Sign-up logs the new customer in with the model backend (axes only guards password checks).
_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _address_or_404(request, address_id, *, for_update: bool = False):
    try:
        return selectors.access_address(user=request.user, address_id=address_id,
                                        for_update=for_update)
    except selectors.NotFound:
        raise Http404 from None


# --- Logging in and out -----------------------------------------------------------------------

class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Logging out is a POST (Django refuses GET), so a link elsewhere cannot log you out."""


@sensitive_post_parameters("password1", "password2")
def sign_up(request):
    if request.user.is_authenticated:
        return redirect("accounts:account")
    if request.method == "POST":
        form = SignUpForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.customer_sign_up(
                    email=data["email"], password=data["password1"],
                    full_name=data["full_name"], language=data["language"],
                )
            except IntegrityError:  # the same email signed up a moment ago
                form.add_error("email", DUPLICATE_EMAIL)
            else:
                login(request, user, backend=_MODEL_BACKEND)
                translation.activate(user.language)
                messages.success(request, _("Welcome! Your account is ready."))
                return redirect(_safe_next(request, reverse("accounts:account")))
    else:
        form = SignUpForm(initial={"language": translation.get_language()})
    return render(request, "accounts/signup.html", {"form": form,
                                                    "next": _safe_next(request, "")})


# --- Password reset and change --------------------------------------------------------------

def password_reset(request):
    """Ask for a reset link. The page answers the same whether the address exists or not."""
    if request.method == "POST":
        form = PasswordResetForm(request.POST)
        if form.is_valid():
            services.password_reset_request(email=form.cleaned_data["email"])
            return redirect("accounts:password_reset_done")
    else:
        form = PasswordResetForm()
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_done(request):
    hours = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
    return render(request, "accounts/password_reset_done.html", {"valid_hours": hours})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's checks of the one-time link (it stops working once the password changes)."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


def password_reset_complete(request):
    return render(request, "accounts/password_reset_complete.html")


@login_required
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
def password_change(request):
    if request.method == "POST":
        form = PasswordChangeForm(user=request.user, data=request.POST)
        if form.is_valid():
            form.save()
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:account")
    else:
        form = PasswordChangeForm(user=request.user)
    return render(request, "accounts/password_change.html", {"form": form})


# --- My account, profile and addresses --------------------------------------------------------

@login_required
def account(request):
    profile = selectors.customer_profile_of(user=request.user)
    addresses = selectors.addresses_of(user=request.user)
    return render(request, "accounts/account.html", {
        "profile": profile,
        "default_address": addresses.filter(is_default=True).first(),
        "address_count": addresses.count(),
    })


@login_required
def profile_edit(request):
    profile = selectors.customer_profile_of(user=request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.customer_profile_update(user=request.user, **form.cleaned_data)
            translation.activate(request.user.language)
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile")
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(user=request.user, profile=profile))
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def address_list(request):
    return render(request, "accounts/address_list.html",
                  {"addresses": selectors.addresses_of(user=request.user)})


@login_required
def address_add(request):
    if request.method == "POST":
        form = AddressForm(request.POST)
        if form.is_valid():
            services.address_create(user=request.user, **form.cleaned_data)
            messages.success(request, _("The address has been added."))
            return redirect("accounts:addresses")
    else:
        form = AddressForm(initial={"recipient": request.user.full_name})
    return render(request, "accounts/address_form.html", {"form": form, "address": None})


@login_required
def address_edit(request, address_id: int):
    address = _address_or_404(request, address_id)
    if request.method == "POST":
        form = AddressForm(request.POST, instance=address)
        if form.is_valid():
            services.address_update(address=address, **form.cleaned_data)
            messages.success(request, _("The address has been saved."))
            return redirect("accounts:addresses")
    else:
        form = AddressForm(instance=address)
    return render(request, "accounts/address_form.html", {"form": form, "address": address})


@login_required
def address_delete(request, address_id: int):
    address = _address_or_404(request, address_id)
    if request.method == "POST":
        services.address_delete(address=address)
        messages.success(request, _("The address has been deleted."))
        return redirect("accounts:addresses")
    return render(request, "accounts/address_confirm_delete.html", {"address": address})


@login_required
@require_POST
def address_set_default(request, address_id: int):
    address = _address_or_404(request, address_id)
    services.address_set_default(address=address)
    messages.success(request, _("This is now your default address."))
    return redirect("accounts:addresses")
