#!/usr/bin/env python
"""The daily project run (reporting windows + reminders) over 1,000 active projects with
5,000 milestones.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiebang_bench .venv/bin/python benchmarks/projects.py

Seeds (idempotently) 1,000 active projects on the ``bidbench-list`` bids of
``benchmarks/seed_bids.py``, 5 milestones each with dates spread over the next months and
the last weeks (so a realistic share is due for a reminder or overdue), then times the
daily job from a clean day (today's reminder logs and notifications deleted) and a second
run the same day (which must send nothing). Target (issue 8): ≤ 5 s.
"""

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")

PROJECTS = 1000
MILESTONES = 5
TARGET_S = 5.0
DASHBOARD_TARGET_MS = 50.0
DASHBOARD_RUNS = 30


def seed():
    from django.db import transaction
    from django.utils import timezone

    from benchmarks import seed_bids
    from bounty.models import Bid, Project, ProjectMilestone, ProjectStatus

    bids = list(Bid.objects.filter(challenge__ocid=seed_bids.LIST_OCID).order_by("pk")[:PROJECTS])
    if Project.objects.filter(bid__in=bids).count() == PROJECTS:
        return
    today = timezone.localdate()
    with transaction.atomic():
        Project.objects.filter(bid__in=bids).delete()
        rows = Project.objects.bulk_create(
            Project(
                challenge_id=bid.challenge_id,
                bid=bid,
                started_on=today - timedelta(days=200),
                ends_on=today + timedelta(days=500),
            )
            for bid in bids
        )
        Project.objects.filter(pk__in=[p.pk for p in rows]).update(status=ProjectStatus.ACTIVE)
        milestones = []
        for i, project in enumerate(rows):
            for n in range(1, MILESTONES + 1):
                # Spread: from 40 days ago to ~10 months ahead.
                due = today + timedelta(days=(i * 7 + n * 61) % 340 - 40)
                milestones.append(
                    ProjectMilestone(
                        project=project,
                        number=n,
                        title=f"里程碑{n}",
                        deliverables="样件与测试报告",
                        due_on=due,
                        original_due_on=due,
                    )
                )
        ProjectMilestone.objects.bulk_create(milestones)
    print(f"Seeded {PROJECTS} active projects with {PROJECTS * MILESTONES} milestones.")


def dashboard_figures():
    """Median and p95 of the bureau dashboard over all years, and its query count."""
    import statistics

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from benchmarks import seed_bids
    from benchmarks.harness import make_client, percentile

    client = make_client(seed_bids.OFFICER)
    url = reverse("dashboard:bureau")
    for _ in range(3):
        client.get(url)
    timings = []
    for _ in range(DASHBOARD_RUNS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"dashboard: HTTP {response.status_code}")
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return statistics.median(timings), percentile(timings, 0.95), len(ctx.captured_queries)


def daily_run_figures():
    """(seconds, result) of the daily project job from a clean day, then again that day."""
    from django.utils import timezone

    from bounty.models import ReminderLog
    from bounty.tasks import project_daily
    from notifications.models import Notification

    today = timezone.localdate()
    ReminderLog.objects.filter(sent_on=today).delete()
    Notification.objects.filter(kind__startswith="project.milestone_").delete()
    runs = []
    for _ in range(2):
        started = time.perf_counter()
        result = project_daily()
        runs.append((time.perf_counter() - started, result))
    return runs


def main():
    import django
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        from benchmarks.harness import ensure_database

        ensure_database(settings.DATABASES["default"])
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from benchmarks import seed_bids

    call_command("migrate", interactive=False, verbosity=0)
    seed_bids.seed()
    seed()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    (first_s, first), (second_s, second) = daily_run_figures()
    ok = first_s <= TARGET_S
    dashboard_ms, p95_ms, queries = dashboard_figures()
    dashboard_ok = dashboard_ms <= DASHBOARD_TARGET_MS
    print(
        f"{'bureau dashboard (all years)':<34} {dashboard_ms:>6.1f} ms  p95 {p95_ms:.1f} ms, {queries} queries, target ≤ {DASHBOARD_TARGET_MS:.0f} ms  {'ok' if dashboard_ok else 'MISSED'}"
    )
    ok &= dashboard_ok
    print(f"{'daily project run':<34} {'seconds':>8}  target  result")
    print(
        f"{'first run of the day':<34} {first_s:>8.2f}  ≤ {TARGET_S:.0f} s   {'ok' if ok else 'MISSED'}  {first}"
    )
    print(f"{'second run, same day':<34} {second_s:>8.2f}          {second}")
    return 0 if ok and second["reminders"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
