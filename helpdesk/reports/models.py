"""What the reports store so that a report is a handful of SQL aggregates (docs/decisions 0003, 0004).

Business-hours durations depend on the weekly hours and holidays, which SQL does not know, so
they are computed in Python once per conversation (``helpdesk.reports.timings``) and kept here
with the inputs they were computed from. A row whose inputs no longer match its conversation
(or the schedule) is stale: the beat task and the report itself recompute it, so a report never
uses a stale figure.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import MembershipTier
from helpdesk.models import Channel


class ConversationTiming(models.Model):
    conversation = models.OneToOneField("helpdesk.Conversation", on_delete=models.CASCADE,
                                        primary_key=True, related_name="timing",
                                        verbose_name=_("conversation"))
    # The inputs: the conversation's timestamps and a digest of the schedule when computed.
    created_at = models.DateTimeField(_("created"))
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    schedule_key = models.CharField(_("schedule digest"), max_length=16)
    # The figures, in business seconds.
    first_response_seconds = models.FloatField(_("first response (business seconds)"),
                                               null=True, blank=True)
    resolution_seconds = models.FloatField(_("resolution (business seconds)"), null=True,
                                           blank=True)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("conversation timing")
        verbose_name_plural = _("conversation timings")
        # Reports join only the timings of their period (a join condition on created_at).
        indexes = [models.Index(fields=["created_at"], name="timing_created_idx")]

    def __str__(self):
        return f"{self.conversation_id}: {self.first_response_seconds} / {self.resolution_seconds}"


class SlaTarget(models.Model):
    """How fast conversations of one membership tier on one channel must be answered and resolved.

    Targets count business minutes (helpdesk.business_hours); a tier and channel without a
    row has no target and stays out of SLA compliance.
    """

    tier = models.CharField(_("membership tier"), max_length=16,
                            choices=MembershipTier.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    first_response_minutes = models.PositiveIntegerField(
        _("first response within (business minutes)"))
    # The live SLA (helpdesk.sla) counts the next answer after a customer's message from here;
    # empty: the default in settings (SLA_NEXT_RESPONSE_MINUTES).
    next_response_minutes = models.PositiveIntegerField(
        _("next response within (business minutes)"), null=True, blank=True,
        help_text=_("Empty: the default for the channel."))
    resolution_minutes = models.PositiveIntegerField(
        _("resolution within (business minutes)"), null=True, blank=True,
        help_text=_("Empty: no resolution target."))

    class Meta:
        db_table = "helpdesk_slatarget"  # created as a helpdesk model: the table kept its name
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["tier", "channel"]
        constraints = [models.UniqueConstraint(fields=["tier", "channel"],
                                               name="sla_target_tier_channel_unique")]

    def __str__(self):
        return f"{self.get_tier_display()} / {self.get_channel_display()}"


def sla_policies() -> dict[tuple[str, str], tuple[int | None, int | None]]:
    """The live SLA's policy source (registered with helpdesk.sla in ReportsConfig.ready)."""
    return {(tier, channel): (first, after) for tier, channel, first, after in
            SlaTarget.objects.values_list("tier", "channel", "first_response_minutes",
                                          "next_response_minutes")}
