"""Admin pages of the email channel: the outbox and the inbound log with its quarantine.
Managers only (helpdesk.roles): quarantined mail is unchecked mail from anyone, so agents never
see it.

Every change goes through a service: ``outbox_retry``, ``inbound_release``,
``inbound_discard``. Nothing here is edited by hand.

No page here shows a usable token: outbox rows hold placeholders for their links and reply
addresses (the originals are sealed, ``helpdesk.mail.secrets``, and never shown), and inbound
text has our live links cut out.
"""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helpdesk.admin_base import ServiceLogAdmin
from helpdesk.mail.inbound.review import (
    RELEASABLE_REASONS,
    ReviewRefused,
    inbound_discard,
    inbound_release,
)
from helpdesk.mail.models import InboundEmail, InboundStatus, OutboundEmail
from helpdesk.mail.outbox import outbox_retry
from helpdesk.mail.parsing import Unreadable, email_parse


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ServiceLogAdmin):
    list_display = ["subject", "kind", "status", "recipients", "attempts", "next_attempt_at",
                    "sent_at", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["subject", "message_id", "=dedupe_key"]
    list_select_related = ["conversation"]
    raw_id_fields = ["conversation", "conversation_message"]
    ordering = ["-created_at"]
    actions = ["retry"]
    # The text part says the same as the HTML, which is never rendered here; the sealed links
    # are for the sender only.
    exclude = ["body_html", "sealed"]

    @admin.display(description=_("to"))
    def recipients(self, obj):
        return ", ".join(obj.to)

    @admin.action(description=_("Send the selected failed emails again"),
                  permissions=["change"])
    def retry(self, request, queryset):
        count = outbox_retry(outbound_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, ngettext(
            "%(count)d email queued again.", "%(count)d emails queued again.", count)
            % {"count": count}, messages.SUCCESS if count else messages.WARNING)


class QuarantineFilter(admin.SimpleListFilter):
    """Waiting for review first: quarantined mail is what a manager comes here for."""

    title = _("outcome")
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return InboundStatus.choices

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(InboundEmail)
class InboundEmailAdmin(ServiceLogAdmin):
    list_display = ["received_at", "from_address", "subject", "status", "reason", "source",
                    "conversation"]
    list_filter = [QuarantineFilter, "reason", "source"]
    search_fields = ["from_address", "subject", "=message_id"]
    list_select_related = ["conversation"]
    raw_id_fields = ["conversation", "conversation_message"]
    ordering = ["-received_at"]
    readonly_fields = ["content"]
    actions = ["release", "discard"]

    @admin.display(description=_("text as received"))
    def content(self, obj):
        """The message as the parser reads it, escaped: never the sender's HTML."""
        if not obj.raw:
            return "-"
        with obj.raw.open("rb") as f:
            try:
                parsed = email_parse(f.read())
            except Unreadable as exc:
                return format_html("<p>{}: {}</p>", _("cannot be read"), exc.reason)
        names = ", ".join(a.name for a in parsed.attachments)
        return format_html('<pre class="email-raw" data-testid="inbound-text">{}</pre>{}',
                           parsed.text[:20000],
                           format_html("<p>{}: {}</p>", _("attachments"), names)
                           if names else "")

    @admin.action(description=_("Let the selected quarantined emails in"),
                  permissions=["change"])
    def release(self, request, queryset):
        released = refused = 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                inbound_release(inbound_id=pk, by=request.user)
                released += 1
            except ReviewRefused:
                refused += 1
        if released:
            self.message_user(request, ngettext(
                "%(count)d email let in.", "%(count)d emails let in.", released)
                % {"count": released}, messages.SUCCESS)
        if refused:
            self.message_user(request, ngettext(
                "%(count)d email cannot be let in (only %(reasons)s can).",
                "%(count)d emails cannot be let in (only %(reasons)s can).", refused)
                % {"count": refused, "reasons": ", ".join(RELEASABLE_REASONS)},
                messages.WARNING)

    @admin.action(description=_("Discard the selected quarantined emails"),
                  permissions=["change"])
    def discard(self, request, queryset):
        discarded = 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                inbound_discard(inbound_id=pk, by=request.user)
                discarded += 1
            except ReviewRefused:
                pass
        self.message_user(request, ngettext(
            "%(count)d email discarded.", "%(count)d emails discarded.", discarded)
            % {"count": discarded}, messages.SUCCESS if discarded else messages.WARNING)
