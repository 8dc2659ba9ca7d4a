"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Every page of every actor is watched: a console error, an uncaught script error, a response
of 500 or more, or a request to any host but the live server fails the test at teardown.
Every page they visit is also checked with axe-core (WCAG 2.0/2.1 A and AA) and for horizontal
scroll on a 390 px phone (``tests/e2e/audit.py``); any finding fails the test at teardown.
Each journey saves one screenshot per step under ``test-artifacts/e2e/<journey>/``.
"""

import os

import pytest

from tests.e2e.browser import Journey

# The live server runs in a thread of this process while Playwright's sync API keeps an event
# loop running in the main thread; Django's async-safety check would refuse the ORM calls the
# test makes to set up data and let time pass.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session", autouse=True)
def _one_connection_per_thread():
    """Keep Django's connections per thread while Playwright runs.

    Playwright's sync API keeps an asyncio loop running in the main thread. asgiref's
    thread-critical ``Local`` (Django's connection storage) then switches to context-variable
    storage, i.e. fresh connection objects that lack the test database's serialized contents,
    so ``serialized_rollback`` would silently restore nothing after another transactional
    test flushed the database (migration data such as industries and document templates
    gone). Plain thread-local storage is what sync code sees anyway.
    """
    from django.db import connections

    critical_local = connections._connections
    connections._connections = critical_local._storage  # the threading.local behind it
    yield
    connections._connections = critical_local


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's ``browser`` fixture launches the system Chromium, never a download."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server on 127.0.0.1, started with a MEDIA_URL nothing uses.

    The project serves no media publicly (``MEDIA_URL = None``: every file goes through a
    view that checks who asks), but Django's test server wraps the site in a media handler
    that cannot start with ``None``. The override lasts only while the server starts.
    """
    from django.test import override_settings
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "127.0.0.1"
    )
    with override_settings(MEDIA_URL="/__media-not-served__/"):
        server = LiveServer(addr)
    yield server
    server.stop()


@pytest.fixture
def journey(browser, live_server, request):
    """``journey.actor(user)`` opens a logged-in browser; ``journey.shot(page, "step")``."""
    made = []

    def start(name):
        made.append(Journey(browser, live_server, name))
        return made[-1]

    yield start
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for one in made:
        if failed:
            one.save_failure()
        one.close()
    for one in made:
        print(f"audit: {len(one.auditor.audited_urls)} pages in {one.auditor.seconds:.1f} s")
        for url in one.auditor.unaudited():
            print(f"not audited (left before a pause): {url}")
        for problem in one.auditor.phone_problems:
            print(f"phone check (reported, not enforced): {problem}")
    for one in made:
        problems = one.watch.problems + one.auditor.problems
        assert problems == [], "\n".join(problems)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
