from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts.signals import customer_erasing


class SurveysConfig(AppConfig):
    name = "helpdesk.surveys"
    label = "surveys"
    verbose_name = _("Satisfaction surveys")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here, not at the top: it imports models, which exist once apps are loaded.
        from helpdesk.surveys import erasure

        customer_erasing.connect(erasure.on_customer_erasing, dispatch_uid="surveys_erasure")
