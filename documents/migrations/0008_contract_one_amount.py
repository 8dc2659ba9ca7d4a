# Issue 16 (procedure integrity): one contract amount. Publish a new version of the
# task book and the tri-party agreement (documents/builtin/*.html): the budget in the 2021
# subjects with 财政 / 自筹 columns, its total the contract's one amount (Art. 3 = Art. 4).

from pathlib import Path

from django.db import migrations
from django.db.models import Max
from django.utils import timezone

BUILTIN = Path(__file__).resolve().parent.parent / "builtin"
NOTE = "One contract amount: budget in the 2021 subjects with 财政/自筹 columns"


def publish(apps, schema_editor):
    DocumentTemplate = apps.get_model("documents", "DocumentTemplate")
    css = (BUILTIN / "official.css").read_text(encoding="utf-8")
    for kind in ("task_book", "tri_party"):
        body = (BUILTIN / f"{kind}.html").read_text(encoding="utf-8")
        templates = DocumentTemplate.objects.filter(kind=kind)
        current = templates.filter(status="published").order_by("-version").first()
        if current is not None and (current.body, current.css) == (body, css):
            continue  # a new database: 0002 already published these very files
        newest = templates.aggregate(n=Max("version"))["n"] or 0
        DocumentTemplate.objects.create(
            kind=kind,
            version=newest + 1,
            body=body,
            css=css,
            note=NOTE,
            status="published",
            published_at=timezone.now(),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0007_acceptance_kind_label"),
    ]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
