"""The one rendering service: a template version + a snapshot → PDF bytes.

Templates are plain Django templates compiled by a private engine (default tags and
filters only, autoescaping on) and rendered from the snapshot alone — no model objects —
so a document can be rendered again from what was stored. WeasyPrint may fetch nothing
from outside (government intranets): only inline ``data:`` URLs are allowed."""

import segno
from django.conf import settings
from django.template import Context, Engine
from django.utils.safestring import mark_safe

_engine = Engine(debug=False, autoescape=True, libraries={}, builtins=[])


class RenderError(Exception):
    pass


def compile_template(body: str):
    """Raise ``django.template.TemplateSyntaxError`` for a broken template."""
    return _engine.from_string(body)


def verify_url(number: str) -> str:
    from django.urls import reverse

    return settings.SITE_URL.rstrip("/") + reverse("documents:verify_number", args=[number])


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=3, border=1)


def render_html(body: str, snapshot: dict) -> str:
    context = dict(snapshot)
    context["qr"] = mark_safe(qr_svg(snapshot["doc"]["verify_url"]))  # noqa: S308 — our own SVG
    return compile_template(body).render(Context(context))


def _refuse_fetch(url, *args, **kwargs):
    if url.startswith("data:"):
        from weasyprint import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise RenderError(f"Documents may not load outside resources: {url[:80]}")


_font_config = None


def _fonts():
    """One font configuration per process: building it (fontconfig) costs ~50 ms a render.
    Templates declare no @font-face, so nothing accumulates in it."""
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def render_pdf(body: str, css: str, snapshot: dict) -> tuple[bytes, int]:
    """Return (PDF bytes, page count)."""
    from weasyprint import CSS, HTML  # heavy import: only the worker and previews need it

    html = render_html(body, snapshot)
    fonts = _fonts()
    stylesheets = [CSS(string=css, url_fetcher=_refuse_fetch, font_config=fonts)] if css else []
    document = HTML(string=html, base_url=None, url_fetcher=_refuse_fetch).render(
        stylesheets=stylesheets, font_config=fonts
    )
    return document.write_pdf(), len(document.pages)
