"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Every page of every actor is watched: a console error, an uncaught script error, a response
of 500 or more, or a request to any host but the live server fails the test at teardown.
Each journey saves one screenshot per step under ``test-artifacts/e2e/<journey>/``.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

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
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's password


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


class Watch:
    """Problems seen by the browser, collected from every page of every actor."""

    def __init__(self, origin):
        self.origin = origin
        self.problems = []

    def attach(self, context):
        context.on("request", self._request)
        context.on("response", self._response)
        context.on("page", self._page)

    def _page(self, page):
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"script error: {exc}"))

    def _console(self, message):
        if message.type == "error":
            self.problems.append(f"console error on {message.location.get('url')}: {message.text}")

    def _request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.problems.append(f"outside request: {request.method} {request.url}")

    def _response(self, response):
        if response.status >= 500:
            self.problems.append(f"server error {response.status}: {response.url}")


class Journey:
    """The actors of one journey (one browser context each) and its numbered screenshots."""

    def __init__(self, browser, live_server, name):
        self.browser = browser
        self.url = live_server.url
        self.dir = ARTIFACTS / name
        self.dir.mkdir(parents=True, exist_ok=True)
        for old in self.dir.glob("*.png"):
            old.unlink()
        self.step = 0
        self.watch = Watch(self.url)
        self.contexts = []

    def actor(self, user=None, *, locale="zh-CN"):
        """A new browser (own cookies) for one person; logs ``user`` in through the form."""
        context = self.browser.new_context(
            base_url=self.url, locale=locale, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(8_000)
        self.watch.attach(context)
        self.contexts.append(context)
        page = context.new_page()
        if user is not None:
            login(page, user)
        return page

    def shot(self, page, name):
        """Save ``NN-name.png`` (the whole page) after checking it shows no server error."""
        self.step += 1
        assert_no_server_error(page)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        page.screenshot(path=self.dir / f"{self.step:02d}-{slug}.png", full_page=True)

    def save_failure(self):
        """On failure: a screenshot of every open page, and the form errors it shows."""
        for n, context in enumerate(self.contexts):
            for page in context.pages:
                page.screenshot(path=self.dir / f"failed-{n}.png", full_page=True)
                errors = page.locator(".error, .errorbox, .msg-error").all_inner_texts()
                if errors:
                    print(f"{page.url}: {errors}")

    def close(self):
        for context in self.contexts:
            context.close()


def login(page, user, password=PASSWORD):
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(password)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".usernav").get_by_text(str(user)).count() >= 1, page.url


def assert_no_server_error(page):
    text = page.locator("body").inner_text()
    assert "Server Error" not in text, page.url
    assert "服务器错误" not in text, page.url


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
        assert one.watch.problems == [], "\n".join(one.watch.problems)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
