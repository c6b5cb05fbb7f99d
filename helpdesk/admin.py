from django.contrib import admin

from helpdesk.models import Attachment, CannedReply, Conversation, Message, SatisfactionRating, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name"]
    filter_horizontal = ["members"]


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ["seq", "author_role", "kind", "body", "created_at"]
    readonly_fields = ["seq", "author_role", "kind", "body", "created_at"]
    can_delete = False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["reference", "customer", "channel", "status", "topic", "priority",
                    "assignee", "team", "created_at"]
    list_filter = ["status", "channel", "topic", "priority", "team"]
    search_fields = ["reference", "customer__email", "subject"]
    list_select_related = ["customer", "assignee", "team"]
    raw_id_fields = ["customer", "order", "assignee"]
    show_full_result_count = False
    date_hierarchy = "created_at"
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["conversation", "seq", "author_role", "kind", "created_at"]
    list_filter = ["kind", "author_role"]
    raw_id_fields = ["conversation", "author"]
    list_select_related = ["conversation"]
    show_full_result_count = False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "content_type", "size", "message"]
    raw_id_fields = ["message"]


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "shortcut", "language", "topic", "team"]
    list_filter = ["language", "topic", "team"]
    search_fields = ["title", "body", "shortcut"]


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(admin.ModelAdmin):
    list_display = ["conversation", "score", "source", "created_at"]
    list_filter = ["score", "source"]
    raw_id_fields = ["conversation"]
    show_full_result_count = False


# --- Contact us: business hours and holidays ------------------------------------------------
from helpdesk.models import BusinessHours, Holiday  # noqa: E402


@admin.register(BusinessHours)
class BusinessHoursAdmin(admin.ModelAdmin):
    list_display = ["weekday", "opens_at", "closes_at"]
    ordering = ["weekday"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"


# The reports register their SLA targets and their place in the app list.
from helpdesk.reports import admin as reports_admin  # noqa: E402, F401
