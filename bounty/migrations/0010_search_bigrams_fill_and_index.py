"""Fill search_bigrams for existing challenges; on PostgreSQL index it for full-text lookup."""

from django.db import migrations


def fill(apps, schema_editor):
    from bounty.challenges.querysets import bigrams

    Challenge = apps.get_model("bounty", "Challenge")
    batch = []
    for challenge in Challenge.objects.only("id", "search_text").iterator(chunk_size=2000):
        challenge.search_bigrams = bigrams(challenge.search_text)
        batch.append(challenge)
        if len(batch) == 2000:
            Challenge.objects.bulk_update(batch, ["search_bigrams"])
            batch = []
    if batch:
        Challenge.objects.bulk_update(batch, ["search_bigrams"])
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS challenge_search_bigrams ON bounty_challenge "
            "USING gin (to_tsvector('simple', search_bigrams))"
        )


def unfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS challenge_search_bigrams")


class Migration(migrations.Migration):
    dependencies = [("bounty", "0009_search_bigrams")]
    operations = [migrations.RunPython(fill, unfill)]
