from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib import admin

        # Imported here, not at the top: it imports models, which exist once apps are loaded.
        from accounts.two_factor import unregister_device_admins

        # The admin registered every app's admin before this runs (it is listed first).
        unregister_device_admins(admin.site)
