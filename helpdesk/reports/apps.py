from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The reports' own tables (``models``): per-conversation business-hours timings and the SLA
    targets managers set."""

    name = "helpdesk.reports"
    label = "reports"
    verbose_name = _("Reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here, not at the top: they import models, which exist once apps are loaded.
        from helpdesk.reports.models import SlaTarget
        from helpdesk.services.configuration import configuration_model_register

        configuration_model_register(SlaTarget)
