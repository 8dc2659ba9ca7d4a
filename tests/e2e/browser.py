"""Driving the site in Chromium like its users: one browser context per person, the page
watched for anything a user should never meet, and one screenshot per step."""

import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

from tests.e2e.audit import Auditor, audit

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's password


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
        self.auditor = Auditor()  # axe-core and the 390 px phone check on every page
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
        self.auditor.watch(page)
        if user is not None:
            login(page, user)
        return page

    def shot(self, page, name):
        """Save ``NN-name.png`` (the whole page) after checking it shows no server error."""
        self.step += 1
        assert_no_server_error(page)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        page.screenshot(path=self.dir / f"{self.step:02d}-{slug}.png", full_page=True)
        self.auditor.audit(page, force=True)

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


def click(page, name, *, within=None):
    """Click the button (or link) a user would: by its visible text."""
    audit(page)
    scope = page.locator(within) if within else page
    target = scope.get_by_role("button", name=name, exact=True)
    if not target.count():
        target = scope.get_by_role("link", name=name, exact=True)
    target.first.click()
    page.wait_for_load_state()


def sha256_hex(text):
    return hashlib.sha256(text.encode()).hexdigest()


def nav_inbox(page):
    audit(page)
    page.locator(".usernav a.inbox").click()
    page.wait_for_load_state()


def nav(page, name):
    """Follow a link of the main navigation."""
    audit(page)
    page.locator("nav.mainnav").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()


def pdf_bytes(text):
    """A small, valid one-page PDF (header, objects, cross-reference table, trailer)."""
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf_file(folder, name, text):
    """``pdf_bytes`` written to ``folder/name`` (the name may be Chinese, the text ASCII)."""
    path = folder / name
    path.write_bytes(pdf_bytes(text))
    return path
