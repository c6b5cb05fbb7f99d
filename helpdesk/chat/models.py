"""The chat's own table: read receipts (the live chat alone shows them)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk.models import AuthorRole, Conversation


class ReadReceipt(models.Model):
    """How far one participant has read a conversation (the highest sequence number seen)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="read_receipts",
                                     verbose_name=_("conversation"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("reader"))
    role = models.CharField(_("role"), max_length=10, choices=AuthorRole.choices)
    seq = models.PositiveIntegerField(_("read up to"), default=0)
    read_at = models.DateTimeField(_("read"))

    class Meta:
        db_table = "helpdesk_readreceipt"  # created as a helpdesk model: the table kept its name
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        constraints = [models.UniqueConstraint(fields=["conversation", "user"],
                                               name="read_receipt_unique")]

    def __str__(self):
        return f"{self.conversation_id}: {self.user_id} read {self.seq}"
