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


class CategoryTranslationInline(admin.TabularInline):
    model = CategoryTranslation
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "topic", "position"]
    inlines = [CategoryTranslationInline]


class ArticleTranslationInline(admin.StackedInline):
    model = ArticleTranslation
    extra = 0


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["slug", "category", "status", "views", "helpful_yes", "helpful_no",
                    "updated_at"]
    list_filter = ["status", "category"]
    search_fields = ["slug", "translations__title"]
    readonly_fields = ["views", "created_at", "updated_at"]
    inlines = [ArticleTranslationInline]
    actions = ["publish", "unpublish"]

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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The translations are saved by now: bring the search index in step.
        services.article_index_refresh(article=form.instance)

    @admin.action(description=_("Publish the selected articles"))
    def publish(self, request, queryset):
        for article in queryset:
            services.article_status_set(article=article, status=ArticleStatus.PUBLISHED)

    @admin.action(description=_("Unpublish the selected articles (back to draft)"))
    def unpublish(self, request, queryset):
        for article in queryset:
            services.article_status_set(article=article, status=ArticleStatus.DRAFT)


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
