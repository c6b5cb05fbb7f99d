"""Every change to help articles, the search index, votes and the no-result log."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from faq import search
from faq.models import (
    Article,
    ArticleStatus,
    ArticleTranslation,
    Category,
    CategoryTranslation,
    NoResultSearch,
    SearchDocument,
    SearchTerm,
    Vote,
)
from faq.rendering import markdown_to_text
from faq.search.text import lexicon_words, segment_cjk

logger = logging.getLogger(__name__)

MAX_COMMENT_LENGTH = 1000
MAX_LOGGED_QUERY_LENGTH = 200


@dataclass(frozen=True)
class TranslationInput:
    title: str
    body: str
    summary: str = ""


def category_save(*, slug: str, topic: str = "", position: int = 0, icon: str = "",
                  names: dict[str, tuple[str, str]] | None = None) -> Category:
    """Create or update a category; ``names`` maps language -> (name, description)."""
    category, _ = Category.objects.update_or_create(
        slug=slug, defaults={"topic": topic, "position": position, "icon": icon}
    )
    for language, (name, description) in (names or {}).items():
        CategoryTranslation.objects.update_or_create(
            category=category, language=language,
            defaults={"name": name, "description": description},
        )
    return category


@transaction.atomic
def article_save(*, slug: str, category: Category, translations: dict[str, TranslationInput],
                 status: str = ArticleStatus.PUBLISHED, position: int = 0) -> Article:
    """Create or update an article and its translations, and index them for search."""
    article, _ = Article.objects.update_or_create(
        slug=slug, defaults={"category": category, "status": status, "position": position}
    )
    for language, t in translations.items():
        ArticleTranslation.objects.update_or_create(
            article=article, language=language,
            defaults={"title": t.title, "summary": t.summary, "body": t.body},
        )
    article_index_refresh(article=article)
    return article


@transaction.atomic
def article_status_set(*, article: Article, status: str, by=None) -> Article:
    """Publish or unpublish; the search index follows at once. ``by``: the staff member
    asking (the admin), who needs the change permission; None for the seed and tests."""
    if by is not None:
        editor_check(by=by, model=Article, action="change")
    article.status = status
    article.save(update_fields=["status", "updated_at"])
    SearchDocument.objects.filter(article=article).update(
        is_published=status == ArticleStatus.PUBLISHED
    )
    return article


def _document_for(translation: ArticleTranslation, *, published: bool) -> SearchDocument:
    body_text = markdown_to_text(translation.body)
    chinese = translation.language.startswith("zh")
    summary = translation.summary.strip()
    if summary and summary[-1] not in ".!?。！？":
        summary += "。" if chinese else "."
    text = " ".join(p for p in (summary, body_text) if p)
    return SearchDocument(
        translation=translation,
        article_id=translation.article_id,
        language=translation.language,
        is_published=published,
        title=translation.title,
        text=text,
        index_title=segment_cjk(translation.title) if chinese else translation.title,
        index_body=segment_cjk(text) if chinese else text,
    )


@transaction.atomic
def article_index_refresh(*, article: Article) -> None:
    """Rebuild the search documents of ``article`` from its current translations.

    Call after any change to the article or its translations (the admin does, after saving
    its inlines).
    """
    translations = list(ArticleTranslation.objects.filter(article=article))
    stale = SearchDocument.objects.filter(article=article).exclude(
        translation__in=[t.pk for t in translations]
    )
    stale_ids = list(stale.values_list("pk", flat=True))
    search.remove_documents(stale_ids)
    SearchDocument.objects.filter(pk__in=stale_ids).delete()
    documents = search_documents_write(
        translations, published=article.status == ArticleStatus.PUBLISHED
    )
    search.index_documents(documents)


def search_documents_write(translations, *, published: bool) -> list[SearchDocument]:
    """Upsert the documents (and dictionary words) of ``translations``; the caller indexes."""
    documents = [_document_for(t, published=published) for t in translations]
    if not documents:
        return []
    SearchDocument.objects.bulk_create(
        documents, update_conflicts=True, unique_fields=["translation"],
        update_fields=["article", "language", "is_published", "title", "text", "index_title",
                       "index_body"],
    )
    terms = {
        (doc.language, word)
        for doc in documents
        for word in lexicon_words(f"{doc.title} {doc.text}")
    }
    SearchTerm.objects.bulk_create(
        [SearchTerm(language=lang, term=word) for lang, word in terms],
        ignore_conflicts=True, batch_size=1000,
    )
    return documents


def search_index_rebuild() -> int:
    """Rebuild every search document from the translations; returns how many were written."""
    written = 0
    with transaction.atomic():
        search.remove_documents(SearchDocument.objects.values_list("pk", flat=True))
        SearchDocument.objects.all().delete()
        for article in Article.objects.prefetch_related("translations").iterator(chunk_size=500):
            written += len(search_documents_write(
                article.translations.all(), published=article.status == ArticleStatus.PUBLISHED
            ))
        search.rebuild()
    return written


def article_view_count(*, article: Article) -> None:
    """Count one view (atomically, without touching the last-updated date)."""
    Article.objects.filter(pk=article.pk).update(views=F("views") + 1)


def vote_cast(*, article: Article, user=None, session_key: str = "", helpful: bool,
              comment: str = "", language: str = "") -> Vote:
    """Record the voter's answer: a signed-in user by account, anyone else by session.

    Voting again changes the voter's own vote; nobody can reach another voter's vote, since
    the voter's identity (never an id from the request) selects the row.
    """
    if user is not None and user.is_authenticated:
        key = {"article": article, "user": user}
    elif session_key:
        key = {"article": article, "user": None, "session_key": session_key}
    else:
        raise ValueError("A vote needs a signed-in user or a session.")
    values = {"helpful": helpful, "comment": comment.strip()[:MAX_COMMENT_LENGTH],
              "language": language}
    for _attempt in range(2):
        try:
            with transaction.atomic():
                vote, _ = Vote.objects.update_or_create(**key, defaults=values)
                return vote
        except IntegrityError:
            # Two first votes raced on the unique constraint; the second pass updates.
            continue
    raise RuntimeError("vote could not be stored")


def normalise_query(query: str) -> str:
    return " ".join(query.lower().split())[:MAX_LOGGED_QUERY_LENGTH]


def no_result_search_record(*, query: str, language: str) -> NoResultSearch | None:
    """Count a search that found nothing, one row per normalised query and language."""
    text = normalise_query(query)
    if not text:
        return None
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    now = timezone.now()
    updated = NoResultSearch.objects.filter(query=text, language=language).update(
        count=F("count") + 1, last_seen=now
    )
    if not updated:
        try:
            with transaction.atomic():
                return NoResultSearch.objects.create(query=text, language=language, last_seen=now)
        except IntegrityError:
            NoResultSearch.objects.filter(query=text, language=language).update(
                count=F("count") + 1, last_seen=now
            )
    return NoResultSearch.objects.get(query=text, language=language)


# --- Editing in the admin (managers) ----------------------------------------------------------
# The admin's forms build the rows; these check the editor and write them, with the search
# index, in one transaction. The audit log records the changes (it tracks these models).


def editor_check(*, by, model, action: str) -> None:
    """``PermissionDenied`` unless ``by`` is active staff holding faq's ``action`` permission
    on ``model`` (managers: helpdesk.roles; agents only read)."""
    from django.core.exceptions import PermissionDenied

    perm = f"{model._meta.app_label}.{action}_{model._meta.model_name}"
    if not (by.is_authenticated and by.is_active and by.is_staff and by.has_perm(perm)):
        raise PermissionDenied


def _save_with_translations(*, by, obj, parent: str, translations, removed) -> None:
    editor_check(by=by, model=type(obj), action="add" if obj._state.adding else "change")
    for translation in translations:
        editor_check(by=by, model=type(translation),
                     action="add" if translation._state.adding else "change")
    for translation in removed:
        editor_check(by=by, model=type(translation), action="delete")
    obj.full_clean()
    obj.save()
    for translation in removed:
        translation.delete()
    for translation in translations:
        # Re-attach: a new parent had no id when its form built the translation.
        setattr(translation, parent, obj)
        translation.full_clean()
        translation.save()


@transaction.atomic
def article_edit(*, by, article: Article, translations=(), removed=()) -> Article:
    """Save an article edited by ``by`` with its new or changed ``translations`` and the
    ``removed`` ones; the search index follows."""
    removed_ids = [t.pk for t in removed]
    _save_with_translations(by=by, obj=article, parent="article", translations=translations,
                            removed=removed)
    # A removed translation's document went with it (cascade); its index entry goes here.
    search.remove_documents(removed_ids)
    article_index_refresh(article=article)
    return article


@transaction.atomic
def article_delete(*, by, article: Article) -> None:
    """Delete an article and take its documents out of the search index."""
    editor_check(by=by, model=Article, action="delete")
    search.remove_documents(list(SearchDocument.objects.filter(article=article)
                                 .values_list("pk", flat=True)))
    article.delete()


@transaction.atomic
def category_edit(*, by, category: Category, translations=(), removed=()) -> Category:
    """Save a category edited by ``by`` with its new or changed names and the removed ones."""
    _save_with_translations(by=by, obj=category, parent="category", translations=translations,
                            removed=removed)
    return category


@transaction.atomic
def category_delete(*, by, category: Category) -> None:
    """Delete a category (one with articles is protected: move or delete them first)."""
    editor_check(by=by, model=Category, action="delete")
    category.delete()
