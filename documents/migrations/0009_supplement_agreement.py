# Issue 16 (procedure integrity): the horse-race supplementary agreement (补充协议) and
# void contracts (a winner that did not sign in time); version 1 of the built-in template.

from pathlib import Path

import django_fsm
from django.db import migrations, models
from django.utils import timezone

BUILTIN = Path(__file__).resolve().parent.parent / "builtin"

KINDS = [
    ("task_book", "Task book"),
    ("tri_party", "Tri-party agreement"),
    ("receipt", "Submission receipt"),
    ("panel_report", "Panel report"),
    ("draw_record", "Draw record"),
    ("notice", "Public notice"),
    ("acceptance", "Acceptance result notice"),
    ("supplement", "Supplementary agreement"),
]


def publish(apps, schema_editor):
    apps.get_model("documents", "DocumentTemplate").objects.get_or_create(
        kind="supplement",
        version=1,
        defaults={
            "body": (BUILTIN / "supplement.html").read_text(encoding="utf-8"),
            "css": "",
            "note": "Built-in first version",
            "status": "published",
            "published_at": timezone.now(),
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0008_contract_one_amount"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contract",
            name="status",
            field=django_fsm.FSMField(
                choices=[
                    ("draft", "Being prepared"),
                    ("signing", "Being signed"),
                    ("signed", "Signed"),
                    ("void", "Void (not signed in time)"),
                ],
                default="draft",
                max_length=50,
                protected=True,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="document",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=20, verbose_name="document"),
        ),
        migrations.AlterField(
            model_name="documenttemplate",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=20, verbose_name="document"),
        ),
        migrations.RunPython(publish, migrations.RunPython.noop),
    ]
