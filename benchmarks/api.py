#!/usr/bin/env python
"""The REST API's board endpoint (/api/v1/challenges/) over the benchmark's challenges
(10,000 public ones by default, seeded by ``benchmarks/seed.py`` as for the web board):
median and p95 server time and query count per scenario, anonymous and with a token.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiebang_bench .venv/bin/python benchmarks/api.py

Target (issue 9): ≤ 20 ms median, a constant number of queries. Same options as run.py
(--challenges, --repeat, --warmup, --only, --explain, --check, --allow-sqlite).
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")
# Throttling runs (its cache look-ups are part of the time) but never refuses here.
os.environ.setdefault("API_THROTTLE_ANON", "1000000/min")
os.environ.setdefault("API_THROTTLE_USER", "1000000/min")

from benchmarks import harness, run  # noqa: E402  (after the settings module is chosen)

BENCH_USER = "bench-api"
TARGET_MS = 20.0
# industries + count + page; the deadline sort over every status counts twice
# and may read two pages (bounty.selectors.OpenFirst); a token adds its look-up.
MAX_QUERIES = 6


def scenarios():
    from benchmarks.scenarios import SCENARIOS, Page

    board = [s for s in SCENARIOS if isinstance(s, Page) and s.url_name == "bounty:board"]
    rows = [(f"api {s.name}", s.params, False) for s in board]
    rows += [
        ("api board with a read token: no filter", {}, True),
        ("api board with a read token: all filters", board[-1].params, True),
    ]
    reference = [
        # The web board on the same data and machine: a yardstick when the host is busy.
        Page(
            "web board: no filter, page 1 (reference)",
            url_name="bounty:board",
            target_ms=TARGET_MS,
            max_queries=MAX_QUERIES,
        )
    ]
    return reference + [
        Page(
            name,
            url_name="api:board",
            params=params,
            user=BENCH_USER if token else None,
            target_ms=TARGET_MS,
            max_queries=MAX_QUERIES,
        )
        for name, params, token in rows
    ]


class ApiRunner(run.Runner):
    """GET with the test client; with ``Authorization: Bearer`` when the scenario names a user."""

    def __init__(self, scenario, *, calls, key):
        from django.urls import reverse

        super().__init__(scenario, calls=calls)
        self.client = harness.make_client(None)
        if scenario.user:
            self.client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        self.url = reverse(scenario.url_name)

    def once(self):
        response = self.client.get(self.url, self.scenario.params)
        if response.status_code != 200:
            raise SystemExit(
                f"{self.scenario.name}: HTTP {response.status_code}: {response.content[:300]}"
            )


def read_key():
    from accounts.models import User
    from api.services import token_create

    user, _created = User.objects.get_or_create(
        username=BENCH_USER, defaults={"email": f"{BENCH_USER}@bench.invalid", "full_name": "API"}
    )
    _token, key = token_create(by=user, name="benchmark", scope="read")
    return key


def main(argv=None):
    import statistics

    args = run.parse_args(sys.argv[1:] if argv is None else argv)
    import django
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and not args.allow_sqlite:
        print(
            "Refusing to benchmark SQLite (see benchmarks/run.py); pass --allow-sqlite.",
            file=sys.stderr,
        )
        return 2
    if db["ENGINE"].endswith("postgresql"):
        harness.ensure_database(db)
    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from benchmarks import seed

    call_command("migrate", interactive=False, verbosity=0)
    seed.seed(args.challenges)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    key = read_key()
    chosen = [s for s in scenarios() if args.only in s.name]
    runners = [ApiRunner(s, calls=args.warmup + args.repeat + 1, key=key) for s in chosen]
    for _ in range(args.warmup):
        for runner in runners:
            runner.once()
    for _ in range(args.repeat):
        for runner in runners:
            runner.timed()
    results = []
    for runner in runners:
        queries = runner.count_queries()
        if args.explain:
            run.print_explain(runner.scenario, queries)
        results.append(
            {
                "scenario": runner.scenario,
                "median": statistics.median(runner.timings),
                "p95": harness.percentile(runner.timings, 0.95),
                "queries": len(queries),
            }
        )
    print(f"Database: {connection.vendor}; {args.repeat} timed runs after {args.warmup} warm-up.")
    all_ok = run.print_table(results)
    return 1 if args.check and not all_ok else 0


if __name__ == "__main__":
    sys.exit(main())
