"""Documents made on demand from one object (receipts, panel reports, notices): kind →
how to build the snapshot. ``document_ensure`` returns the newest version when the data
has not changed since, and queues a new version when it has."""

import json
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from .models import Document, DocumentKind, DocumentStatus
from .services import document_request, series_code

BEIJING = ZoneInfo("Asia/Shanghai")

# kind → (model, build(subject) -> {"series", "public_label", "snapshot"})
SOURCES = {}


def register(kind, model, build):
    SOURCES[kind] = (model, build)


def beijing_time(moment, fmt="%Y-%m-%d %H:%M:%S") -> str:
    """A moment as documents print it: Beijing time, whatever the server's zone."""
    return timezone.localtime(moment, BEIJING).strftime(fmt) if moment else "——"


def _canonical(snapshot) -> str:
    data = {k: v for k, v in snapshot.items() if k != "doc"}
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)


def document_ensure(*, kind, subject_id, by=None) -> Document | None:
    """The current document of ``kind`` for one subject, generating it when needed.
    None when there is no such subject (the caller answers 404)."""
    model, build = SOURCES[kind]
    with transaction.atomic():
        subject = model.objects.select_for_update().filter(pk=subject_id).first()
        if subject is None:
            return None
        spec = build(subject)
        latest = Document.objects.filter(series=spec["series"]).order_by("-version").first()
        fresh = json.loads(json.dumps(spec["snapshot"], default=str))
        if (
            latest is not None
            and latest.status != DocumentStatus.SUPERSEDED
            and _canonical(latest.snapshot) == _canonical(fresh)
        ):
            return latest
        return document_request(kind=kind, subject=subject, by=by, **spec)


def _receipt(version):
    bid = version.bid
    challenge = bid.challenge
    return {
        "series": series_code(DocumentKind.RECEIPT, f"{bid.reference}-{version.number}"),
        "public_label": f"{challenge.ocid} · {bid.reference} · v{version.number}",
        "snapshot": {
            "receipt": {
                "challenge_title": challenge.title,
                "ocid": challenge.ocid,
                "reference": bid.reference,
                "version": version.number,
                "lead_name": bid.lead.name,
                "lead_code": bid.lead.credit_code,
                "submitted_at": beijing_time(version.submitted_at, "%Y-%m-%d %H:%M:%S.%f"),
                "content_sha256": version.content_sha256,
                "attachments": [
                    {"name": a["name"], "size": a["size"], "sha256": a["sha256"]}
                    for a in version.attachments
                ],
            }
        },
    }


def _acceptance(project):
    from accounts.selectors import bureau_organization
    from bounty.models import ProjectStatus

    from .services import cn_date

    contract = getattr(project, "contract", None)
    bureau = bureau_organization()
    stem = contract.number if contract else f"{project.challenge.ocid}-{project.bid.reference}"
    return {
        "series": series_code(DocumentKind.ACCEPTANCE, stem),
        "public_label": f"{project.challenge.ocid} · {project.bid.lead.name}",
        "snapshot": {
            "acceptance": {
                "challenge_title": project.challenge.title,
                "ocid": project.challenge.ocid,
                "issuer": project.challenge.issuer.name,
                "team": project.bid.lead.name,
                "contract_number": contract.number if contract else "",
                "started_on": cn_date(project.started_on),
                "ends_on": cn_date(project.ends_on),
                "result": _label_zh(ProjectStatus, project.status),
                "conclusion": project.outcome_reason,
                "milestones": [
                    {"number": m.number, "title": m.title, "met_on": cn_date(m.met_on)}
                    for m in project.milestones.order_by("number")
                ],
                "bureau": bureau.name if bureau else "",
            }
        },
    }


def _label_zh(choices, value):
    from django.utils import translation

    with translation.override("zh-hans"):
        return str(choices(value).label)


def _opening(opening):
    """The bid-opening record (开标解密记录) of a sealed challenge (bounty/sealing)."""
    from datetime import datetime

    from bounty.sealing.opening import opening_snapshot

    snapshot = opening_snapshot(opening)
    for key in ("opened_at", "deadline"):
        moment = datetime.fromisoformat(snapshot["opening"][key])
        snapshot["opening"][key] = beijing_time(moment)
    return {
        "series": series_code(DocumentKind.OPENING, opening.challenge.ocid),
        "public_label": f"{opening.challenge.ocid} · 开标解密记录",
        "snapshot": snapshot,
    }


def register_builtin():
    """Called from DocumentsConfig.ready (models are loaded by then)."""
    from bounty.models import BidOpening, BidVersion, Project
    from bounty.sealing.permissions import can_view_opening

    from .permissions import READERS

    register(DocumentKind.RECEIPT, BidVersion, _receipt)
    register(DocumentKind.ACCEPTANCE, Project, _acceptance)
    register(DocumentKind.OPENING, BidOpening, _opening)
    READERS[DocumentKind.OPENING] = can_view_opening
