"""SQLite search (the embedded default): an FTS5 table of Snowball stems and Chinese bigrams,
bm25 ranking, and a LIKE fallback for what the tokens cannot match."""

from django.db import connection
from django.db.models.functions import Length

from faq.models import SearchDocument, SearchTerm
from faq.search.text import ParsedQuery, bigrams, is_cjk, stem, stemmed_text, word_pairs

TITLE_WEIGHT = 5.0


def _fts_word(word: str, *, loose: bool = False) -> str:
    """One word as FTS5 query text; a Chinese run is a phrase of its bigrams (``loose``: its
    side-by-side pairs anywhere)."""
    if is_cjk(word):
        if len(word) == 1:
            return f'"{word}"*'
        if loose:
            return "(" + " AND ".join(f'"{b}"' for b in word_pairs(word)) + ")"
        return '"' + " ".join(bigrams(word)) + '"'
    return f'"{stem(word)}"*'


def fts_query(query: ParsedQuery, *, match_all: bool = True) -> str:
    groups = []
    for alternatives in query.alternatives:
        parts = list(dict.fromkeys(_fts_word(w, loose=not match_all) for w in alternatives))
        groups.append("(" + " OR ".join(parts) + ")")
    return (" AND " if match_all else " OR ").join(groups)


def find(query: ParsedQuery, *, language: str, limit: int, match_all: bool = True):
    sql = """
        SELECT d.translation_id, d.article_id, d.language,
               -bm25(faq_search_fts, %s, 1.0) AS score, d.title, d.text, a.slug, a.category_id
          FROM faq_search_fts JOIN faq_searchdocument d ON d.translation_id = faq_search_fts.rowid
          JOIN faq_article a ON a.id = d.article_id
         WHERE faq_search_fts MATCH %s AND d.is_published
         ORDER BY score * CASE WHEN d.language = %s THEN 1.5 ELSE 1.0 END DESC, d.translation_id
         LIMIT %s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [TITLE_WEIGHT, fts_query(query, match_all=match_all), language, limit])
        return cursor.fetchall()


def find_like(text: str, *, language: str, limit: int):
    """Substring match on titles and text: partial words in the middle, very short queries."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    sql = """
        SELECT d.translation_id, d.article_id, d.language,
               CASE WHEN d.title LIKE %s ESCAPE '\\' THEN 2.0 ELSE 1.0 END AS score,
               d.title, d.text, a.slug, a.category_id
          FROM faq_searchdocument d JOIN faq_article a ON a.id = d.article_id
         WHERE d.is_published AND (d.title LIKE %s ESCAPE '\\' OR d.text LIKE %s ESCAPE '\\')
         ORDER BY score * CASE WHEN d.language = %s THEN 1.5 ELSE 1.0 END DESC, d.translation_id
         LIMIT %s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [pattern, pattern, pattern, language, limit])
        return cursor.fetchall()


def similar_terms(words: list[str]) -> dict[str, list[str]]:
    """Dictionary words of about the same length (the caller measures the real distance)."""
    found: dict[str, list[str]] = {}
    for word in words:
        found[word] = list(
            SearchTerm.objects.annotate(size=Length("term"))
            .filter(size__range=(len(word) - 2, len(word) + 2))
            .values_list("term", flat=True).distinct()[:20000]
        )
    return found


def remove_documents(translation_ids) -> None:
    ids = list(translation_ids)
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM faq_search_fts WHERE rowid IN ({', '.join(['%s'] * len(ids))})",  # noqa: S608
            ids,
        )


def index_documents(documents) -> None:
    documents = list(documents)
    remove_documents(doc.pk for doc in documents)
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO faq_search_fts (rowid, title, body) VALUES (%s, %s, %s)",
            [(doc.pk, stemmed_text(doc.index_title), stemmed_text(doc.index_body))
             for doc in documents],
        )


def rebuild() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM faq_search_fts")
    index_documents(SearchDocument.objects.all().iterator(chunk_size=2000))
