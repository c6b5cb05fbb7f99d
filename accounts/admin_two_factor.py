"""The superuser's admin action that resets staff members' two-factor sign-in (lost phone)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy, ngettext

from accounts.two_factor import two_factor_reset


@admin.action(description=gettext_lazy("Reset two-factor sign-in"), permissions=["change"])
def reset_two_factor(modeladmin, request, queryset):
    """Remove the selected users' authenticators and backup codes through the service (which
    refuses anyone but a superuser and records each reset in the audit log)."""
    count = 0
    for user in queryset:
        if two_factor_reset(actor=request.user, user=user):
            count += 1
    modeladmin.message_user(request, ngettext(
        "Two-factor sign-in was reset for %(count)d user; they set it up again at their next "
        "sign-in.",
        "Two-factor sign-in was reset for %(count)d users; they set it up again at their next "
        "sign-in.", count) % {"count": count}, messages.SUCCESS)
