"""Security headers on every page, and no template that would need 'unsafe-inline'."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.template import Context, Template

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(django_settings.BASE_DIR)


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/challenges/", "/healthz"])
def test_main_pages_send_the_security_headers(client, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "http" not in csp  # no outside host
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_signed_in_pages_send_it_too(client):
    client.force_login(UserFactory())
    response = client.get("/notifications/")
    assert response.status_code == 200
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_exempt_prefix_gets_the_relaxed_policy(client, settings):
    settings.CSP_EXEMPT_PREFIXES = ["/api/v1/docs/"]
    response = client.get("/api/v1/docs/swagger/")
    csp = response["Content-Security-Policy"]
    assert "'unsafe-inline'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in client.get("/")["Content-Security-Policy"]


def test_debug_error_pages_are_left_without_a_policy(client, settings):
    settings.DEBUG = True
    assert "Content-Security-Policy" not in client.get("/no-such-page/")
    assert "default-src 'self'" in client.get("/")["Content-Security-Policy"]
    settings.DEBUG = False
    assert "default-src 'self'" in client.get("/no-such-page/")["Content-Security-Policy"]


def test_a_view_may_set_its_own_policy():
    from django.http import HttpResponse
    from django.test import RequestFactory

    from ops.middleware import SecurityHeadersMiddleware, csp_override

    view = csp_override("default-src 'self'; img-src 'self' data:")(lambda r: HttpResponse("x"))
    middleware = SecurityHeadersMiddleware(view)
    response = middleware(RequestFactory().get("/somewhere/"))
    assert response["Content-Security-Policy"] == "default-src 'self'; img-src 'self' data:"


def _page_templates():
    """Every HTML template a browser may receive: templates/ and any app's templates/.
    (documents/builtin/*.html are WeasyPrint sources for PDFs, never sent to a browser.)"""
    dirs = [ROOT / "templates"] + [
        p for p in ROOT.glob("*/templates") if ".venv" not in p.parts and p.is_dir()
    ]
    found = []
    for directory in dirs:
        found += sorted(directory.rglob("*.html"))
    return found


INLINE = {
    "inline <script> (without src)": re.compile(r"<script\b(?![^>]*\bsrc\s*=)", re.I),
    "inline event handler (on…=)": re.compile(r"<[^>]*\s on[a-z]+\s*=".replace(" ", ""), re.I),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.I),
    "<style> block": re.compile(r"<style\b", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_templates_exist_to_scan():
    names = {p.name for p in _page_templates()}
    assert {"base.html", "500.html", "login.html", "bureau.html"} <= names


@pytest.mark.parametrize("template", _page_templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_needs_unsafe_inline(template):
    text = template.read_text(encoding="utf-8")
    problems = [
        f"{what} at line {text.count(chr(10), 0, m.start()) + 1}"
        for what, pattern in INLINE.items()
        for m in pattern.finditer(text)
    ]
    assert not problems, f"{template}: {problems} — move it to static/ (CSP allows only 'self')"


def test_the_scanner_catches_what_it_should():
    samples = {
        "<script>alert(1)</script>": "inline <script> (without src)",
        '<button onclick="go()">': "inline event handler (on…=)",
        '<form method="post" onsubmit="return x">': "inline event handler (on…=)",
        '<span style="width:3%">': "style attribute",
        "<style>p{}</style>": "<style> block",
        '<a href="javascript:void(0)">': "javascript: URL",
    }
    for sample, what in samples.items():
        assert INLINE[what].search(sample), sample
    assert not INLINE["inline <script> (without src)"].search('<script src="/static/js/a.js">')
    assert not INLINE["inline event handler (on…=)"].search('<a class="button" data-on="x">')


def test_pct_filter_and_its_classes_exist():
    rendered = Template(
        "{% load layout %}{{ a|pct }} {{ b|pct }} {{ c|pct }} {{ d|pct }} {{ e|pct }}"
    ).render(Context({"a": 37.6, "b": -4, "c": 250, "d": "x", "e": None}))
    assert rendered == "38 0 100 0 0"
    css = (ROOT / "static/css/site.css").read_text()
    for i in (0, 38, 100):
        assert f".w-{i} {{ width: {i}%; }}" in css
        assert f".at-{i} {{ left: {i}%; }}" in css


def test_production_settings_send_hsts_and_json_logs(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "example.cn",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    env.pop("LOG_FORMAT", None)
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, "
        "s.LOGGING['handlers']['console']['formatter'], s.X_FRAME_OPTIONS, "
        "s.SECURE_REDIRECT_EXEMPT, s.AXES_ENABLED)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split(maxsplit=6)
    assert out[:5] == ["31536000", "True", "True", "json", "DENY"]
    assert "healthz" in out[5]
    assert out[6].strip() == "True"


def test_pages_with_bars_and_timelines_render_without_inline_code(client):
    """The pages that used to carry style="…" and onsubmit="…": rendered, they have none,
    and the classes that replaced them are there."""
    from django.urls import reverse
    from django.utils import timezone

    from tests.dashboard.test_dashboard import running_project

    project, team, _issuer, officer = running_project()
    client.force_login(officer)
    dashboard = client.get(reverse("dashboard:bureau"), {"year": timezone.localdate().year})
    client.force_login(team)
    detail = client.get(reverse("bounty:project", args=[project.pk]))
    bid = client.get(project.bid.get_absolute_url())
    for response in (dashboard, detail, bid):
        assert response.status_code == 200
        html = response.content.decode()
        for what, pattern in INLINE.items():
            assert not pattern.search(html), (response.request["PATH_INFO"], what)
    assert re.search(r'<span class="w-(\d+)"></span>', dashboard.content.decode())
    assert 'class="w-100"' in dashboard.content.decode()  # the largest industry fills the bar
    assert re.search(r'class="tick [a-z ]*at-\d+"', detail.content.decode())
    assert "js/site.js" in detail.content.decode()
