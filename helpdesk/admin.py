from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from helpdesk.access import visible_conversations
from helpdesk.admin_paginator import EstimatedCountPaginator, use_estimated_counts
from helpdesk.models import Attachment, CannedReply, Conversation, Message, SatisfactionRating, Team


class VisibleConversationsMixin:
    """Show an agent only the rows of conversations they may see (helpdesk.access); managers
    and superusers see every row, with no extra filter on their (large) change lists."""

    conversation_path = "conversation"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        user = request.user
        if user.is_superuser or user.is_manager:
            return qs
        visible = visible_conversations(user=user).values("pk")
        return qs.filter(**{f"{self.conversation_path}__in": visible})


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
class ConversationAdmin(VisibleConversationsMixin, admin.ModelAdmin):
    conversation_path = "pk"
    list_display = ["reference", "customer", "channel", "status", "topic", "priority",
                    "assignee", "team", "created_at"]
    # A date filter rather than date_hierarchy: its year/month/day links come from a
    # SELECT DISTINCT date_trunc(...) over the whole table on every page.
    list_filter = ["status", "channel", "topic", "priority", "team", "created_at"]
    search_fields = ["reference", "customer__email", "subject"]
    list_select_related = ["customer", "assignee", "team"]
    raw_id_fields = ["customer", "order", "assignee", "source_article"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(VisibleConversationsMixin, admin.ModelAdmin):
    list_display = ["conversation", "seq", "author_role", "kind", "created_at"]
    list_filter = ["kind", "author_role"]
    raw_id_fields = ["conversation", "author"]
    list_select_related = ["conversation"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    # Newest first by the primary key's index; the model's ("conversation", "seq") would sort
    # a million rows by the conversation's own ordering through a join.
    ordering = ["-pk"]


@admin.register(Attachment)
class AttachmentAdmin(VisibleConversationsMixin, admin.ModelAdmin):
    conversation_path = "message__conversation"
    list_display = ["original_name", "content_type", "size", "message"]
    raw_id_fields = ["message"]
    list_select_related = ["message"]
    paginator = EstimatedCountPaginator


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "shortcut", "language", "topic", "team"]
    list_filter = ["language", "topic", "team"]
    search_fields = ["title", "body", "shortcut"]


class ScoreFilter(admin.SimpleListFilter):
    """Ratings 1 to 5, without the SELECT DISTINCT over the table that a plain field filter runs."""

    title = _("rating")
    parameter_name = "score"

    def lookups(self, request, model_admin):
        return [(str(score), str(score)) for score in range(1, 6)]

    def queryset(self, request, queryset):
        return queryset.filter(score=int(self.value())) if self.value() else queryset


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(VisibleConversationsMixin, admin.ModelAdmin):
    list_display = ["conversation", "score", "source", "created_at"]
    list_filter = [ScoreFilter, "source"]
    raw_id_fields = ["conversation"]
    list_select_related = ["conversation"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator


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
# Large tables of the apps below the core (which may not import helpdesk): their change lists
# get the estimating paginator too. Their admins are registered first (INSTALLED_APPS order).
from accounts.models import CustomerProfile, User  # noqa: E402
from faq.models import NoResultSearch, Vote  # noqa: E402
from helpdesk.email import admin as email_admin  # noqa: E402, F401
from helpdesk.reports import admin as reports_admin  # noqa: E402, F401
from orders.models import Order, ReturnRequest, Shipment  # noqa: E402

use_estimated_counts(admin.site, [User, CustomerProfile, Order, Shipment, ReturnRequest, Vote,
                                  NoResultSearch])
