"""Deleting one's own account from My account: a warning, the password, then erasure."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters

from accounts.erasure import ErasureRefused, customer_erase


class AccountDeleteForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("Your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete":
                                                                 "current-password"}))
    confirm = forms.BooleanField(label=gettext_lazy("I understand that this cannot be undone."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password


@login_required
@sensitive_post_parameters("password")
def account_delete(request):
    user = request.user
    if user.is_staff or user.is_superuser:
        messages.error(request, _("Staff accounts are closed by an administrator."))
        return redirect("accounts:account")
    form = AccountDeleteForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            customer_erase(customer=user, actor=user)
        except ErasureRefused:
            messages.error(request, _("This account cannot be deleted."))
            return redirect("accounts:account")
        logout(request)
        messages.success(request, _("Your account has been deleted. Goodbye."))
        return redirect("home")
    return render(request, "accounts/delete_account.html", {
        "form": form, "has_password": user.has_usable_password()})
