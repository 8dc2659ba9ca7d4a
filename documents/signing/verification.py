"""Checking the signatures of a PDF for the public verification page: pyHanko's validator
with the platform CA as trust root and the platform's current revocation list."""

from .authority import crl_der, trust_roots
from .models import SignedRevision
from .pades import validate_pdf


def signatures_check(pdf: bytes) -> dict:
    """{"checks": [SignatureCheck…], "error": "" | why the file could not be read,
    "all_valid": every signature and time-stamp valid, "timestamped": the last one is a
    document time-stamp covering the whole file}."""
    try:
        checks = validate_pdf(pdf, roots=trust_roots(), crls=[crl_der()])
    except ValueError as exc:
        return {"checks": [], "error": str(exc)[:300], "all_valid": False, "timestamped": False}
    return {
        "checks": checks,
        "error": "",
        "all_valid": bool(checks) and all(c.valid for c in checks),
        "timestamped": bool(checks)
        and checks[-1].kind == "timestamp"
        and checks[-1].whole_document
        and checks[-1].valid,
    }


def signed_revision_for(sha256: str):
    """The signed revision with this SHA-256 and whether it is the newest of its document."""
    revision = (
        SignedRevision.objects.select_related("document").filter(sha256=sha256.lower()).first()
    )
    if revision is None:
        return None, False
    newest = revision.document.signed_revisions.order_by("-revision").first()
    return revision, newest.pk == revision.pk
