"""PostgreSQL only: a trigger-maintained tsvector of the bigrams, so a two-character search
reads the index and never recomputes to_tsvector at query time. Elsewhere: nothing."""

from django.db import migrations

FORWARD = """
ALTER TABLE bounty_challenge ADD COLUMN IF NOT EXISTS search_vec tsvector;
UPDATE bounty_challenge SET search_vec = to_tsvector('simple', search_bigrams);
CREATE OR REPLACE FUNCTION bounty_challenge_search_vec() RETURNS trigger AS $$
BEGIN
    NEW.search_vec := to_tsvector('simple', COALESCE(NEW.search_bigrams, ''));
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS bounty_challenge_search_vec ON bounty_challenge;
CREATE TRIGGER bounty_challenge_search_vec BEFORE INSERT OR UPDATE OF search_bigrams
    ON bounty_challenge FOR EACH ROW EXECUTE FUNCTION bounty_challenge_search_vec();
DROP INDEX IF EXISTS challenge_search_bigrams;
CREATE INDEX IF NOT EXISTS challenge_search_vec ON bounty_challenge USING gin (search_vec);
"""

BACKWARD = """
DROP INDEX IF EXISTS challenge_search_vec;
DROP TRIGGER IF EXISTS bounty_challenge_search_vec ON bounty_challenge;
DROP FUNCTION IF EXISTS bounty_challenge_search_vec();
ALTER TABLE bounty_challenge DROP COLUMN IF EXISTS search_vec;
CREATE INDEX IF NOT EXISTS challenge_search_bigrams ON bounty_challenge
    USING gin (to_tsvector('simple', search_bigrams));
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("bounty", "0012_criterion_anchors")]
    operations = [migrations.RunPython(forward, backward)]
