from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts.signals import customer_erasing, email_verified
from helpdesk import signals


class MailConfig(AppConfig):
    name = "helpdesk.mail"
    label = "mail"
    verbose_name = _("Email")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here, not at the top: they import models, which exist once apps are loaded.
        from helpdesk.mail import erasure, receivers
        from helpdesk.models import Message
        from helpdesk.services.messages import attachment_url_register

        # Any other file a message carries downloads from here (mail.views.attachment_download).
        attachment_url_register(inline=False, url_name="email:attachment_download")

        customer_erasing.connect(erasure.on_customer_erasing, dispatch_uid="mail_erasure")
        # Mail held because its sender's address was not verified goes in once it is.
        email_verified.connect(receivers.on_email_verified, dispatch_uid="mail_email_verified")
        # An agent's answer in an email or written request leaves by email.
        signals.message_posted.connect(receivers.on_message_posted, sender=Message,
                                       dispatch_uid="mail_reply")
