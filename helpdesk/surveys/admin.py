"""Surveys in the admin, with their low ratings. Managers only (helpdesk.roles); the one change,
marking low ratings reviewed, goes through ``surveys_mark_reviewed``. No page shows a usable
link: only token hashes are stored, and they are excluded."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helpdesk.admin_base import ServiceLogAdmin
from helpdesk.surveys.models import Survey
from helpdesk.surveys.services import surveys_mark_reviewed


class ScoreNeedsReviewFilter(admin.SimpleListFilter):
    title = _("needs review")
    parameter_name = "needs_review"

    def lookups(self, request, model_admin):
        return [("1", _("Low rating, not yet reviewed")), ("0", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("0", "1"):
            return queryset.filter(needs_review=self.value() == "1")
        return queryset


@admin.register(Survey)
class SurveyAdmin(ServiceLogAdmin):
    list_display = ["conversation", "customer", "status", "score", "needs_review", "sent_at",
                    "reminded_at", "answered_at"]
    list_filter = [ScoreNeedsReviewFilter, "status"]
    search_fields = ["conversation__reference", "customer__email"]
    list_select_related = ["conversation__rating", "customer"]
    raw_id_fields = ["conversation", "customer"]
    readonly_fields = ["score", "comment"]
    exclude = ["token_hash", "reminder_token_hash"]
    ordering = ["-created_at"]
    actions = ["mark_reviewed"]

    @admin.display(description=_("rating"))
    def score(self, obj):
        rating = getattr(obj.conversation, "rating", None)
        return rating.score if rating else "-"

    @admin.display(description=_("comment"))
    def comment(self, obj):
        rating = getattr(obj.conversation, "rating", None)
        return rating.comment if rating else ""

    @admin.action(description=_("Mark the selected low ratings as reviewed"),
                  permissions=["change"])
    def mark_reviewed(self, request, queryset):
        count = surveys_mark_reviewed(survey_ids=queryset.values_list("pk", flat=True),
                                      by=request.user)
        self.message_user(request, ngettext(
            "%(count)d survey marked as reviewed.", "%(count)d surveys marked as reviewed.",
            count) % {"count": count}, messages.SUCCESS)
