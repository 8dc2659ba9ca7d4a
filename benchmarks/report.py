#!/usr/bin/env python
"""Every figure the issues target, in one table (median, p95, queries, target); with
``--write``, also docs/benchmarks.md with the machine described.

    DATABASE_URL="postgres://postgres@127.0.0.1:5432/jiebang_bench?conn_max_age=60" \\
        .venv/bin/python benchmarks/report.py [--write] [--load]

Seeds (idempotently) the volumes of issue 10 — 10,000 public challenges, 100,000 bids,
100,000 experts, 1,000 active projects with 5,000 milestones — then measures the pages and
services of ``benchmarks/scenarios.py`` (board, bid list, bid submit, draw, ranking,
scoring screen, dashboard, API board), the daily project run, contract PDF renders and 100
contracts through a real 2-worker queue; ``--load`` adds the gunicorn + wrk run of
``benchmarks/load.py``. ``--smoke`` runs everything once on small volumes (CI checks that
the benchmarks work; its figures mean nothing).
"""

import argparse
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")
# API throttling runs (its cache look-ups are part of the time) but never refuses here.
os.environ.setdefault("API_THROTTLE_ANON", "1000000/min")
os.environ.setdefault("API_THROTTLE_USER", "1000000/min")
os.environ.setdefault("MEDIA_ROOT", str(ROOT / "var" / "bench-media"))

DOC = ROOT / "docs" / "benchmarks.md"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    parser.add_argument("--load", action="store_true", help="add the gunicorn + wrk load run")
    parser.add_argument("--smoke", action="store_true", help="tiny volumes, one run each")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    return parser.parse_args(argv)


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except OSError:
        memory = "unknown memory"
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version" if connection.vendor == "postgresql" else "SELECT 1")
        server = cursor.fetchone()[0]
    return (
        f"{cpu}, {os.cpu_count()} CPUs, {memory}; {platform.platform()}; Python "
        f"{platform.python_version()}, Django {django.get_version()}, "
        f"{connection.vendor} {server}"
    )


def row(name, median, p95, queries, target, ok, unit="ms"):
    fmt = (lambda v: f"{v:.1f}") if unit == "ms" else (lambda v: f"{v:.2f} s")
    return {
        "name": name,
        "median": fmt(median),
        "p95": "—" if p95 is None else fmt(p95),
        "queries": "—" if queries is None else str(queries),
        "target": target,
        "ok": ok,
    }


def scenario_rows(repeat, warmup):
    from benchmarks.run import measure, runs
    from benchmarks.scenarios import SCENARIOS

    results = measure(SCENARIOS, repeat=repeat, warmup=warmup, explain=False)
    rows = []
    for r in results:
        s = r["scenario"]
        target = f"≤ {s.target_ms:g} ms"
        if s.max_queries is not None:
            target += f", ≤ {s.max_queries} q"
        ok = r["median"] <= s.target_ms and (s.max_queries is None or r["queries"] <= s.max_queries)
        timed, _warm = runs(s, repeat=repeat, warmup=warmup)
        rows.append(
            row(f"{s.name} ({timed} runs)", r["median"], r["p95"], r["queries"], target, ok)
        )
    return rows


def project_rows():
    from benchmarks import projects

    (first_s, first), (second_s, second) = projects.daily_run_figures()
    return [
        row(
            f"daily project run, first of the day ({first['reminders']} reminders)",
            first_s,
            None,
            None,
            f"≤ {projects.TARGET_S:g} s",
            first_s <= projects.TARGET_S,
            unit="s",
        ),
        row(
            "daily project run, again the same day (sends nothing)",
            second_s,
            None,
            None,
            "0 reminders",
            second["reminders"] == 0,
            unit="s",
        ),
    ]


def document_rows(repeat, documents):
    from benchmarks import documents as docs

    rows = []
    for kind, pages, _size, median, p95 in docs.render_figures(repeat):
        rows.append(
            row(
                f"contract PDF render: {kind}, {pages} pages ({repeat} runs)",
                median,
                p95,
                None,
                f"≤ {docs.RENDER_TARGET_S:g} s (5 pages)",
                median <= docs.RENDER_TARGET_S,
                unit="s",
            )
        )
    for name, median, p95 in docs.signing_figures(repeat):
        rows.append(
            row(
                f"contract signing, PAdES: {name} ({repeat} runs)",
                median,
                p95,
                None,
                f"≤ {docs.SIGN_TARGET_S:g} s",
                median <= docs.SIGN_TARGET_S,
                unit="s",
            )
        )
    elapsed, failed = docs.queue_figures(documents, 2)
    rows.append(
        row(
            f"{documents} contract PDFs through the queue, 2 workers",
            elapsed,
            None,
            None,
            f"≤ {docs.QUEUE_TARGET_S:g} s",
            elapsed <= docs.QUEUE_TARGET_S and not failed,
            unit="s",
        )
    )
    return rows


