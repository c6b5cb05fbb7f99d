from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from helpdesk import signals


class ChatConfig(AppConfig):
    name = "helpdesk.chat"
    label = "chat"
    verbose_name = _("Live chat")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here, not at the top: it imports models, which exist once apps are loaded.
        from helpdesk.chat import receivers
        from helpdesk.services.messages import attachment_url_register

        # The images a message carries are shown inline from here (chat.views.attachment).
        attachment_url_register(inline=True, url_name="chat:attachment")

        signals.conversation_resolved.connect(receivers.on_conversation_resolved,
                                              dispatch_uid="chat_transcript")
