"""Admin pages of the conversation core. For reading: conversations, messages, attachments and
ratings change only through the console and the services, for everyone (superusers included).
Managers set agents' capacity and skills and teams' members through small service-backed
forms, and edit canned replies, business hours and holidays through
``helpdesk.services.configuration``."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_base import ReadOnlyAdmin, ReadOnlyInline
from accounts.choices import Language, Topic
from accounts.models import AgentProfile, CustomerProfile, User
from faq.models import NoResultSearch, Vote
from helpdesk.access import visible_conversations
from helpdesk.admin_base import ConfigurationAdmin
from helpdesk.admin_paginator import EstimatedCountPaginator, use_estimated_counts
from helpdesk.models import (
    Attachment,
    BusinessHours,
    CannedReply,
    Conversation,
    Holiday,
    Message,
    SatisfactionRating,
    Tag,
    Team,
)
from helpdesk.services import staff
from orders.models import Order, ReturnRequest, Shipment


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


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "topics", "members"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    """Managers change a team's members (``staff.team_members_set``); only superusers add,
    rename, re-route or delete teams."""

    form = TeamForm
    list_display = ["name"]
    filter_horizontal = ["members"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["name", "topics"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "members":
            kwargs["queryset"] = staff.team_member_choices()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if request.user.is_superuser and (not change or {"name", "topics"} & set(
                form.changed_data)):
            obj.save()

    def save_related(self, request, form, formsets, change):
        if not change or "members" in form.changed_data:
            staff.team_members_set(by=request.user, team=form.instance,
                                   members=form.cleaned_data["members"])


class AgentProfileForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("languages"), choices=Language.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Languages the agent answers in."))
    skills = forms.MultipleChoiceField(
        label=_("topic skills"), choices=Topic.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Topics the agent handles; none means all."))

    class Meta:
        model = AgentProfile
        fields = ["max_concurrent_chats", "max_open_requests", "languages", "skills"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "max_open_requests" in self.fields:  # absent when the viewer may only read
            self.fields["max_open_requests"].required = False

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            staff.agent_profile_clean(
                max_concurrent_chats=cleaned.get("max_concurrent_chats"),
                languages=cleaned.get("languages", []), skills=cleaned.get("skills", []))
            if cleaned.get("max_open_requests") is not None:  # blank: unchanged
                staff.max_open_requests_clean(cleaned["max_open_requests"])
        return cleaned


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    """Managers set capacity, languages and skills here (``staff.agent_profile_update``);
    the status is the agent's own (the console), and profiles come with the agent."""

    form = AgentProfileForm
    list_display = ["user", "status", "max_concurrent_chats", "max_open_requests", "languages",
                    "skills"]
    list_filter = ["status"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    fields = ["user", "status", "status_changed_at", "max_concurrent_chats", "max_open_requests",
              "languages", "skills"]
    readonly_fields = ["user", "status", "status_changed_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        staff.agent_profile_update(
            by=request.user, profile=obj,
            max_concurrent_chats=form.cleaned_data["max_concurrent_chats"],
            max_open_requests=form.cleaned_data.get("max_open_requests"),
            languages=form.cleaned_data["languages"], skills=form.cleaned_data["skills"])


class MessageInline(ReadOnlyInline, admin.TabularInline):
    model = Message
    fields = ["seq", "author_role", "kind", "body", "created_at"]


@admin.register(Conversation)
class ConversationAdmin(VisibleConversationsMixin, ReadOnlyAdmin):
    conversation_path = "pk"
    list_display = ["reference", "customer", "channel", "status", "topic", "priority",
                    "assignee", "team", "created_at"]
    # A date filter rather than date_hierarchy: its year/month/day links come from a
    # SELECT DISTINCT date_trunc(...) over the whole table on every page.
    list_filter = ["status", "channel", "topic", "priority", "team", "created_at"]
    search_fields = ["reference", "customer__email", "subject"]
    list_select_related = ["customer", "assignee", "team"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(VisibleConversationsMixin, ReadOnlyAdmin):
    list_display = ["conversation", "seq", "author_role", "kind", "created_at"]
    list_filter = ["kind", "author_role"]
    list_select_related = ["conversation"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    # Newest first by the primary key's index; the model's ("conversation", "seq") would sort
    # a million rows by the conversation's own ordering through a join.
    ordering = ["-pk"]


@admin.register(Attachment)
class AttachmentAdmin(VisibleConversationsMixin, ReadOnlyAdmin):
    conversation_path = "message__conversation"
    list_display = ["original_name", "content_type", "size", "message"]
    list_select_related = ["message"]
    paginator = EstimatedCountPaginator
    # The stored file is served only by the views that check who asks (helpdesk.access).
    exclude = ["file"]


@admin.register(CannedReply)
class CannedReplyAdmin(ConfigurationAdmin):
    """Team and global macros (canned replies with actions); agents' personal macros are
    theirs alone (the console) and are not listed here."""

    list_display = ["title", "shortcut", "language", "topic", "team", "set_status",
                    "transfer_team"]
    list_filter = ["language", "topic", "team"]
    search_fields = ["title", "body", "shortcut"]
    filter_horizontal = ["tags"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(owner__isnull=True)


@admin.register(Tag)
class TagAdmin(ConfigurationAdmin):
    """Managers create the tags; agents put them on conversations in the console."""

    list_display = ["name"]
    search_fields = ["name"]


class ScoreFilter(admin.SimpleListFilter):
    """Ratings 1 to 5, without the SELECT DISTINCT over the table that a plain field filter runs."""

    title = _("rating")
    parameter_name = "score"

    def lookups(self, request, model_admin):
        return [(str(score), str(score)) for score in range(1, 6)]

    def queryset(self, request, queryset):
        return queryset.filter(score=int(self.value())) if self.value() else queryset


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(VisibleConversationsMixin, ReadOnlyAdmin):
    """Ratings are the customers' (``conversation_rate``, the survey): nobody adds one here."""

    list_display = ["conversation", "score", "source", "created_at"]
    list_filter = [ScoreFilter, "source"]
    list_select_related = ["conversation"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator


# --- Contact us: business hours and holidays ------------------------------------------------


@admin.register(BusinessHours)
class BusinessHoursAdmin(ConfigurationAdmin):
    list_display = ["weekday", "opens_at", "closes_at"]
    ordering = ["weekday"]


@admin.register(Holiday)
class HolidayAdmin(ConfigurationAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"


# Large tables of the apps below the core (which may not import helpdesk): their change lists
# get the estimating paginator too. Their admins are registered first (INSTALLED_APPS order).
use_estimated_counts(admin.site, [User, CustomerProfile, Order, Shipment, ReturnRequest, Vote,
                                  NoResultSearch])
