"""Publishing a changed built-in template (documents/builtin/*.html) from a data migration.

A new database already has the current files (the migration that created each kind read
them); an existing one gets them as a new published version, so documents generated
before keep the version they were rendered with.
"""

from pathlib import Path

from django.db.models import Max
from django.utils import timezone

BUILTIN = Path(__file__).resolve().parent / "builtin"


def publish_builtin(apps, kinds, *, note):
    DocumentTemplate = apps.get_model("documents", "DocumentTemplate")
    css = (BUILTIN / "official.css").read_text(encoding="utf-8")
    for kind in kinds:
        body = (BUILTIN / f"{kind}.html").read_text(encoding="utf-8")
        templates = DocumentTemplate.objects.filter(kind=kind)
        current = templates.filter(status="published").order_by("-version").first()
        if current is None or (current.body, current.css) == (body, css):
            continue  # no such template yet, or already these very files
        newest = templates.aggregate(n=Max("version"))["n"] or 0
        DocumentTemplate.objects.create(
            kind=kind,
            version=newest + 1,
            body=body,
            css=css,
            note=note,
            status="published",
            published_at=timezone.now(),
        )
