"""The submission receipt as a small PDF (WeasyPrint, CJK fonts installed locally)."""

from django.template.loader import render_to_string
from django.utils import translation


def receipt_pdf(version, *, request=None) -> bytes:
    from weasyprint import HTML  # imported lazily: only this view needs it

    with translation.override(translation.get_language()):
        html = render_to_string("bounty/receipt_pdf.html", {"version": version, "bid": version.bid})
    return HTML(string=html, base_url=None).write_pdf()
