"""A tsvector of the title alone, with its own GIN index on PostgreSQL."""

import django.contrib.postgres.search
from django.db import migrations


def _title_index(forward):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS faq_searchdoc_title_gin ON faq_searchdocument "
            "USING gin (title_vector) WHERE is_published" if forward
            else "DROP INDEX IF EXISTS faq_searchdoc_title_gin"
        )
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('faq', '0003_search_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='searchdocument',
            name='title_vector',
            field=django.contrib.postgres.search.SearchVectorField(null=True),
        ),
        migrations.RunPython(_title_index(True), _title_index(False)),
    ]
