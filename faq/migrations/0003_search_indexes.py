"""Search indexes that only one database engine has.

PostgreSQL: pg_trgm, a GIN index on the published documents' tsvector and a trigram GIN index
on the typo-correction dictionary. SQLite: an FTS5 table (rowid = translation id) that
faq.search.sqlite keeps in step with faq_searchdocument.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE INDEX IF NOT EXISTS faq_searchdoc_vector_gin ON faq_searchdocument "
    "USING gin (vector) WHERE is_published",
    "CREATE INDEX IF NOT EXISTS faq_searchterm_trgm ON faq_searchterm USING gin (term gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS faq_searchdoc_vector_gin",
    "DROP INDEX IF EXISTS faq_searchterm_trgm",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS faq_search_fts USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS faq_search_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("faq", "0002_search_votes_no_result"),
    ]

    operations = [
        TrigramExtension(),  # a no-op on anything but PostgreSQL
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
