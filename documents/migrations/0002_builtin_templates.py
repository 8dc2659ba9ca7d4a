"""Publish version 1 of every built-in document template (documents/builtin/*.html with
official.css) and schedule the sweep that fails renders a dead worker left behind."""

from pathlib import Path

from django.db import migrations
from django.utils import timezone

BUILTIN = Path(__file__).resolve().parent.parent / "builtin"
# kind → whether it uses the shared official stylesheet (the others carry their own).
KINDS = {"task_book": True, "tri_party": True, "receipt": False}


def publish_builtin(apps, schema_editor):
    DocumentTemplate = apps.get_model("documents", "DocumentTemplate")
    css = (BUILTIN / "official.css").read_text(encoding="utf-8")
    for kind, shared_css in KINDS.items():
        body = (BUILTIN / f"{kind}.html").read_text(encoding="utf-8")
        DocumentTemplate.objects.get_or_create(
            kind=kind,
            version=1,
            defaults={
                "body": body,
                "css": css if shared_css else "",
                "note": "Built-in first version",
                "status": "published",
                "published_at": timezone.now(),
            },
        )
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name="documents-fail-stale",
        defaults={
            "func": "documents.tasks.fail_stale_renders",
            "schedule_type": "I",
            "minutes": 5,
            "repeats": -1,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(publish_builtin, migrations.RunPython.noop)]
