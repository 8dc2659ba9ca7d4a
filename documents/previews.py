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


def sample_call_notice():
    challenge = {
        "ocid": "ocds-jbgs01-2026-000001",
        "title": "12英寸晶圆级键合设备国产化",
        "issuer": "示范市华晶集成电路制造有限公司",
        "industry": "集成电路",
        "bounty": "1200",
        "government": "300",
        "deadline": "2026年12月31日 17:00",
    }
    return {
        "call": {
            "title": "示范市科学技术局关于发布2026年度第一批揭榜挂帅榜单的公告",
            "name": "2026年度第一批",
            "year": 2026,
            "batch": 1,
            "code": "2026-1",
            "count": 1,
            "total": "1200",
            "government": "300",
            "challenges": [challenge],
            "guide": "一、申报条件\n在中国境内注册的高校、科研院所和企业均可揭榜。",
            "published_on": "2026年12月1日",
            "bids_close": "2026年12月31日 17:00",
            "max_lead_bids": 3,
            "pi_max_lead": 1,
            "district_step": True,
            "consortium": True,
            "sealed": True,
            "site_url": "https://jiebang.example.cn/calls/2026/1/",
            "office": "市科学技术局成果转化处",
            "phone": "0519-85681234",
            "address": "市行政中心3号楼B座",
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
        DocumentKind.CALL_NOTICE: sample_call_notice,
    }
    snapshot = samples.get(kind, sample_snapshot)()
    snapshot["doc"] = doc_meta(
        kind=kind,
        series=f"SAMPLE-{KIND_CODES[kind]}",
        version=1,
        template_version=template_version,
    )
    return snapshot
