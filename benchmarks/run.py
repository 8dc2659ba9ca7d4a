#!/usr/bin/env python
"""Seed realistic volumes and time pages and services in-process. See benchmarks/README.md.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiebang_bench .venv/bin/python benchmarks/run.py
"""

import abc
import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# Time what production runs: no debug pages, no query log kept on every cursor.
os.environ.setdefault("DEBUG", "false")
# API throttling runs (its cache look-ups are part of the time) but never refuses here.
os.environ.setdefault("API_THROTTLE_ANON", "1000000/min")
os.environ.setdefault("API_THROTTLE_USER", "1000000/min")
# Attachments the bid scenarios upload go here, not among the developer's files.
os.environ.setdefault("MEDIA_ROOT", str(ROOT / "var" / "bench-media"))

from benchmarks.harness import ensure_database, make_client, percentile  # noqa: E402


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--challenges",
        type=int,
        default=10_000,
        help="public challenges to seed (15%% more non-public ones are added); default 10000",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=30,
        help="timed requests or calls per scenario (fewer where a scenario sets fewer)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=3,
        help="untimed requests or calls first (fewer where a scenario sets fewer)",
    )
    parser.add_argument(
        "--no-volume",
        action="store_true",
        help="skip the background volume (98,000 more bids; benchmarks/seed_volume.py)",
    )
    parser.add_argument("--only", default="", help="run only scenarios whose name contains this")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print EXPLAIN ANALYZE of every SELECT a scenario runs (PostgreSQL)",
    )
    parser.add_argument(
        "--check", action="store_true", help="exit with status 1 if a scenario misses a target"
    )
    parser.add_argument(
        "--allow-sqlite",
        action="store_true",
        help="run on SQLite anyway (figures say little about production)",
    )
    return parser.parse_args(argv)


