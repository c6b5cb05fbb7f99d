"""PostgreSQL search: a tsvector per document (english, russian, or simple over Chinese
bigrams) behind a GIN index, ts_rank for ranking, and pg_trgm over the word dictionary for
typo correction."""

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction

from faq.search.text import CYRILLIC, ParsedQuery, bigrams, is_cjk, word_pairs

CONFIGS = {"en": "english", "ru": "russian", "zh-hans": "simple"}
# An unranked cap on candidates keeps a very common word from ranking the whole table; title
# matches get their own share so the best candidates are not cut off.
TITLE_CANDIDATES = 150
BODY_CANDIDATES = 250
TRIGRAM_THRESHOLD = 0.2


def _word_query(word: str, *, chinese: bool, loose: bool = False) -> str:
    """One word as tsquery text; a Chinese run is a phrase of its bigrams (``loose``: its
    side-by-side pairs anywhere)."""
    if is_cjk(word):
        if not chinese:
            return ""
        if len(word) == 1:
            return f"{word}:*"
        if loose:
            return "(" + " & ".join(word_pairs(word)) + ")"
        return "(" + " <-> ".join(bigrams(word)) + ")"
    return f"{word}:*"


def _tsquery_text(query: ParsedQuery, *, chinese: bool, match_all: bool) -> str:
    groups = []
    for alternatives in query.alternatives:
        parts = [p for p in (_word_query(w, chinese=chinese, loose=not match_all)
                             for w in alternatives) if p]
        if parts:
            groups.append("(" + " | ".join(parts) + ")")
    return (" & " if match_all else " | ").join(groups)


# Candidates come unranked from the GIN indexes, title matches first, each capped; only they are
# ranked. A word in a third of all articles therefore costs no more than a rare one.
_FIND_SQL = """
SELECT d.translation_id, d.article_id, d.language,
       (2 * ts_rank(d.title_vector, c.query) + ts_rank(d.vector, c.query, 1))
       * CASE WHEN d.language = %(language)s THEN 1.5 ELSE 1.0 END AS score
  FROM ((SELECT translation_id, query FROM faq_searchdocument,
                (SELECT to_tsquery('english', %(latin)s) || to_tsquery('russian', %(russian)s)
                        || to_tsquery('simple', %(chinese)s) AS query) q
          WHERE is_published AND title_vector @@ query LIMIT %(title_cap)s)
        UNION ALL
        (SELECT translation_id, query FROM faq_searchdocument,
                (SELECT to_tsquery('english', %(latin)s) || to_tsquery('russian', %(russian)s)
                        || to_tsquery('simple', %(chinese)s) AS query) q
          WHERE is_published AND vector @@ query LIMIT %(body_cap)s)) c
  JOIN faq_searchdocument d ON d.translation_id = c.translation_id
 ORDER BY score DESC, d.translation_id
 LIMIT %(limit)s
"""


def find(query: ParsedQuery, *, language: str, limit: int, match_all: bool = True):
    words = [w for alternatives in query.alternatives for w in alternatives]
    latin = _tsquery_text(query, chinese=False, match_all=match_all)
    # Each configuration only where it adds lexemes: 'russian' stems Latin words exactly as
    # 'english' does, and 'simple' is needed for Chinese bigrams. A duplicate would cost a
    # second scan of the same posting list.
    params = {
        "latin": latin,
        "russian": latin if any(CYRILLIC.search(w) for w in words) else "",
        "chinese": (_tsquery_text(query, chinese=True, match_all=match_all)
                    if any(is_cjk(w) for w in words) else ""),
        "title_cap": TITLE_CANDIDATES,
        "body_cap": BODY_CANDIDATES,
        "language": language,
        "limit": limit,
    }
    # A LIMIT without ORDER BY tempts the planner into a sequential scan that evaluates @@ on
    # row after row (it underestimates that cost); the GIN bitmap scans are always right here.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
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
        SearchDocument.objects.filter(pk__in=ids).update(
            vector=_vector(language), title_vector=_title_vector(language)
        )


def _vector(language: str):
    config = CONFIGS.get(language, "simple")
    return (SearchVector("index_title", weight="A", config=config)
            + SearchVector("index_body", weight="C", config=config))


def _title_vector(language: str):
    return SearchVector("index_title", config=CONFIGS.get(language, "simple"))


def rebuild() -> None:
    from faq.models import SearchDocument

    for language in CONFIGS:
        SearchDocument.objects.filter(language=language).update(
            vector=_vector(language), title_vector=_title_vector(language)
        )


def remove_documents(translation_ids) -> None:
    """Nothing to do: the vector lives on the row, which the caller deletes."""
