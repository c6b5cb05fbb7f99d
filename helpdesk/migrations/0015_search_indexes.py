"""The agent search's indexes (helpdesk.console.search), PostgreSQL only; SQLite searches the
same fields with bounded substring matches and needs none.

- ``helpdesk_search_vector(text)``: the one definition of a searchable text, an immutable SQL
  function so expression indexes and queries share it: the 'russian' configuration (it stems
  Latin words as 'english' does) over the words, and Chinese runs as their two-character
  pieces (as faq.search indexes them).
- Expression GIN indexes on message bodies and conversation subjects: nothing is written per
  message by the application (the chat's fast-path INSERT is untouched); GIN's pending list
  (fastupdate) keeps the insert cost small (measured in tests/benchmarks/console_search.py).
- pg_trgm indexes for customers' names, emails and phone digits (substring and typo matches),
  a full-text one on names (Chinese names by their two-character pieces),
  and a btree on shipments' tracking numbers (exact lookups).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# CJK Unified Ideographs, extension A and compatibility ideographs (faq.search.text._CJK).
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

FORWARD = [
    # Latin and Cyrillic words through 'russian' (it stems Latin words as 'english' does);
    # Chinese runs as their overlapping two-character pieces (faq.search.text.bigrams; a lone
    # character as itself) through 'simple', so a two-character word is one lexeme and needs
    # no phrase check.
    f"""CREATE OR REPLACE FUNCTION helpdesk_search_vector(text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT to_tsvector('russian'::regconfig, regexp_replace($1, '[{_CJK}]+', ' ', 'g'))
                  || to_tsvector('simple'::regconfig, coalesce((
                       SELECT string_agg(substr(r[1], i, 2), ' ')
                         FROM regexp_matches($1, '([{_CJK}]+)', 'g') AS r,
                              generate_series(1, greatest(char_length(r[1]) - 1, 1)) AS i),
                       '')) $$""",
    # A phone's digits alone, so "+7 912 345-67-89" and "9123456789" find the same customer.
    r"""CREATE OR REPLACE FUNCTION helpdesk_phone_digits(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT regexp_replace($1, '\D', '', 'g') $$""",
    "CREATE INDEX IF NOT EXISTS message_search_gin ON helpdesk_message "
    "USING gin (helpdesk_search_vector(body))",
    "CREATE INDEX IF NOT EXISTS conv_subject_search_gin ON helpdesk_conversation "
    "USING gin (helpdesk_search_vector(subject))",
    "CREATE INDEX IF NOT EXISTS user_full_name_search_gin ON accounts_user "
    "USING gin (helpdesk_search_vector(full_name))",
    "CREATE INDEX IF NOT EXISTS user_full_name_trgm ON accounts_user "
    "USING gin (full_name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS user_full_name_upper_trgm ON accounts_user "
    "USING gin ((UPPER(full_name::text)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS user_email_upper_trgm ON accounts_user "
    "USING gin ((UPPER(email::text)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS customerprofile_phone_digits_trgm ON accounts_customerprofile "
    "USING gin (helpdesk_phone_digits(phone) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS shipment_tracking_number_idx ON orders_shipment "
    "(tracking_number)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS shipment_tracking_number_idx",
    "DROP INDEX IF EXISTS customerprofile_phone_digits_trgm",
    "DROP INDEX IF EXISTS user_email_upper_trgm",
    "DROP INDEX IF EXISTS user_full_name_upper_trgm",
    "DROP INDEX IF EXISTS user_full_name_trgm",
    "DROP INDEX IF EXISTS user_full_name_search_gin",
    "DROP INDEX IF EXISTS conv_subject_search_gin",
    "DROP INDEX IF EXISTS message_search_gin",
    "DROP FUNCTION IF EXISTS helpdesk_search_vector(text)",
    "DROP FUNCTION IF EXISTS helpdesk_phone_digits(text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("helpdesk", "0014_workspace_tags_sla"),
        ("accounts", "0003_erasure"),
        ("orders", "0003_order_placed_idx"),
        ("faq", "0003_search_indexes"),
    ]

    operations = [
        TrigramExtension(),  # CREATE EXTENSION IF NOT EXISTS pg_trgm; a no-op elsewhere
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
