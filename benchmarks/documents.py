#!/usr/bin/env python
"""Contract PDFs: render time of one contract, and 100 contracts through the queue.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiebang_bench .venv/bin/python benchmarks/documents.py
    .venv/bin/python benchmarks/documents.py --allow-sqlite      # embedded default

Targets (issue 7): a 5-page contract renders in ≤ 0.5 s median; 100 contracts generated
through the queue with 2 workers in ≤ 60 s. The queue run starts a real ``qcluster`` with
Q_WORKERS=2 on the configured broker (Redis when REDIS_URL is set, else the ORM) and
waits until every document is stored; the documents it makes are deleted afterwards.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("MEDIA_ROOT", str(ROOT / "var" / "bench-media"))

RENDER_TARGET_S = 0.5
QUEUE_TARGET_S = 60.0


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed renders (default 20)")
    parser.add_argument("--documents", type=int, default=100, help="documents through the queue")
    parser.add_argument("--workers", type=int, default=2, help="qcluster workers (default 2)")
    parser.add_argument("--allow-sqlite", action="store_true", help="run on SQLite anyway")
    return parser.parse_args(argv)


def render_figures(repeat):
    from documents.models import DocumentKind
    from documents.previews import sample_for
    from documents.rendering import render_pdf
    from documents.services import template_current

    results = []
    for kind in (DocumentKind.TASK_BOOK, DocumentKind.TRI_PARTY):
        template = template_current(kind)
        snapshot = sample_for(kind)
        render_pdf(template.body, template.css, snapshot)  # warm-up: fonts, imports
        timings, pages = [], 0
        for _ in range(repeat):
            started = time.perf_counter()
            pdf, pages = render_pdf(template.body, template.css, snapshot)
            timings.append(time.perf_counter() - started)
        timings.sort()
        results.append(
            (
                kind,
                pages,
                len(pdf),
                statistics.median(timings),
                timings[int(0.95 * (len(timings) - 1))],
            )
        )
    return results


SIGN_TARGET_S = 1.0


def signing_figures(repeat):
    """Signing a contract (issue 18): one party's PAdES signature on both PDFs (task book and
    tri-party agreement, from the sample data), each with a time-stamp token of the
    platform TSA, the key decrypted from its encrypted PEM as the service does; and the last
    party's, which also appends the document time-stamp to both. Returns
    [(name, median, p95)]."""
    from django.utils import timezone

    from documents.models import DocumentKind
    from documents.previews import sample_for
    from documents.rendering import render_pdf
    from documents.services import template_current
    from documents.signing import crypto, pades
    from documents.signing.authority import platform_pki

    pki = platform_pki()
    key = crypto.new_key()
    cert = crypto.leaf_certificate(
        ca_key=pki.root_key,
        ca_cert=pki.root_cert,
        public_key=key.public_key(),
        subject=crypto.name("基准测试单位", "基准测试单位"),
        now=timezone.now(),
        days=30,
        crl_url="http://127.0.0.1/crl",
    )
    pem = crypto.key_to_pem(key)
    pdfs = []
    for kind in (DocumentKind.TASK_BOOK, DocumentKind.TRI_PARTY):
        template = template_current(kind)
        pdfs.append(render_pdf(template.body, template.css, sample_for(kind))[0])

    def sign_once(*, last):
        signer = pades.make_signer(crypto.key_from_pem(pem), cert, [pki.root_cert])
        timestamper = pades.local_timestamper(pki.tsa_key, pki.tsa_cert, [pki.root_cert])
        for pdf in pdfs:
            signed = pades.sign_pdf(pdf, signer, field_name="Sig1", timestamper=timestamper)
            if last:
                pades.timestamp_pdf(signed, timestamper)

    figures = []
    for name, last in (
        ("one party's signature (both PDFs)", False),
        ("last signature + document time-stamps", True),
    ):
        sign_once(last=last)  # warm-up: imports
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            sign_once(last=last)
            timings.append(time.perf_counter() - started)
        timings.sort()
        figures.append((name, statistics.median(timings), timings[int(0.95 * (len(timings) - 1))]))
    return figures


def queue_figures(count, workers):
    from django.db import transaction

    from documents.models import Document, DocumentKind, DocumentStatus
    from documents.previews import sample_for
    from documents.services import document_request, template_current

    template = template_current(DocumentKind.TASK_BOOK)
    snapshot = sample_for(DocumentKind.TASK_BOOK)
    stamp = time.strftime("%Y%m%d%H%M%S")
    env = dict(os.environ, Q_WORKERS=str(workers))
    cluster = subprocess.Popen(  # noqa: S603 — our own manage.py
        [sys.executable, str(ROOT / "manage.py"), "qcluster"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        time.sleep(3)  # the cluster starts its workers
        started = time.perf_counter()
        data = {k: v for k, v in snapshot.items() if k != "doc"}
        with transaction.atomic():  # queued on commit, all at once
            ids = [
                document_request(
                    kind=DocumentKind.TASK_BOOK,
                    subject=template,
                    series=f"BENCH-{stamp}-{i:04d}",
                    public_label="benchmark",
                    snapshot=data,
                ).pk
                for i in range(count)
            ]
        while True:
            done = Document.objects.filter(
                pk__in=ids, status__in=[DocumentStatus.READY, DocumentStatus.FAILED]
            ).count()
            if done == count:
                break
            if time.perf_counter() - started > 10 * QUEUE_TARGET_S:
                raise SystemExit(f"queue: only {done} of {count} finished in time")
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        failed = Document.objects.filter(pk__in=ids, status=DocumentStatus.FAILED).count()
    finally:
        os.killpg(cluster.pid, signal.SIGTERM)
        try:
            cluster.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, signal.SIGKILL)
            cluster.wait()
    # Benchmark rows are not part of any record: remove them and their files.
    for document in Document.objects.filter(pk__in=ids):
        if document.file:
            document.file.delete(save=False)
    Document.objects.filter(pk__in=ids).delete()  # their audit events stay (append-only)
    return elapsed, failed


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    import django
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and not args.allow_sqlite:
        print("Set DATABASE_URL to a PostgreSQL database or pass --allow-sqlite.", file=sys.stderr)
        return 2
    if db["ENGINE"].endswith("postgresql"):
        from benchmarks.harness import ensure_database

        ensure_database(db)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    broker = "Redis" if settings.Q_CLUSTER.get("redis") else "ORM"
    print(f"Database: {connection.vendor}; broker: {broker}; CPUs: {os.cpu_count()}")
    print(f"{'scenario':<40} {'median':>9} {'p95':>9} {'target':>9}  result")
    ok = True
    for kind, pages, size, median, p95 in render_figures(args.repeat):
        good = median <= RENDER_TARGET_S
        ok &= good
        name = f"render {kind} ({pages} pages, {size // 1024} KB)"
        print(
            f"{name:<40} {median:>8.3f}s {p95:>8.3f}s {RENDER_TARGET_S:>8.1f}s  {'ok' if good else 'MISSED'}"
        )
    for name, median, p95 in signing_figures(args.repeat):
        good = median <= SIGN_TARGET_S
        ok &= good
        print(
            f"{'sign: ' + name:<40} {median:>8.3f}s {p95:>8.3f}s {SIGN_TARGET_S:>8.1f}s  {'ok' if good else 'MISSED'}"
        )
    elapsed, failed = queue_figures(args.documents, args.workers)
    good = elapsed <= QUEUE_TARGET_S and not failed
    ok &= good
    name = f"{args.documents} documents, queue, {args.workers} workers"
    print(
        f"{name:<40} {elapsed:>8.1f}s {'':>9} {QUEUE_TARGET_S:>8.0f}s  {'ok' if good else 'MISSED'}"
        + (f" ({failed} failed)" if failed else "")
        + f"  = {args.documents / elapsed:.1f} documents/s"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