class Runner(abc.ABC):
    """Runs one scenario: ``once()`` is one request or call; this class times it
    and counts its queries. One subclass per scenario kind (``RUNNERS``).

    ``calls``: how many times ``once()`` will run (warm-up, timed, query count)."""

    def __init__(self, scenario, *, calls):
        self.scenario = scenario
        self.timings = []

    @abc.abstractmethod
    def once(self):
        """One request or call."""

    def timed(self):
        start = time.perf_counter()
        self.once()
        self.timings.append((time.perf_counter() - start) * 1000)

    def count_queries(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        # Apart from the timed runs: capturing makes every query slower.
        with CaptureQueriesContext(connection) as ctx:
            self.once()
        return ctx.captured_queries


class PageRunner(Runner):
    """A GET with the test client (one client per scenario, logged in as its user)."""

    def __init__(self, scenario, *, calls):
        from django.urls import reverse

        super().__init__(scenario, calls=calls)
        self.client = make_client(scenario.user)
        # ``args`` may be a callable, for primary keys known only once the data is seeded.
        args = scenario.args() if callable(scenario.args) else scenario.args
        self.url = reverse(scenario.url_name, args=args)

    def once(self):
        response = self.client.get(self.url, self.scenario.params)
        if response.status_code != 200:
            raise SystemExit(f"{self.scenario.name}: HTTP {response.status_code} for {self.url}")


class ServiceRunner(Runner):
    """A service call; its ``calls`` argument sets are prepared here, before any timing."""

    def __init__(self, scenario, *, calls):
        super().__init__(scenario, calls=calls)
        started = time.perf_counter()
        self.pending = list(scenario.prepare(calls))
        if len(self.pending) < calls:
            raise SystemExit(f"{scenario.name}: prepared {len(self.pending)} of {calls} calls")
        seconds = time.perf_counter() - started
        print(f"{scenario.name}: prepared {calls} calls in {seconds:.1f} s.")

    def once(self):
        self.scenario.service(**self.pending.pop(0))


def runner_for(scenario, *, calls):
    from benchmarks.scenarios import Page, ServiceCall

    runners = {Page: PageRunner, ServiceCall: ServiceRunner}
    return runners[type(scenario)](scenario, calls=calls)


def runs(scenario, *, repeat, warmup):
    """(timed runs, warm-up runs) of a scenario: its own counts, at most the options'."""
    own_repeat = repeat if scenario.repeat is None else scenario.repeat
    own_warmup = warmup if scenario.warmup is None else scenario.warmup
    return min(repeat, own_repeat), min(warmup, own_warmup)


def measure(scenarios, *, repeat, warmup, explain):
    # Every runner gets ready (logins, prepared arguments) before anything is timed.
    plans = [runs(s, repeat=repeat, warmup=warmup) for s in scenarios]
    runners = [runner_for(s, calls=w + r + 1) for s, (r, w) in zip(scenarios, plans, strict=True)]
    for round_ in range(max((w for _r, w in plans), default=0)):
        for runner, (_r, w) in zip(runners, plans, strict=True):
            if round_ < w:
                runner.once()
    for round_ in range(max((r for r, _w in plans), default=0)):
        for runner, (r, _w) in zip(runners, plans, strict=True):
            if round_ < r:
                runner.timed()
    results = []
    for runner in runners:
        queries = runner.count_queries()
        if explain:
            print_explain(runner.scenario, queries)
        results.append(
            {
                "scenario": runner.scenario,
                "median": statistics.median(runner.timings),
                "p95": percentile(runner.timings, 0.95),
                "queries": len(queries),
            }
        )
    return results


def is_read_only(sql):
    """A SELECT, or a WITH … SELECT that writes nothing (EXPLAIN ANALYZE runs the statement)."""
    head = sql.lstrip().upper()
    if head.startswith("SELECT"):
        return True
    return head.startswith("WITH") and not re.search(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", head)


def print_explain(scenario, queries):
    from django.db import connection

    print(f"\n=== {scenario.name}")
    for query in queries:
        sql = query["sql"]
        if not is_read_only(sql):
            continue
        print(f"\n-- {sql}\n")
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print("\n".join(row[0] for row in cursor.fetchall()))


def print_table(results):
    headers = ("scenario", "median ms", "p95 ms", "queries", "target", "ok")
    rows = []
    for r in results:
        s = r["scenario"]
        ok = r["median"] <= s.target_ms and (s.max_queries is None or r["queries"] <= s.max_queries)
        target = f"≤ {s.target_ms:g} ms median"
        if s.max_queries is not None:
            target += f", ≤ {s.max_queries} queries"
        rows.append(
            (
                s.name,
                f"{r['median']:.1f}",
                f"{r['p95']:.1f}",
                str(r["queries"]),
                target,
                "yes" if ok else "NO",
            )
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    line = "  ".join("{:<%d}" % w for w in widths)  # noqa: UP031
    print()
    print(line.format(*headers))
    print(line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row))
    return all(row[-1] == "yes" for row in rows)


def seed_all(challenges, *, volume=True):
    """Everything the scenarios need (each step does nothing when already seeded)."""
    from benchmarks import projects, seed, seed_bids, seed_experts, seed_scores, seed_volume

    seed.seed(challenges)
    seed_bids.seed()
    seed_experts.seed()
    seed_scores.seed()
    projects.seed()
    if volume:
        seed_volume.seed()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    import django
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and not args.allow_sqlite:
        print(
            "Refusing to benchmark SQLite: production runs PostgreSQL. Set DATABASE_URL, e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiebang_bench "
            ".venv/bin/python benchmarks/run.py\n"
            "or pass --allow-sqlite.",
            file=sys.stderr,
        )
        return 2
    if db["ENGINE"].endswith("postgresql"):
        ensure_database(db)
    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from benchmarks.scenarios import SCENARIOS

    call_command("migrate", interactive=False, verbosity=0)
    seed_all(args.challenges, volume=not args.no_volume)
    if connection.vendor == "postgresql":
        # Fresh statistics and visibility map: plans (and index-only scans) as in a
        # database that autovacuum looks after.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()"
        )
        version = cursor.fetchone()[0]
    print(f"Database: {connection.vendor} {version}")
    scenarios = [s for s in SCENARIOS if args.only in s.name]
    if not scenarios:
        print(f"No scenario name contains {args.only!r}.", file=sys.stderr)
        return 2
    print(f"{args.repeat} timed runs per scenario after {args.warmup} warm-up runs", end="")
    fewer = {}
    for s in scenarios:
        plan = runs(s, repeat=args.repeat, warmup=args.warmup)
        if plan != (args.repeat, args.warmup):
            fewer.setdefault(plan, []).append(s.name)
    for (r, w), names in fewer.items():
        print(f"; {r} after {w} for: {', '.join(names)}", end="")
    print(".")
    results = measure(scenarios, repeat=args.repeat, warmup=args.warmup, explain=args.explain)
    all_ok = print_table(results)
    return 1 if args.check and not all_ok else 0


if __name__ == "__main__":
    sys.exit(main())
