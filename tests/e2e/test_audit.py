"""The checks every journey page gets (tests/e2e/audit.py) do find what they look for."""

import pytest

from tests.e2e.audit import Auditor

pytestmark = pytest.mark.e2e

BAD = """<!DOCTYPE html><html lang="en"><head><title>Bad</title></head><body><main>
<p><input type="text" name="nameless"></p>
<p><a href="#x" style="color:#ccc;background:#fff">pale link</a></p>
<div style="width:600px">wider than a phone</div>
</main></body></html>"""

GOOD = """<!DOCTYPE html><html lang="en"><head><title>Good</title></head><body><main>
<h1>Fine</h1><p><label for="n">Name</label> <input id="n" type="text"></p>
<div style="overflow-x:auto"><div style="width:600px">scrolls inside its own box</div></div>
</main></body></html>"""


def audited(browser, html):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_content(html)
        auditor = Auditor()
        auditor.audit(page)
        return auditor.problems
    finally:
        context.close()


def test_axe_and_the_phone_check_report_what_they_find(browser):
    problems = "\n".join(audited(browser, BAD))
    assert "axe label " in problems
    assert "axe color-contrast " in problems
    assert "horizontal scroll at 390 px" in problems


def test_a_clean_page_passes(browser):
    assert audited(browser, GOOD) == []
