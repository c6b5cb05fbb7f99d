"""Reads for the help center: what a visitor may see, in their language."""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils.safestring import SafeString

from common.errors import NotFound
from faq import search
from faq.models import FALLBACK_LANGUAGE, Article, ArticleStatus, ArticleTranslation, Category, Vote
from faq.search.text import highlight, snippet

SNIPPET_WIDTH = 180


def _pick(translations, language: str):
    """The translation in ``language``, else English, else any; and whether it fell back."""
    by_language = {t.language: t for t in translations}
    if language in by_language:
        return by_language[language], False
    for code in (FALLBACK_LANGUAGE, *[code for code, _ in settings.LANGUAGES]):
        if code in by_language:
            return by_language[code], True
    return None, True


def can_preview_drafts(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def visible_articles(*, user=None) -> QuerySet[Article]:
    qs = Article.objects.all()
    if not can_preview_drafts(user):
        qs = qs.filter(status=ArticleStatus.PUBLISHED)
    return qs


def access_article(*, slug: str, user=None) -> Article:
    """The article ``slug`` if the user may read it (drafts: staff only); ``NotFound`` else."""
    try:
        return (visible_articles(user=user).select_related("category")
                .prefetch_related("translations", "category__translations").get(slug=slug))
    except Article.DoesNotExist:
        raise NotFound(slug) from None


def access_category(*, slug: str) -> Category:
    try:
        return Category.objects.prefetch_related("translations").get(slug=slug)
    except Category.DoesNotExist:
        raise NotFound(slug) from None


@dataclass
class ArticleCard:
    article: Article
    translation: ArticleTranslation
    url: str = ""

    @property
    def title(self) -> str:
        return self.translation.title


def translation_for(*, article: Article, language: str) -> tuple[ArticleTranslation, bool]:
    """(translation, fell_back). Raises NotFound if the article has no translation at all."""
    translation, fell_back = _pick(article.translations.all(), language)
    if translation is None:
        raise NotFound(article.slug)
    return translation, fell_back


def category_name(*, category: Category, language: str) -> tuple[str, str]:
    translation, _ = _pick(category.translations.all(), language)
    if translation is None:
        return category.slug, ""
    return translation.name, translation.description


def _cards(articles, language: str) -> list[ArticleCard]:
    cards = []
    for article in articles:
        translation, _ = _pick(article.translations.all(), language)
        if translation is not None:
            cards.append(ArticleCard(article, translation))
    return cards


def category_articles(*, category: Category, language: str, user=None) -> list[ArticleCard]:
    return _cards(visible_articles(user=user).filter(category=category)
                  .prefetch_related("translations").order_by("position", "slug"), language)


@dataclass
class CategoryTile:
    category: Category
    name: str
    description: str


def category_tiles(*, language: str) -> list[CategoryTile]:
    """Every category with its name and description in ``language``."""
    categories = Category.objects.prefetch_related("translations")
    return [CategoryTile(c, *category_name(category=c, language=language)) for c in categories]


def related_articles(*, article: Article, translation: ArticleTranslation, language: str,
                     limit: int = 5) -> list[ArticleCard]:
    """Published articles of the same category first, then ones sharing words with the title."""
    same_category = list(
        Article.objects.filter(category_id=article.category_id, status=ArticleStatus.PUBLISHED)
        .exclude(pk=article.pk).prefetch_related("translations")
        .order_by("position", "slug")[:limit]
    )
    related = _cards(same_category, language)
    if len(related) < limit:
        seen = {article.pk, *(c.article.pk for c in related)}
        outcome = search.search(translation.title, language=language, limit=limit * 2,
                                any_word=True)
        ids = [h.article_id for h in outcome.hits if h.article_id not in seen]
        extra = {a.pk: a for a in Article.objects.filter(pk__in=ids)
                 .prefetch_related("translations")}
        related += _cards([extra[i] for i in ids if i in extra], language)
    return related[:limit]


@dataclass
class SearchResult:
    article: Article
    language: str
    title_html: SafeString
    snippet_html: SafeString
    snippet_text: str
    title: str


@dataclass
class SearchPage:
    query: str
    results: list[SearchResult]
    corrected: str = ""


def article_search(*, query: str, language: str, limit: int = 10) -> SearchPage:
    """Published articles matching ``query`` in any language, ``language`` preferred, with
    highlighted (escaped) titles and snippets."""
    outcome = search.search(query, language=language, limit=limit)
    results = []
    for hit in outcome.hits:
        # The search statement read the article's slug and category with the document; the
        # other fields load on first use, as with .only().
        article = Article.from_db(connection.alias, ["id", "category_id", "slug"],
                                  [hit.article_id, hit.category_id, hit.slug])
        snippet_html, snippet_text = snippet(hit.text, outcome.query, width=SNIPPET_WIDTH)
        results.append(SearchResult(
            article=article,
            language=hit.language,
            title=hit.title,
            title_html=highlight(hit.title, outcome.query),
            snippet_html=snippet_html,
            snippet_text=snippet_text,
        ))
    return SearchPage(query=query, results=results, corrected=outcome.corrected)


def vote_of(*, article: Article, user=None, session_key: str = "") -> Vote | None:
    """The requester's own vote on ``article``, if any."""
    if user is not None and user.is_authenticated:
        return Vote.objects.filter(article=article, user=user).first()
    if session_key:
        return Vote.objects.filter(article=article, user=None, session_key=session_key).first()
    return None
