from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from faq import services
from faq.models import (
    Article,
    ArticleStatus,
    ArticleTranslation,
    Category,
    CategoryTranslation,
    NoResultSearch,
    Vote,
)


class SavedThroughServicesAdmin(admin.ModelAdmin):
    """Managers edit; agents read (helpdesk.roles). The form and its translation inlines only
    build the rows: ``edit_service`` checks the editor and writes them in one transaction,
    ``delete_service`` deletes."""

    edit_service = None  # staticmethod(service(*, by, <model>, translations, removed))
    delete_service = None  # staticmethod(service(*, by, <model>))

    def save_model(self, request, obj, form, change):
        pass  # written with its translations in save_related, by the service

    def save_related(self, request, form, formsets, change):
        translations, removed = [], []
        for formset in formsets:
            translations += formset.save(commit=False)
            removed += formset.deleted_objects
        self.edit_service(by=request.user, **{self.opts.model_name: form.instance},
                          translations=translations, removed=removed)

    def delete_model(self, request, obj):
        self.delete_service(by=request.user, **{self.opts.model_name: obj})

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class CategoryTranslationInline(admin.TabularInline):
    model = CategoryTranslation
    extra = 0


@admin.register(Category)
class CategoryAdmin(SavedThroughServicesAdmin):
    list_display = ["slug", "topic", "position"]
    inlines = [CategoryTranslationInline]
    edit_service = staticmethod(services.category_edit)
    delete_service = staticmethod(services.category_delete)


class ArticleTranslationInline(admin.StackedInline):
    model = ArticleTranslation
    extra = 0


@admin.register(Article)
class ArticleAdmin(SavedThroughServicesAdmin):
    list_display = ["slug", "category", "status", "views", "helpful_yes", "helpful_no",
                    "updated_at"]
    list_filter = ["status", "category"]
    search_fields = ["slug", "translations__title"]
    readonly_fields = ["views", "created_at", "updated_at"]
    inlines = [ArticleTranslationInline]
    actions = ["publish", "unpublish"]
    edit_service = staticmethod(services.article_edit)
    delete_service = staticmethod(services.article_delete)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category").annotate(
            yes_count=Count("votes", filter=Q(votes__helpful=True)),
            no_count=Count("votes", filter=Q(votes__helpful=False)),
        )

    @admin.display(description=_("helpful"), ordering="yes_count")
    def helpful_yes(self, obj):
        return obj.yes_count

    @admin.display(description=_("not helpful"), ordering="no_count")
    def helpful_no(self, obj):
        return obj.no_count

    @admin.action(description=_("Publish the selected articles"), permissions=["change"])
    def publish(self, request, queryset):
        for article in queryset:
            services.article_status_set(article=article, status=ArticleStatus.PUBLISHED,
                                        by=request.user)

    @admin.action(description=_("Unpublish the selected articles (back to draft)"),
                  permissions=["change"])
    def unpublish(self, request, queryset):
        for article in queryset:
            services.article_status_set(article=article, status=ArticleStatus.DRAFT,
                                        by=request.user)


@admin.register(NoResultSearch)
class NoResultSearchAdmin(admin.ModelAdmin):
    list_display = ["query", "language", "count", "first_seen", "last_seen"]
    list_filter = ["language"]
    search_fields = ["query"]
    ordering = ["-count", "-last_seen"]
    readonly_fields = ["query", "language", "count", "first_seen", "last_seen"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ["article", "helpful", "short_comment", "language", "user", "updated_at"]
    list_filter = ["helpful", "language", "article__category"]
    search_fields = ["article__slug", "comment"]
    list_select_related = ["article", "user"]
    readonly_fields = ["article", "user", "session_key", "helpful", "comment", "language",
                       "created_at", "updated_at"]

    @admin.display(description=_("comment"))
    def short_comment(self, obj):
        return (obj.comment[:80] + "…") if len(obj.comment) > 80 else obj.comment

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
