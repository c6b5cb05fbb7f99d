"""PostgreSQL search: a tsvector per document (english, russian, or simple over Chinese
bigrams) behind a GIN index, ts_rank for ranking, and pg_trgm over the word dictionary for
typo correction."""

from django.contrib.postgres.search import SearchVector
from django.db import connection

from faq.models import SearchDocument
from faq.search.text import CYRILLIC, ParsedQuery, bigrams, is_cjk, word_pairs

CONFIGS = {"en": "english", "ru": "russian", "zh-hans": "simple"}
# Candidates are taken unranked, title matches first, until there are this many; only they are
# ranked. A word in a third of all articles therefore costs no more than a rare one.
CANDIDATES = 200
TRIGRAM_THRESHOLD = 0.2
# The partial GIN indexes of migration 0005: disjoint slices of the published documents by
# translation id, smallest first (1/16, 1/16, 2/16, 4/16, 8/16).
TIER_MODULUS = 16
TIERS = ("= 0", "= 1", "BETWEEN 2 AND 3", "BETWEEN 4 AND 7", ">= 8")


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


def _candidate_branches() -> str:
    """One SELECT per (vector, tier), titles first, each served by its own partial index.

    An Append under LIMIT runs its branches in order and never starts the ones it does not
    need: a common word is served by the smallest title index alone, a rare one reads every
    tier (together exactly the postings of one whole index).
    """
    branch = ("(SELECT translation_id FROM faq_searchdocument WHERE is_published"
              " AND (translation_id %% {modulus}) {tier} AND {column} @@ (SELECT query FROM q))")
    return "\n        UNION ALL ".join(
        branch.format(modulus=TIER_MODULUS, tier=tier, column=column)
        for column in ("title_vector", "vector") for tier in TIERS
    )


# The tsquery is built once (a materialised CTE): the plan is the same for every query, so
# it is the bitmap scans of the tier indexes whatever the words, and it is prepared once per
# connection. The rows carry what the result page shows, so no second fetch is needed.
_FIND_SQL = f"""
WITH q AS MATERIALIZED (
    SELECT to_tsquery('english', %(latin)s) || to_tsquery('russian', %(russian)s)
           || to_tsquery('simple', %(chinese)s) AS query),
ranked AS (
    SELECT d.translation_id, d.article_id, d.language,
           (2 * ts_rank(d.title_vector, q.query) + ts_rank(d.vector, q.query, 1))
           * CASE WHEN d.language = %(language)s THEN 1.5 ELSE 1.0 END AS score
      FROM (SELECT DISTINCT translation_id
              FROM ({_candidate_branches()}
                    LIMIT %(candidates)s) AS c) AS c
      JOIN faq_searchdocument d ON d.translation_id = c.translation_id
     CROSS JOIN q
     ORDER BY score DESC, d.translation_id
     LIMIT %(limit)s)
SELECT r.translation_id, r.article_id, r.language, r.score, d.title, d.text, a.slug,
       a.category_id
  FROM ranked r
  JOIN faq_searchdocument d ON d.translation_id = r.translation_id
  JOIN faq_article a ON a.id = r.article_id
 ORDER BY r.score DESC, r.translation_id
"""  # noqa: S608 - the branches are built from the constants above


def _fetch_prepared(sql: str, params: dict) -> list[tuple]:
    """Rows of ``sql`` through a server-side-binding psycopg cursor, planned once per
    connection (psycopg keeps the prepared statement and drops it on rollback or DDL).

    Django's own cursors bind on the client, which rules out prepared statements.
    """
    import psycopg

    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchall()


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
        "candidates": CANDIDATES,
        "language": language,
        "limit": limit,
    }
    return _fetch_prepared(_FIND_SQL, params)


def similar_terms(words: list[str]) -> dict[str, list[str]]:
    """Dictionary words that share trigrams with each of ``words``, most similar first."""
    if not words:
        return {}
    found: dict[str, list[str]] = {w: [] for w in words}
    with connection.cursor() as cursor:
        # One round trip: sent together, the two statements share one transaction (an
        # implicit one outside atomic()), so the threshold holds for this lookup only.
        cursor.execute(
            f"""SET LOCAL pg_trgm.similarity_threshold = {TRIGRAM_THRESHOLD:.2f};
                SELECT w, t.term FROM unnest(%s::text[]) AS w,
                       LATERAL (SELECT term FROM faq_searchterm WHERE term %% w
                                ORDER BY similarity(term, w) DESC LIMIT 20) AS t""",  # noqa: S608
            [words],
        )
        cursor.nextset()
        for word, term in cursor.fetchall():
            found[word].append(term)
    return found


def index_documents(documents) -> None:
    """Fill the tsvector of freshly saved documents, each with its language's configuration."""
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
    for language in CONFIGS:
        SearchDocument.objects.filter(language=language).update(
            vector=_vector(language), title_vector=_title_vector(language)
        )


def remove_documents(translation_ids) -> None:
    """Nothing to do: the vector lives on the row, which the caller deletes."""
