from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django_fsm import FSMFieldMixin

HEADER = (
    "# State machines\n\n"
    "Generated from the code by `python manage.py state_diagrams` — do not edit by hand;\n"
    "a test fails when this file is out of date. A state with no transition in a\n"
    "diagram is entered or left by another app's services (see docs/architecture.md).\n"
)


def _node(value) -> str:
    return str(value).replace("-", "_")


def render() -> str:
    parts = [HEADER]
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        for field in model._meta.concrete_fields:
            if not isinstance(field, FSMFieldMixin):
                continue
            edges = set()
            for t in field.get_all_transitions(model):
                # A RETURN_VALUE target (the method's result decides) is drawn to each
                # state it allows.
                targets = getattr(t.target, "allowed_states", None) or [t.target]
                for target in targets:
                    edges.add((str(t.source), str(target), t.name))
            parts.append(f"\n## {model._meta.label}.{field.name}\n\n```mermaid\nstateDiagram-v2\n")
            parts.append(f"    [*] --> {_node(field.default)}\n")
            for value, label in field.choices:
                parts.append(f"    {_node(value)} : {value} ({label})\n")
            for source, target, name in sorted(edges):
                src = "[*]" if source in ("*", "+") else _node(source)
                parts.append(f"    {src} --> {_node(target)} : {name}\n")
            parts.append("```\n")
    return "".join(parts)


class Command(BaseCommand):
    help = "Write docs/state-machines.md (Mermaid diagrams of every django-fsm field)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="fail if the file is stale")

    def handle(self, *args, check=False, **options):
        path = Path(settings.BASE_DIR) / "docs" / "state-machines.md"
        with translation.override("en"):
            content = render()
        if check:
            if not path.exists() or path.read_text() != content:
                raise CommandError(f"{path} is stale: run python manage.py state_diagrams")
            return
        path.write_text(content)
        self.stdout.write(f"Wrote {path}")