def markdown_table(rows):
    lines = [
        "| measurement | median | p95 | queries | target | met |",
        "|---|---:|---:|---:|---|---|",
    ]
    lines.extend(
        f"| {r['name']} | {r['median']} | {r['p95']} | {r['queries']} | {r['target']} | "
        f"{'yes' if r['ok'] else '**no**'} |"
        for r in rows
    )
    return "\n".join(lines)


def print_rows(rows):
    width = max(len(r["name"]) for r in rows)
    print(f"\n{'measurement':<{width}}  {'median':>9}  {'p95':>9}  {'queries':>7}  target")
    for r in rows:
        print(
            f"{r['name']:<{width}}  {r['median']:>9}  {r['p95']:>9}  {r['queries']:>7}  "
            f"{r['target']}  {'ok' if r['ok'] else 'MISSED'}"
        )


def load_section(duration):
    from benchmarks import load

    pages, cookie_name = load.prepared_pages()
    rows = load.run(pages, cookie_name, users=[1, 8], duration=duration, workers=2)
    lines = [
        "| page | users | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, n, r in rows:
        lines.append(
            f"| {name} | {n} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | "
            f"{r['p99']:.1f} | {r['socket_errors'] + r['status_errors']} |"
        )
    return "\n".join(lines), load.board_verdict(rows)


def write_doc(rows, machine_text, load_text, command):
    from django.utils import timezone

    missed = [r for r in rows if not r["ok"]]
    text = f"""# Benchmarks

Measured on {timezone.localdate():%Y-%m-%d} by `benchmarks/report.py` (generated file: run it
again rather than editing the table).

    {command}

Machine: {machine_text}.

Server time in-process (Django test client: middleware, view, queries, template; no
network) or the service call alone; median and p95 over the runs shown; `q` = database
queries of one request. Volumes: 10,000 public challenges (+15 % non-public), 100,000 bids,
100,000 experts, 1,000 active projects with 5,000 milestones (see `benchmarks/README.md`).

{markdown_table(rows)}

"""
    if missed:
        text += "Missed: " + "; ".join(r["name"] for r in missed) + ". See *Notes*.\n\n"
    else:
        text += "Every target is met.\n\n"
    if load_text:
        text += f"""## Load (gunicorn, 2 sync workers, production settings, wrk over loopback)

{load_text}

"""
    notes = ROOT / "benchmarks" / "NOTES.md"
    if notes.exists():
        text += notes.read_text()
    DOC.write_text(text)
    print(f"Wrote {DOC}.")


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    import django
    from django.conf import settings

    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        print("Set DATABASE_URL to a PostgreSQL database (see the docstring).", file=sys.stderr)
        return 2
    from benchmarks.harness import ensure_database

    ensure_database(db)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from benchmarks.run import seed_all

    call_command("migrate", interactive=False, verbosity=0)
    repeat, warmup, documents = args.repeat, args.warmup, 100
    if args.smoke:
        seed_all(300, volume=False)
        repeat, warmup, documents = 1, 0, 4
    else:
        seed_all(10_000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    rows = scenario_rows(repeat, warmup)
    rows += project_rows()
    rows += document_rows(max(repeat, 1) if args.smoke else 20, documents)
    load_text = ""
    if args.load:
        load_text, board_ok = load_section(3 if args.smoke else 15)
        rows.append(
            row(
                "load: board at 8 users (gunicorn 2 workers, wrk)",
                0,
                None,
                None,
                "≥ 150 req/s, p95 ≤ 100 ms",
                board_ok,
            )
            | {"median": "see below"}
        )
    print_rows(rows)
    if args.write and not args.smoke:
        write_doc(rows, machine(), load_text, "benchmarks/report.py --write --load")
    met = sum(1 for r in rows if r["ok"])
    print(f"\n{met} of {len(rows)} targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
