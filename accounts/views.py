"""The customer's account pages: thin views over accounts.forms, selectors and services."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import limits, mails, selectors, services
from accounts.forms import (
    AddressForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    SetPasswordForm,
    SignUpForm,
)
from accounts.redirects import safe_next
from accounts.tokens import email_verification_token

# The address typed at sign-up, for the "check your email" page that follows.
_SIGNUP_EMAIL = "accounts.signup_email"


def _throttled(request, exc: limits.Throttled):
    """The 429 page of a refused button press (forms re-render themselves with the message)."""
    return render(request, "accounts/throttled.html", {"message": exc.message}, status=429)


def _address_or_404(request, address_id, *, for_update: bool = False):
    # NotFound answers 404 (helpdesk.middleware.NotFoundMiddleware).
    return selectors.access_address(user=request.user, address_id=address_id,
                                    for_update=for_update)


# --- Logging in and out -----------------------------------------------------------------------

class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Logging out is a POST (Django refuses GET), so a link elsewhere cannot log you out."""


@sensitive_post_parameters("password1", "password2")
def sign_up(request):
    """Sign up, then "check your email". The answer is the same whether the address already
    has an account or not (its owner is told by email instead), so nobody is signed in here:
    the new customer logs in, and confirms the address by the emailed link."""
    if request.user.is_authenticated:
        return redirect("accounts:account")
    status = 200
    if request.method == "POST":
        form = SignUpForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                limits.throttle("signup", request=request, account=data["email"])
            except limits.Throttled as exc:
                form.add_error(None, exc.message)
                status = 429
            else:
                services.sign_up_request(email=data["email"], password=data["password1"],
                                         full_name=data["full_name"], language=data["language"])
                request.session[_SIGNUP_EMAIL] = data["email"]
                url = reverse("accounts:signup_done")
                if next_url := safe_next(request, ""):
                    url += "?" + urlencode({"next": next_url})
                return redirect(url)
    else:
        form = SignUpForm(initial={"language": translation.get_language()})
    return render(request, "accounts/signup.html", {"form": form,
                                                    "next": safe_next(request, "")},
                  status=status)


def sign_up_done(request):
    return render(request, "accounts/signup_done.html", {
        "email": request.session.get(_SIGNUP_EMAIL, ""),
        "next": safe_next(request, ""),
        "valid_hours": mails.link_valid_hours(),
    })


# --- Confirming the email address -------------------------------------------------------------

def email_verify(request, uidb64, token):
    """The link of the confirmation email. Confirming needs both proofs: the link (the
    mailbox) and being signed in as its account (the password), then a POST. Anyone else who
    follows it is asked to sign in, or offered to take the address back by a password reset."""
    user = selectors.user_by_uidb64(uidb64)
    is_owner = (user is not None and request.user.is_authenticated
                and request.user.pk == user.pk)
    if is_owner and selectors.email_trusted(user):
        messages.info(request, _("Your email address is already confirmed."))
        return redirect("accounts:account")
    context = {"uidb64": uidb64, "token": token, "is_owner": is_owner,
               "valid_hours": mails.link_valid_hours()}
    if user is None or not email_verification_token.check_token(user, token):
        return render(request, "accounts/verify.html", {**context, "state": "invalid"})
    if is_owner:
        if request.method == "POST":
            services.email_verify(user=user)
            messages.success(request, _("Thank you: your email address is confirmed."))
            return redirect("accounts:account")
        return render(request, "accounts/verify.html", {**context, "state": "confirm"})
    here = reverse("accounts:email_verify", kwargs={"uidb64": uidb64, "token": token})
    context.update(state="other_account" if request.user.is_authenticated else "sign_in",
                   login_url=f"{reverse('accounts:login')}?{urlencode({'next': here})}")
    return render(request, "accounts/verify.html", context,
                  status=403 if request.method == "POST" else 200)


@require_POST
def email_verify_reclaim(request, uidb64, token):
    """"This address was used without me": a password-reset link to the address. Completing
    it sets a new password, ends every other session and confirms the address."""
    user = selectors.user_by_uidb64(uidb64)
    if user is None or not email_verification_token.check_token(user, token):
        return redirect("accounts:email_verify", uidb64=uidb64, token=token)
    try:
        limits.throttle("password_reset", request=request, account=user.email)
    except limits.Throttled as exc:
        return _throttled(request, exc)
    services.password_reset_request(email=user.email)
    return redirect("accounts:password_reset_done")


@login_required
@require_POST
def email_verify_resend(request):
    next_url = safe_next(request, reverse("accounts:account"))
    if selectors.email_trusted(request.user):
        messages.info(request, _("Your email address is already confirmed."))
        return redirect(next_url)
    try:
        limits.throttle("verify_mail", request=request, account=request.user.pk)
    except limits.Throttled as exc:
        return _throttled(request, exc)
    services.email_verification_request(user=request.user)
    messages.success(request, _("We sent a new confirmation link to %(email)s.")
                     % {"email": request.user.email})
    return redirect(next_url)


# --- Password reset and change --------------------------------------------------------------

def password_reset(request):
    """Ask for a reset link. The page answers the same whether the address exists or not
    (the throttle counts the address typed, known or not)."""
    status = 200
    if request.method == "POST":
        form = PasswordResetForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            try:
                limits.throttle("password_reset", request=request, account=email)
            except limits.Throttled as exc:
                form.add_error(None, exc.message)
                status = 429
            else:
                services.password_reset_request(email=email)
                return redirect("accounts:password_reset_done")
    else:
        form = PasswordResetForm()
    return render(request, "accounts/password_reset.html", {"form": form}, status=status)


def password_reset_done(request):
    return render(request, "accounts/password_reset_done.html",
                  {"valid_hours": mails.link_valid_hours()})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's checks of the one-time link (it stops working once the password changes).
    Its form confirms the address too (``services.password_reset_complete``)."""

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
