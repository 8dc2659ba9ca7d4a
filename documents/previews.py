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


def sample_acceptance():
    return {
        "acceptance": {
            "challenge_title": "12英寸晶圆级键合设备国产化",
            "ocid": "ocds-jbgs01-2026-000001",
            "issuer": "示范市华晶集成电路制造有限公司",
            "team": "示范理工大学",
            "contract_number": "HT-2026-000012",
            "started_on": "2026年12月1日",
            "ends_on": "2028年11月30日",
            "result": "通过",
            "conclusion": "项目完成任务书规定的全部考核指标，同意通过验收。",
            "milestones": [
                {"number": 1, "title": "整机方案设计与关键部件研制", "met_on": "2027年6月1日"},
                {"number": 2, "title": "工程样机集成与工艺开发", "met_on": "2028年3月1日"},
            ],
            "bureau": "示范市科学技术局",
        }
    }


def sample_for(kind, *, template_version=0) -> dict:
    """Sample data of a kind (contracts and receipts have their own; the other kinds are
    previewed with the contract sample, which their templates ignore)."""
    from .sample import sample_snapshot
    from .supplements import sample_supplement

    samples = {
        DocumentKind.RECEIPT: sample_receipt,
        DocumentKind.ACCEPTANCE: sample_acceptance,
        DocumentKind.SUPPLEMENT: sample_supplement,
    }
    snapshot = samples.get(kind, sample_snapshot)()
    snapshot["doc"] = doc_meta(
        kind=kind,
        series=f"SAMPLE-{KIND_CODES[kind]}",
        version=1,
        template_version=template_version,
    )
    return snapshot
