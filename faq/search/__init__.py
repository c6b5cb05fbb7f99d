"""Article search in three languages on PostgreSQL or SQLite.

``search`` runs up to four passes, stopping at the first that finds something:
1. every word (prefix match, so "deliv" finds "delivery"; stems, so "возврата" finds "возврат";
   Chinese as bigram phrases, so 退货 finds 如何申请退货);
2. every word again, misspelt words replaced by the nearest dictionary words ("refnud" ->
   "refund"): pg_trgm similarity on PostgreSQL, edit distance on both;
3. any word (long natural-language questions from the pre-chat form), and a Chinese run's
   two-character pieces anywhere in the text rather than side by side ("跟踪物流" finds
   "物流……跟踪");
4. on SQLite, a LIKE substring match.
Results keep one translation per article, the customer's language first.

The index itself (faq_searchdocument plus the vector or the FTS5 table) is written only through
``index_documents``/``remove_documents``, called by faq.services.
"""

from dataclasses import dataclass

from django.db import connection

from faq.search import postgres, sqlite
from faq.search.text import ParsedQuery, best_corrections, is_cjk, parse_query


@dataclass(frozen=True)
class Hit:
    """One found document with what a result shows: its title and text, its article's slug
    and category (the backends read them in the same statement)."""

    translation_id: int
    article_id: int
    language: str
    score: float
    title: str
    text: str
    slug: str
    category_id: int


@dataclass
class Outcome:
    query: ParsedQuery
    hits: list[Hit]
    corrected: str = ""  # the words searched instead, when typos were corrected


def backend():
    return postgres if connection.vendor == "postgresql" else sqlite


def _one_per_article(rows, *, language: str, limit: int) -> list[Hit]:
    """Best-ranked first; for each article its translation in ``language`` if that matched."""
    by_article: dict[int, Hit] = {}
    order: list[int] = []
    for translation_id, article_id, lang, score, *document in rows:
        hit = Hit(translation_id, article_id, lang, float(score or 0), *document)
        current = by_article.get(article_id)
        if current is None:
            by_article[article_id] = hit
            order.append(article_id)
        elif lang == language and current.language != language:
            by_article[article_id] = hit
    return [by_article[a] for a in order[:limit]]


def _with_corrections(query: ParsedQuery) -> ParsedQuery | None:
    words = [w for w in query.words if not is_cjk(w)]
    candidates = backend().similar_terms(words)
    alternatives, changed = [], False
    for word in query.words:
        known = candidates.get(word, [])
        fixes = [] if word in known else best_corrections(word, known)
        changed = changed or bool(fixes)
        alternatives.append([word, *fixes])
    if not changed:
        return None
    return ParsedQuery(words=query.words, alternatives=alternatives)


def search(text: str, *, language: str, limit: int = 10, any_word: bool = False) -> Outcome:
    """Published documents for ``text``; ``any_word`` matches any word from the first pass."""
    query = parse_query(text)
    if query.is_empty:
        return Outcome(query=query, hits=[])
    impl = backend()
    fetch = limit * 3

    rows = impl.find(query, language=language, limit=fetch, match_all=not any_word)
    if rows:
        return Outcome(query, _one_per_article(rows, language=language, limit=limit))

    corrected = _with_corrections(query)
    if corrected is not None:
        rows = impl.find(corrected, language=language, limit=fetch)
        if rows:
            shown = " ".join(alts[1] if len(alts) > 1 else alts[0] for alts in corrected.alternatives)
            return Outcome(corrected, _one_per_article(rows, language=language, limit=limit), shown)
    current = corrected or query

    if len(query.words) > 1 or any(is_cjk(w) and len(w) > 2 for w in query.words):
        rows = impl.find(current, language=language, limit=fetch, match_all=False)
        if rows:
            return Outcome(current, _one_per_article(rows, language=language, limit=limit))

    if impl is sqlite:
        stripped = " ".join(text.split())
        if len(stripped) >= 2:
            rows = sqlite.find_like(stripped, language=language, limit=fetch)
            if rows:
                return Outcome(ParsedQuery(words=[stripped.lower()]),
                               _one_per_article(rows, language=language, limit=limit))
    return Outcome(query=query, hits=[])


def index_documents(documents) -> None:
    backend().index_documents(documents)


def remove_documents(translation_ids) -> None:
    backend().remove_documents(translation_ids)


def rebuild() -> None:
    backend().rebuild()
