from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "helpdesk.mail"
    label = "mail"
    verbose_name = _("Email")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here, not at the top: they import models, which exist once apps are loaded.
        from accounts.signals import customer_erasing, email_verified
        from helpdesk.mail import erasure
        from helpdesk.mail.inbound import on_email_verified

        customer_erasing.connect(erasure.on_customer_erasing, dispatch_uid="mail_erasure")
        # Mail held because its sender's address was not verified goes in once it is.
        email_verified.connect(on_email_verified, dispatch_uid="mail_email_verified")
