"""Review's documents through the one pipeline of the documents app: the panel report
(专家评审报告), the public notice (公示) and the draw record (抽取记录). Snapshots are plain
data in Chinese."""

from django.conf import settings

from accounts.selectors import bureau_organization
from audit.services import audit_events_for
from bounty.models import Bid, BidStatus, Challenge, plain_decimal
from documents import permissions as document_perms
from documents.capital import capital_wan
from documents.models import DocumentKind
from documents.services import series_code
from documents.sources import beijing_time, register
from review.models import Draw, PanelReport
from review.permissions import can_download_bundle, can_view_ranking
from review.scoring import services as scoring


def _flags(entry) -> str:
    flags = []
    if not entry.passes:
        flags.append("未达及格线或关键指标最低分")
    if entry.flagged:
        flags.append("分歧较大")
    if entry.undersized:
        flags.append("专家人数不足")
    if entry.tied_with_next:
        flags.append("并列，需专家组决定")
    return "；".join(flags)


def panel_report_source(challenge):
    ranked = scoring.ranking(challenge)
    bids = Bid.objects.select_related("lead").in_bulk([r.bid_id for r in ranked])
    distribution = scoring.score_distribution(challenge)
    criteria = list(challenge.criteria.order_by("-weight", "position"))
    report = PanelReport.objects.filter(challenge=challenge).first()
    experts = max((r.experts for r in ranked), default=0)
    return {
        "series": series_code(DocumentKind.PANEL_REPORT, challenge.ocid),
        "public_label": f"{challenge.ocid} · {challenge.title}",
        "snapshot": {
            "report": {
                "challenge_title": challenge.title,
                "ocid": challenge.ocid,
                "issuer": challenge.issuer.name,
                "panel_size": experts,
                "method": "去掉一个最高分和一个最低分后取平均" if experts >= 5 else "取中位数",
                "undersized": 0 < experts < 5,
                "threshold": settings.JIEBANG["SCORE_THRESHOLD"],
                "criteria": [{"name": c.name, "weight": c.weight} for c in criteria],
                "rows": [
                    {
                        "rank": r.rank,
                        "reference": bids[r.bid_id].reference,
                        "lead": bids[r.bid_id].lead.name,
                        "aggregate": plain_decimal(r.aggregate),
                        "mean": plain_decimal(r.mean),
                        "median": plain_decimal(r.median),
                        "criteria": [plain_decimal(r.criteria.get(c.pk)) for c in criteria],
                        "totals": " · ".join(
                            plain_decimal(t) for t in distribution.get(r.bid_id, [])
                        ),
                        "flags": _flags(r),
                    }
                    for r in ranked
                ],
                "consensus": report.consensus if report else "",
            }
        },
    }


NOTICE_TIME = "%Y年%m月%d日 %H:%M"


def notice_source(challenge):
    winners = Bid.objects.filter(
        challenge=challenge,
        status__in=[BidStatus.PROPOSED_WINNER, BidStatus.WINNER],
    ).select_related("lead")
    bureau = bureau_organization()
    opened = (
        audit_events_for(challenge).filter(action="challenge.open_notice").order_by("-seq").first()
    )
    starts = opened.created_at if opened else None
    return {
        "series": series_code(DocumentKind.NOTICE, challenge.ocid),
        "public_label": f"{challenge.ocid} · {challenge.title}",
        "snapshot": {
            "notice": {
                "challenge_title": challenge.title,
                "ocid": challenge.ocid,
                "issuer": challenge.issuer.name,
                "bounty": plain_decimal(challenge.bounty_total),
                "bounty_capital": capital_wan(challenge.bounty_total),
                "starts": beijing_time(starts, NOTICE_TIME) if starts else "公示发布之日",
                "ends": beijing_time(challenge.notice_ends_at, NOTICE_TIME),
                "winners": [{"lead": b.lead.name, "reference": b.reference} for b in winners],
                "bureau": bureau.name if bureau else "",
                # Where objections go, on paper, by e-mail or by phone (bureau settings).
                "office": settings.JIEBANG["NOTICE_OFFICE"],
                "phone": settings.JIEBANG["NOTICE_PHONE"],
                "address": settings.JIEBANG["NOTICE_ADDRESS"],
            }
        },
    }


def draw_record_source(draw):
    size = draw.params.get("size", 0)
    seats = list(draw.seats.order_by("rank"))
    challenge = draw.challenge
    return {
        "series": series_code(DocumentKind.DRAW_RECORD, f"{challenge.ocid}-{draw.pk}"),
        "public_label": f"{challenge.ocid} · #{draw.pk}",
        "snapshot": {
            "draw": {
                "challenge_title": challenge.title,
                "ocid": challenge.ocid,
                "number": draw.pk,
                "supplementary_of": draw.supplementary_of_id,
                "algorithm": draw.algorithm,
                "size": size,
                "alternates": draw.params.get("alternates", 0),
                "pool_size": draw.pool_size,
                "pool_hash": draw.pool_hash,
                "bureau_commitment": draw.bureau_commitment,
                "supervisor_commitment": draw.supervisor_commitment,
                "public_value_source": draw.public_value_source,
                "public_value": draw.public_value,
                "seed": draw.seed,
                "frozen_at": beijing_time(draw.frozen_at),
                "completed_at": beijing_time(draw.completed_at),
                "seats": [
                    {
                        "rank": s.rank,
                        "pseudonym": s.pseudonym,
                        "role": "专家组成员" if s.rank <= size else "备选",
                    }
                    for s in seats
                ],
            }
        },
    }


def can_read_notice(user, challenge) -> bool:
    return challenge.notice_ends_at is not None  # a notice, once published, is public


def register_documents():
    register(DocumentKind.PANEL_REPORT, Challenge, panel_report_source)
    register(DocumentKind.NOTICE, Challenge, notice_source)
    register(DocumentKind.DRAW_RECORD, Draw, draw_record_source)
    document_perms.READERS[DocumentKind.DRAW_RECORD] = can_download_bundle
    document_perms.READERS[DocumentKind.PANEL_REPORT] = can_view_ranking
    document_perms.READERS[DocumentKind.NOTICE] = can_read_notice
