#!/usr/bin/env python
"""Load run: gunicorn (production settings, 2 workers) on loopback, driven by wrk.

    DATABASE_URL="postgres://postgres@127.0.0.1:5432/jiebang_bench?conn_max_age=60" \\
        .venv/bin/python benchmarks/load.py [--duration 15] [--workers 2]

Seeds what it needs as ``benchmarks/run.py`` and ``benchmarks/projects.py`` do (idempotent:
nothing when the bench database already holds it), collects static files into a temporary
directory, starts gunicorn with ``config.settings.production`` on a free loopback port, logs
in the bench bureau officer (a real session cookie), then for each page — the board, a bid
detail, the bureau's dashboard — and each number of concurrent users (1 and 8) runs wrk
and prints requests per second, p50 / p95 / p99 latency and errors. Requests carry
``X-Forwarded-Proto: https``, as behind the TLS-terminating proxy production expects.
Target (issue 10): the board ≥ 150 req/s with p95 ≤ 100 ms at 8 users on 2 cores.
wrk comes from Debian's packages (``apt-get install wrk``).
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")

# wrk's summary as one JSON line (latencies are in microseconds).
LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests": %d, "seconds": %.3f, "p50": %.3f, "p95": %.3f, "p99": %.3f, '
    .. '"socket_errors": %d, "status_errors": %d}\\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""
BOARD_TARGET_RPS = 150
BOARD_TARGET_P95_MS = 100


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--users", default="1,8", help="concurrent connections, comma-separated")
    parser.add_argument(
        "--challenges", type=int, default=10_000, help="public challenges seeded (as run.py)"
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the board misses its target at 8 users"
    )
    return parser.parse_args(argv)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(challenges):
    """Seed (idempotently) as run.py does; then the pages to load."""
    import django
    from django.conf import settings

    from benchmarks.harness import ensure_database

    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise SystemExit("Load runs need PostgreSQL: set DATABASE_URL (see the docstring).")
    ensure_database(settings.DATABASES["default"])
    django.setup()
    from django.core.management import call_command

    from benchmarks.run import seed_all

    call_command("migrate", interactive=False, verbosity=0)
    seed_all(challenges)
    return prepared_pages()


def prepared_pages():
    """[(name, path, session key or None)] and the session cookie's name; the bench
    bureau officer gets a real session."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        load_backend,
    )
    from django.urls import reverse

    from accounts.models import User
    from benchmarks import seed_bids
    from benchmarks.harness import second_factor_session
    from bounty.models import Bid
    from security.sessions import LOGIN_AT, SEEN_AT, STAFF

    officer = User.objects.get(username=seed_bids.OFFICER)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(officer.pk)
    # As Django's login(): the first backend that can load a user (not axes' own).
    store[BACKEND_SESSION_KEY] = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    store[HASH_SESSION_KEY] = officer.get_session_auth_hash()
    # The officer passed the second step of the log-in; the session policy's clock starts now.
    store.update(second_factor_session(officer))
    store.update({LOGIN_AT: time.time(), SEEN_AT: time.time(), STAFF: True})
    store.create()
    bid = Bid.objects.filter(challenge__ocid=seed_bids.LIST_OCID).order_by("pk").first()
    pages = [
        ("board, page 1", reverse("bounty:board"), None),
        ("bid detail (bureau)", bid.get_absolute_url(), store.session_key),
        ("dashboard (bureau)", reverse("dashboard:bureau"), store.session_key),
    ]
    return pages, settings.SESSION_COOKIE_NAME


def run(pages, cookie_name, *, users, duration, workers):
    """Start gunicorn, warm each page, run wrk per page and number of users."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    port = free_port()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        lua = Path(tmp) / "summary.lua"
        lua.write_text(LUA)
        server = start_gunicorn(port, workers, Path(tmp) / "static")
        try:
            for name, path, session in pages:
                url = f"http://127.0.0.1:{port}{path}"
                cookie = f"{cookie_name}={session}" if session else ""
                for _ in range(workers * 2):
                    warm(url, cookie)
                rows.extend((name, n, wrk(url, n, duration, cookie, lua)) for n in users)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return rows


def board_verdict(rows):
    for name, n, r in rows:
        if name.startswith("board") and n == 8:
            errors = r["socket_errors"] + r["status_errors"]
            return r["rps"] >= BOARD_TARGET_RPS and r["p95"] <= BOARD_TARGET_P95_MS and not errors
    return False


def start_gunicorn(port, workers, static_root):
    from django.conf import settings

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        # The same key as this process: the session cookie made here must be valid there.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(static_root),
    }
    python = sys.executable
    subprocess.run(  # noqa: S603 (fixed arguments)
        [python, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    process = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [
            python,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("gunicorn did not start")


def wrk(url, users, duration, cookie, lua_path):
    command = [
        "wrk",
        f"-t{min(users, 2)}",
        f"-c{users}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(lua_path),
        "-H",
        "X-Forwarded-Proto: https",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    run = subprocess.run([*command, url], capture_output=True, text=True, check=True)  # noqa: S603
    output = run.stdout
    line = next(ln for ln in output.splitlines() if ln.startswith("JSON "))
    result = json.loads(line[5:])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def warm(url, cookie):
    """One request per worker and page first (template caches, connections)."""
    import urllib.request

    # The URL is our own loopback http:// address.
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    if cookie:
        request.add_header("Cookie", cookie)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        if response.status != 200:
            raise SystemExit(f"{url}: HTTP {response.status}")


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    pages, cookie_name = prepare(args.challenges)
    users = [int(u) for u in args.users.split(",")]
    rows = run(pages, cookie_name, users=users, duration=args.duration, workers=args.workers)
    print(
        f"\ngunicorn {args.workers} sync workers, production settings, {os.cpu_count()} CPUs; "
        f"wrk {args.duration} s per row over loopback\n"
    )
    header = (
        f"{'page':<22} {'users':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'errors':>7}"
    )
    print(header)
    print("-" * len(header))
    for name, n, r in rows:
        errors = r["socket_errors"] + r["status_errors"]
        print(
            f"{name:<22} {n:>5} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p95']:>8.1f} "
            f"{r['p99']:>8.1f} {errors:>7}"
        )
    board_ok = board_verdict(rows)
    print(
        f"\nTarget: board ≥ {BOARD_TARGET_RPS} req/s with p95 ≤ {BOARD_TARGET_P95_MS} ms at 8 "
        f"users: {'met' if board_ok else 'MISSED'}"
    )
    return 1 if args.check and not board_ok else 0


if __name__ == "__main__":
    sys.exit(main())
