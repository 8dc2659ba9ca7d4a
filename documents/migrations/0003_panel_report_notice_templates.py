"""Publish version 1 of the built-in panel report, public notice and draw record templates."""

from pathlib import Path

from django.db import migrations
from django.utils import timezone

BUILTIN = Path(__file__).resolve().parent.parent / "builtin"


def publish(apps, schema_editor):
    DocumentTemplate = apps.get_model("documents", "DocumentTemplate")
    for kind in ("panel_report", "notice", "draw_record"):
        DocumentTemplate.objects.get_or_create(
            kind=kind,
            version=1,
            defaults={
                "body": (BUILTIN / f"{kind}.html").read_text(encoding="utf-8"),
                "css": "",
                "note": "Built-in first version",
                "status": "published",
                "published_at": timezone.now(),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_builtin_templates")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
