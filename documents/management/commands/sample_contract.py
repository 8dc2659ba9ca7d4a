"""Render a contract to a file, for people to look at and for checks.

    python manage.py sample_contract /tmp/contract.pdf               # demo data (seed_demo)
    python manage.py sample_contract /tmp/agreement.pdf --kind tri_party
    python manage.py sample_contract /tmp/sample.pdf --sample         # built-in sample data

Uses the current published template and the same rendering service as the worker, but
stores nothing: the file is written only where you ask."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.hashing import sha256_hex
from documents.contracts import contract_snapshot
from documents.models import CONTRACT_KINDS, Contract
from documents.previews import sample_for
from documents.rendering import render_pdf
from documents.services import doc_meta, template_current


class Command(BaseCommand):
    help = "Render a contract (task book or tri-party agreement) from demo data to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--kind", choices=[str(k) for k in CONTRACT_KINDS], default="task_book")
        parser.add_argument("--contract", help="contract number (default: the newest)")
        parser.add_argument(
            "--sample", action="store_true", help="use the built-in sample data, not the database"
        )

    def handle(self, *args, path, kind, contract=None, sample=False, **options):
        template = template_current(kind)
        if sample:
            snapshot = sample_for(kind, template_version=template.version)
        else:
            qs = Contract.objects.select_related("project__bid", "project__challenge")
            found = (
                qs.filter(number=contract).first()
                if contract
                else qs.order_by("-created_at").first()
            )
            if found is None:
                raise CommandError("No contract found: run seed_demo first, or pass --sample.")
            snapshot = contract_snapshot(found)
            snapshot["doc"] = doc_meta(
                kind=kind,
                series=f"{found.number}-SAMPLE",
                version=0,
                template_version=template.version,
            )
        started = time.perf_counter()
        pdf, pages = render_pdf(template.body, template.css, snapshot)
        elapsed = time.perf_counter() - started
        path.write_bytes(pdf)
        self.stdout.write(
            f"{path}: {pages} pages, {len(pdf)} bytes, rendered in {elapsed:.2f} s, "
            f"template {kind} v{template.version}, SHA-256 {sha256_hex(pdf)}"
        )
