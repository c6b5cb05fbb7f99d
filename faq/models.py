"""FAQ: categories and articles, each with a translation per language.

faq stands alone (it imports no other app of the project).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

FALLBACK_LANGUAGE = "en"


class Category(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    # One of accounts.choices.Topic's values, so a category maps to a conversation topic.
    topic = models.CharField(_("topic"), max_length=20, blank=True)
    icon = models.CharField(_("icon"), max_length=30, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "slug"]

    def __str__(self):
        return self.slug


class CategoryTranslation(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="translations",
                                 verbose_name=_("category"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("category translation")
        verbose_name_plural = _("category translations")
        constraints = [models.UniqueConstraint(fields=["category", "language"],
                                               name="one_category_translation_per_language")]

    def __str__(self):
        return f"{self.name} [{self.language}]"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Article(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles",
                                 verbose_name=_("category"))
    slug = models.SlugField(_("slug"), unique=True, max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=ArticleStatus.choices,
                              default=ArticleStatus.DRAFT)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    views = models.PositiveIntegerField(_("views"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["category", "position", "slug"]

    def __str__(self):
        return self.slug


class ArticleTranslation(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="translations",
                                verbose_name=_("article"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("body (Markdown)"))
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        verbose_name = _("article translation")
        verbose_name_plural = _("article translations")
        constraints = [models.UniqueConstraint(fields=["article", "language"],
                                               name="one_article_translation_per_language")]

    def __str__(self):
        return f"{self.title} [{self.language}]"
