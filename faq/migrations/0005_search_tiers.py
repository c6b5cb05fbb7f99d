"""Search indexes split into tiers: each tsvector gets five partial GIN indexes over disjoint
slices of the published documents (1/16, 1/16, 2/16, 4/16, 8/16 by translation id).

The search reads the tiers in order and stops as soon as it has enough candidates, so a word
found in a quarter of all documents costs one scan of the smallest index instead of a bitmap
of every match; a rare word reads all five (together the same postings as one index).
faq.search.postgres.TIERS holds the same predicates; a test checks the two agree.
"""

from django.db import migrations

MODULUS = 16
TIERS = ("= 0", "= 1", "BETWEEN 2 AND 3", "BETWEEN 4 AND 7", ">= 8")
COLUMNS = {"title": "title_vector", "body": "vector"}
OLD = {"faq_searchdoc_title_gin": "title_vector", "faq_searchdoc_vector_gin": "vector"}


def _create(name: str, column: str, predicate: str) -> str:
    return (f"CREATE INDEX IF NOT EXISTS {name} ON faq_searchdocument USING gin ({column}) "
            f"WHERE {predicate}")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for kind, column in COLUMNS.items():
        for number, tier in enumerate(TIERS):
            schema_editor.execute(_create(
                f"faq_searchdoc_{kind}_t{number}", column,
                f"is_published AND (translation_id % {MODULUS}) {tier}",
            ), params=None)  # no parameters: '%' is the modulo operator
    for name in OLD:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in OLD.items():
        schema_editor.execute(_create(name, column, "is_published"))
    for kind in COLUMNS:
        for number in range(len(TIERS)):
            schema_editor.execute(f"DROP INDEX IF EXISTS faq_searchdoc_{kind}_t{number}")


class Migration(migrations.Migration):

    dependencies = [
        ("faq", "0004_search_title_vector"),
    ]

    operations = [migrations.RunPython(forward, backward)]
