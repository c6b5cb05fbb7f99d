from django.contrib import admin

from faq.models import Article, ArticleTranslation, Category, CategoryTranslation


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
    list_display = ["slug", "category", "status", "views", "updated_at"]
    list_filter = ["status", "category"]
    search_fields = ["slug", "translations__title"]
    inlines = [ArticleTranslationInline]
