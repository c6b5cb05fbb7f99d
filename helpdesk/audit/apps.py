from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "helpdesk.audit"
    label = "helpdesk_audit"
    verbose_name = _("Audit log")

    def ready(self):
        from django.contrib import admin

        # Imported here, not at the top: they import models, which exist once apps are loaded.
        from helpdesk.audit import registry
        from helpdesk.audit.admin import audit_admin_actions

        registry.track_staff_changes()
        # The admin registered every app's model admins before any app's ready() runs.
        audit_admin_actions(admin.site)
