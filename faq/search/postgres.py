"""PostgreSQL search: a tsvector per document (english, russian, or simple over Chinese
bigrams) behind a GIN index, ts_rank for ranking, and pg_trgm over the word dictionary for
typo correction."""

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction

from faq.search.text import ParsedQuery, bigrams, is_cjk

CONFIGS = {"en": "english", "ru": "russian", "zh-hans": "simple"}
# An unranked cap on candidates keeps a very common word from ranking the whole table; title
# matches get their own share so the best candidates are not cut off.
TITLE_CANDIDATES = 200
BODY_CANDIDATES = 800
TRIGRAM_THRESHOLD = 0.2


def _word_query(word: str, *, chinese: bool, weight: str) -> str:
    if is_cjk(word):
        if not chinese:
            return ""
        if len(word) == 1:
            return f"{word}:*{weight}"
        return "(" + " <-> ".join(f"{b}:{weight}" if weight else b for b in bigrams(word)) + ")"
    return f"{word}:*{weight}"


def _tsquery_text(query: ParsedQuery, *, chinese: bool, match_all: bool, weight: str = "") -> str:
    groups = []
    for alternatives in query.alternatives:
        parts = [p for p in (_word_query(w, chinese=chinese, weight=weight) for w in alternatives) if p]
        if parts:
            groups.append("(" + " | ".join(parts) + ")")
    return (" & " if match_all else " | ").join(groups)


_FIND_SQL = """
WITH q AS (
    SELECT to_tsquery('english', %(latin)s) || to_tsquery('russian', %(latin)s)
           || to_tsquery('simple', %(chinese)s) AS query,
           to_tsquery('english', %(latin_a)s) || to_tsquery('russian', %(latin_a)s)
           || to_tsquery('simple', %(chinese_a)s) AS title_query
), candidates AS (
    (SELECT d.translation_id FROM faq_searchdocument d, q
      WHERE d.is_published AND d.vector @@ q.title_query LIMIT %(title_cap)s)
    UNION
    (SELECT d.translation_id FROM faq_searchdocument d, q
      WHERE d.is_published AND d.vector @@ q.query LIMIT %(body_cap)s)
)
SELECT d.translation_id, d.article_id, d.language,
       ts_rank(d.vector, q.query, 1) * CASE WHEN d.language = %(language)s THEN 1.5 ELSE 1.0 END
       AS score
  FROM candidates c JOIN faq_searchdocument d ON d.translation_id = c.translation_id, q
 ORDER BY score DESC, d.translation_id
 LIMIT %(limit)s
"""


def find(query: ParsedQuery, *, language: str, limit: int, match_all: bool = True):
    params = {
        "latin": _tsquery_text(query, chinese=False, match_all=match_all),
        "chinese": _tsquery_text(query, chinese=True, match_all=match_all),
        "latin_a": _tsquery_text(query, chinese=False, match_all=match_all, weight="A"),
        "chinese_a": _tsquery_text(query, chinese=True, match_all=match_all, weight="A"),
        "title_cap": TITLE_CANDIDATES,
        "body_cap": BODY_CANDIDATES,
        "language": language,
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(_FIND_SQL, params)
        return cursor.fetchall()


def similar_terms(words: list[str]) -> dict[str, list[str]]:
    """Dictionary words that share trigrams with each of ``words``, most similar first."""
    if not words:
        return {}
    found: dict[str, list[str]] = {w: [] for w in words}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [TRIGRAM_THRESHOLD])
        cursor.execute(
            """SELECT w, t.term FROM unnest(%s::text[]) AS w,
                      LATERAL (SELECT term FROM faq_searchterm WHERE term %% w
                               ORDER BY similarity(term, w) DESC LIMIT 20) AS t""",
            [words],
        )
        for word, term in cursor.fetchall():
            found[word].append(term)
    return found


def index_documents(documents) -> None:
    """Fill the tsvector of freshly saved documents, each with its language's configuration."""
    from faq.models import SearchDocument

    by_language: dict[str, list[int]] = {}
    for doc in documents:
        by_language.setdefault(doc.language, []).append(doc.pk)
    for language, ids in by_language.items():
        SearchDocument.objects.filter(pk__in=ids).update(vector=_vector(language))


def _vector(language: str):
    config = CONFIGS.get(language, "simple")
    return (SearchVector("index_title", weight="A", config=config)
            + SearchVector("index_body", weight="C", config=config))


def rebuild() -> None:
    from faq.models import SearchDocument

    for language in CONFIGS:
        SearchDocument.objects.filter(language=language).update(vector=_vector(language))


def remove_documents(translation_ids) -> None:
    """Nothing to do: the vector lives on the row, which the caller deletes."""
