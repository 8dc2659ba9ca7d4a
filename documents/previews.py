"""Sample data for template previews (the bureau's template editor) and for
``sample_contract --sample``; the contract sample lives in documents/sample.py."""

from .models import KIND_CODES, DocumentKind
from .services import doc_meta


def sample_receipt():
    return {
        "receipt": {
            "challenge_title": "12英寸晶圆级键合设备国产化",
            "ocid": "ocds-jbgs01-2026-000001",
            "reference": "B-20261201-SAMPLE01",
            "version": 1,
            "lead_name": "示范大学",
            "lead_code": "91320100MA1XXXXX0X",
            "submitted_at": "2026-12-01 23:59:58.123456",
            "content_sha256": "0" * 64,
            "attachments": [
                {"name": "实施方案.pdf", "size": 1048576, "sha256": "a" * 64},
            ],
        }
    }


def sample_for(kind, *, template_version=0) -> dict:
    """Sample data of a kind (contracts and receipts have their own; the other kinds are
    previewed with the contract sample, which their templates ignore)."""
    from .sample import sample_snapshot

    snapshot = sample_receipt() if kind == DocumentKind.RECEIPT else sample_snapshot()
    snapshot["doc"] = doc_meta(
        kind=kind,
        series=f"SAMPLE-{KIND_CODES[kind]}",
        version=1,
        template_version=template_version,
    )
    return snapshot
