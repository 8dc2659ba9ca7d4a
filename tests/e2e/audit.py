"""Checks run on every page a journey visits: axe-core's WCAG 2.0/2.1 A and AA rules, and no
horizontal scroll on a 390 px phone.

axe-core is vendored under ``tests/e2e/vendor/`` (test tooling only, never served). It is
evaluated through the DevTools protocol rather than added as a ``<script>`` element, so the
site's Content-Security-Policy (``script-src 'self'``) stays in force for the journeys: a page
that breaks its own CSP still fails them.

A page is audited once per loaded document, at the points a journey naturally pauses: each
screenshot, each ``goto`` and ``wait_for_load_state``, and before and after the helpers'
clicks. Documents that loaded and were left before any of those are listed at teardown.
"""

import time
import weakref
from pathlib import Path
from urllib.parse import urlsplit

AXE_SOURCE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
}"""

# The widest elements that stick out of the viewport (outermost first), to say what to fix.
OVERFLOW = """() => {
  const root = document.documentElement;
  const limit = root.clientWidth;
  if (root.scrollWidth <= limit) return null;
  const culprits = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right <= limit + 1 || box.width === 0) continue;
    let parent = el.parentElement, inside = false;
    while (parent && parent !== document.body) {
      if (parent.getBoundingClientRect().right > limit + 1) { inside = true; break; }
      const overflow = getComputedStyle(parent).overflowX;
      if (overflow === "auto" || overflow === "scroll" || overflow === "hidden") {
        inside = true; break;
      }
      parent = parent.parentElement;
    }
    if (inside) continue;
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (el.className && typeof el.className === "string"
         ? "." + el.className.trim().split(/\\s+/).join(".") : "");
    culprits.push(`${name} (${Math.round(box.right)} px)`);
    if (culprits.length >= 5) break;
  }
  if (!culprits.length) {  // text or an absolutely placed child overflowing its box
    for (const el of document.body.querySelectorAll("*")) {
      if (el.scrollWidth <= el.clientWidth + 1 || getComputedStyle(el).overflowX !== "visible") continue;
      if ([...el.children].some((c) => c.scrollWidth > c.clientWidth + 1)) continue;
      culprits.push(`content of ${el.tagName.toLowerCase()}.${el.className} `
        + `(${el.scrollWidth} > ${el.clientWidth} px): ${el.textContent.trim().slice(0, 60)}`);
      if (culprits.length >= 5) break;
    }
  }
  return {scroll: root.scrollWidth, client: limit, culprits};
}"""

# When False the phone check reports (printed at teardown) without failing the journey.
PHONE_CHECK_ENFORCED = True

_AUDITORS = weakref.WeakKeyDictionary()


class Auditor:
    """Audits the pages of one journey; ``problems`` fail it, ``notes`` are printed."""

    def __init__(self):
        self.problems = []
        self.phone_problems = []
        self.seen = set()
        self.loaded = []
        self.audited_urls = set()
        self.seconds = 0.0  # time spent auditing (printed at teardown)

    def watch(self, page):
        """Audit ``page`` at its natural pauses (its own ``goto`` and load waits included)."""
        _AUDITORS[page] = self
        page.on("load", lambda loaded: self.loaded.append(loaded.url))
        for name in ("goto", "wait_for_load_state", "reload", "go_back"):
            page.__dict__[name] = _then_audit(getattr(page, name), page)

    def audit(self, page, *, force=False):
        started = time.monotonic()
        try:
            self._audit(page, force=force)
        finally:
            self.seconds += time.monotonic() - started

    def _audit(self, page, *, force):
        if page.is_closed():
            return
        try:
            state = page.evaluate("() => [document.contentType, window.__journeyAudited === true]")
        except Exception:  # navigating right now: the next pause audits the new document
            return
        content_type, done = state
        if content_type != "text/html" or (done and not force):
            return
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(AXE_SOURCE)
        path = urlsplit(page.url).path
        for violation in page.evaluate(RUN_AXE, AXE_TAGS):
            key = (path, violation["id"])
            if key not in self.seen:
                self.seen.add(key)
                targets = "; ".join(violation["targets"][:6])
                more = len(violation["targets"]) - 6
                targets += f" (+{more} more)" if more > 0 else ""
                self.problems.append(
                    f"axe {violation['id']} on {path}: {violation['help']} — {targets}"
                )
        self._phone(page, path)
        page.evaluate("() => { window.__journeyAudited = true; }")
        self.audited_urls.add(page.url)

    def _phone(self, page, path):
        size = page.viewport_size
        page.set_viewport_size(PHONE)
        try:
            found = page.evaluate(OVERFLOW)
        finally:
            page.set_viewport_size(size)
        if found and ("phone", path) not in self.seen:
            self.seen.add(("phone", path))
            (self.problems if PHONE_CHECK_ENFORCED else self.phone_problems).append(
                f"horizontal scroll at 390 px on {path}: {found['scroll']} px wide > "
                f"{found['client']} px; sticking out: {', '.join(found['culprits'])}"
            )

    def unaudited(self):
        return sorted({url for url in self.loaded if url not in self.audited_urls})


def audit(page, *, force=False):
    """Audit ``page`` if a journey watches it (helpers call this around their clicks)."""
    auditor = _AUDITORS.get(page)
    if auditor is not None:
        auditor.audit(page, force=force)


def _then_audit(method, page):
    def wrapper(*args, **kwargs):
        result = method(*args, **kwargs)
        audit(page)
        return result

    return wrapper
