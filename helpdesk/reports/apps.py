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
        from django.db.models.signals import post_delete, post_save

        from helpdesk import sla
        from helpdesk.reports.models import SlaTarget, sla_policies
        from helpdesk.services.configuration import configuration_model_register

        configuration_model_register(SlaTarget)
        # The targets are the live SLA's policies too (the core does not import this app).
        sla.policy_source_register(sla_policies)
        post_save.connect(sla.forget, sender=SlaTarget, dispatch_uid="reports_sla_saved")
        post_delete.connect(sla.forget, sender=SlaTarget, dispatch_uid="reports_sla_deleted")
