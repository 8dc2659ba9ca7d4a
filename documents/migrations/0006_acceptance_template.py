"""Publish version 1 of the built-in acceptance result notice template."""

from pathlib import Path

from django.db import migrations
from django.utils import timezone

BUILTIN = Path(__file__).resolve().parent.parent / "builtin"


def publish(apps, schema_editor):
    apps.get_model("documents", "DocumentTemplate").objects.get_or_create(
        kind="acceptance",
        version=1,
        defaults={
            "body": (BUILTIN / "acceptance.html").read_text(encoding="utf-8"),
            "css": "",
            "note": "Built-in first version",
            "status": "published",
            "published_at": timezone.now(),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("documents", "0005_document_subject_and_no_title")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
