"""PostgreSQL: a trigram index makes the board's substring search use an index.

pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create
it. Elsewhere (SQLite) this migration does nothing.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS challenge_search_trgm ON bounty_challenge "
    "USING gin (search_text gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS challenge_search_trgm"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("bounty", "0004_board_indexes")]
    operations = [migrations.RunPython(forward, backward)]
