"""FAQ: categories and articles, each with a translation per language.

faq stands alone (it imports no other app of the project).
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
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


class SearchDocument(models.Model):
    """What the search reads for one article translation. Written only by faq.services.

    ``index_title``/``index_body`` are the text the tokenizer reads (Chinese split into
    bigrams); ``title``/``text`` are the plain text shown and highlighted in snippets.
    ``vector`` is filled on PostgreSQL only; SQLite keeps an FTS5 table in step instead.
    """

    translation = models.OneToOneField(ArticleTranslation, on_delete=models.CASCADE,
                                       primary_key=True, related_name="search_document")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="search_documents")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    is_published = models.BooleanField(default=False)
    title = models.CharField(max_length=200)
    text = models.TextField()
    index_title = models.TextField()
    index_body = models.TextField()
    vector = SearchVectorField(null=True)
    # The title alone: title matches come straight from its index (a weight-restricted query
    # on ``vector`` would have to re-read every matching row).
    title_vector = SearchVectorField(null=True)

    class Meta:
        indexes = [models.Index(fields=["article", "language"], name="faq_searchdoc_article_lang")]

    def __str__(self):
        return f"{self.title} [{self.language}]"


class SearchTerm(models.Model):
    """A word seen in some article: the dictionary that typo correction picks from."""

    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    term = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "language"],
                                               name="one_search_term_per_language")]

    def __str__(self):
        return self.term


class NoResultSearch(models.Model):
    """A search that found nothing, counted per normalised query and language."""

    query = models.CharField(_("query"), max_length=200)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    count = models.PositiveIntegerField(_("times searched"), default=1)
    first_seen = models.DateTimeField(_("first searched"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last searched"), default=timezone.now)

    class Meta:
        verbose_name = _("search with no result")
        verbose_name_plural = _("searches with no result")
        ordering = ["-last_seen"]
        constraints = [models.UniqueConstraint(fields=["query", "language"],
                                               name="one_no_result_row_per_query")]

    def __str__(self):
        return self.query


class Vote(models.Model):
    """A "Was this helpful?" answer: one per article per user, or per session when anonymous."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes",
                                verbose_name=_("article"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True,
                             blank=True, related_name="faq_votes", verbose_name=_("user"))
    session_key = models.CharField(_("session"), max_length=64, blank=True)
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES,
                                blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("helpful vote")
        verbose_name_plural = _("helpful votes")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], condition=Q(user__isnull=False),
                                    name="one_vote_per_user"),
            models.UniqueConstraint(fields=["article", "session_key"],
                                    condition=Q(user__isnull=True),
                                    name="one_vote_per_session"),
            models.CheckConstraint(
                condition=(Q(user__isnull=False, session_key="")
                           | (Q(user__isnull=True) & ~Q(session_key=""))),
                name="vote_by_user_or_session",
            ),
        ]

    def __str__(self):
        return f"{self.article} {'+' if self.helpful else '-'}"
