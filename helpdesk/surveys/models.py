"""The surveys' table: one survey per resolved conversation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Conversation


class SurveyStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent")
    REMINDED = "reminded", _("Reminder sent")
    ANSWERED = "answered", _("Answered")
    SKIPPED = "skipped", _("Not sent")
    EXPIRED = "expired", _("Expired")


class Survey(models.Model):
    """The one survey of a resolved conversation (helpdesk.surveys).

    The beat task works through rows whose ``due_at`` has come: send, remind once, expire.
    Links carry a random token; only its SHA-256 is stored (``token_hash`` for the first
    email, ``reminder_token_hash`` for the reminder).
    """

    conversation = models.OneToOneField(Conversation, on_delete=models.CASCADE,
                                        related_name="survey", verbose_name=_("conversation"))
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="surveys", verbose_name=_("customer"))
    status = models.CharField(_("status"), max_length=10, choices=SurveyStatus.choices,
                              default=SurveyStatus.SCHEDULED)
    reason = models.CharField(_("reason not sent"), max_length=20, blank=True)
    due_at = models.DateTimeField(_("next step due"), null=True, blank=True)
    token_hash = models.CharField(_("token hash"), max_length=64, null=True, blank=True,
                                  unique=True)
    reminder_token_hash = models.CharField(_("reminder token hash"), max_length=64, null=True,
                                           blank=True, unique=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    expires_at = models.DateTimeField(_("links expire"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # A rating of 2 or less: managers review these (admin filter "needs review").
    needs_review = models.BooleanField(_("needs review"), default=False)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        db_table = "helpdesk_survey"  # created as a helpdesk model: the table kept its name
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["due_at"], name="survey_due_idx"),
            models.Index(fields=["customer", "sent_at"], name="survey_customer_sent_idx"),
        ]

    def __str__(self):
        return f"{self.conversation_id}: {self.get_status_display()}"
