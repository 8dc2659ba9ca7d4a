"""The 发榜公告 of a call (批次): the announcement of its whole published list, generated
through the one pipeline when the list is published (``bounty.signals.call_published``).

The snapshot is taken once, at publication: the announcement says what was published that
day, so later amendments, withdrawals or awards never produce a new version. It is public
information from publication on (``can_read_call_notice``)."""

from decimal import Decimal

from django.conf import settings
from django.urls import NoReverseMatch
from django.utils import timezone

from accounts.selectors import bureau_organization
from bounty.models import PUBLIC_STATUSES, plain_decimal

from .models import Document, DocumentKind, DocumentStatus
from .services import cn_date, document_request, series_code
from .sources import BEIJING, beijing_time

DEADLINE = "%Y年%m月%d日 %H:%M"


def call_stem(call) -> str:
    """The stable stem of the call's document numbers; the same identifier as the call's
    OCDS planning process (``<OCID_PREFIX>-call-<year>-<batch>``, docs/ocds.md)."""
    return f"{settings.JIEBANG['OCID_PREFIX']}-call-{call.year}-{call.batch}"


def call_notice_series(call) -> str:
    return series_code(DocumentKind.CALL_NOTICE, call_stem(call))


def _title(bureau_name, name) -> str:
    """ "<bureau>关于发布<call>揭榜挂帅榜单的公告", without saying 揭榜挂帅 twice when the
    call's name already does."""
    if name.endswith("榜单"):
        subject = name
    elif "揭榜挂帅" in name:
        subject = f"{name}榜单"
    else:
        subject = f"{name}揭榜挂帅榜单"
    return f"{bureau_name}关于发布{subject}的公告"


def _call_url(call) -> str:
    base = settings.SITE_URL.rstrip("/")
    try:
        return base + call.get_absolute_url()
    except NoReverseMatch:  # the call pages are not mounted: name the platform
        return base


def call_notice_source(call) -> dict:
    """The series, public label and snapshot of ``call``'s 发榜公告 (plain data in Chinese)."""
    challenges = list(
        call.challenges.filter(status__in=PUBLIC_STATUSES)
        .select_related("issuer", "industry")
        .order_by("ocid")
    )
    total = sum((c.bounty_total or Decimal(0) for c in challenges), Decimal(0))
    government = sum((c.government_funds or Decimal(0) for c in challenges), Decimal(0))
    bureau = bureau_organization()
    bureau_name = bureau.name if bureau else ""
    published = call.published_at
    return {
        "series": call_notice_series(call),
        "public_label": f"{call.name}（{call.year}年第{call.batch}批）· 发榜公告",
        "snapshot": {
            "call": {
                "title": _title(bureau_name, call.name),
                "name": call.name,
                "year": call.year,
                "batch": call.batch,
                "code": call.code,
                "count": len(challenges),
                "total": plain_decimal(total) or "0",
                "government": plain_decimal(government) or "0",
                "challenges": [
                    {
                        "ocid": c.ocid,
                        "title": c.title,
                        "issuer": c.issuer.name,
                        "industry": c.industry.name_zh if c.industry_id else "",
                        "bounty": plain_decimal(c.bounty_total) or "0",
                        "government": plain_decimal(c.government_funds) or "0",
                        "deadline": beijing_time(c.bid_deadline, DEADLINE),
                    }
                    for c in challenges
                ],
                "guide": call.guide,
                "published_on": cn_date(timezone.localtime(published, BEIJING).date())
                if published
                else "",
                "bids_close": beijing_time(call.bids_close_at, DEADLINE),
                "max_lead_bids": call.max_lead_bids,
                "pi_max_lead": call.pi_max_lead,
                "district_step": bool(settings.JIEBANG.get("DISTRICT_RECOMMENDATION")),
                "consortium": any(c.consortium_allowed for c in challenges),
                "sealed": bool(getattr(settings, "BID_SEALING", False)),
                "site_url": _call_url(call),
                "office": settings.JIEBANG["NOTICE_OFFICE"],
                "phone": settings.JIEBANG["NOTICE_PHONE"],
                "address": settings.JIEBANG["NOTICE_ADDRESS"],
                "bureau": bureau_name,
            }
        },
    }


def call_notice_request(*, call, by=None) -> Document:
    """Queue the call's 发榜公告 unless it exists already (call inside the publication's
    transaction, with the call's row locked; the render is enqueued when it commits).
    Idempotent: a second call — a signal delivered twice, a retried publication — returns
    the existing document (a failed one is retried from its page, not duplicated)."""
    existing = Document.objects.filter(series=call_notice_series(call)).order_by("-version").first()
    if existing is not None:
        return existing
    return document_request(
        kind=DocumentKind.CALL_NOTICE, subject=call, by=by, **call_notice_source(call)
    )


def on_call_published(sender, *, call, by=None, **kwargs):
    """Receiver of ``bounty.signals.call_published`` (connected in DocumentsConfig.ready)."""
    call_notice_request(call=call, by=by)


def call_notice(call) -> Document | None:
    """The call's current 发榜公告 (ready, or being generated, or failed), or None when the
    call is not public or none was requested."""
    if call is None or call.pk is None or not call.is_public:
        return None
    return (
        Document.objects.filter(series=call_notice_series(call))
        .exclude(status=DocumentStatus.SUPERSEDED)
        .order_by("-version")
        .first()
    )


def can_read_call_notice(user, call) -> bool:
    """The 发榜公告 is public information once the call's list is published."""
    return call.is_public


def register_call_documents():
    """Called from DocumentsConfig.ready: who may read the announcement (it is not an
    on-demand document: it is made once, at publication)."""
    from .permissions import READERS

    READERS[DocumentKind.CALL_NOTICE] = can_read_call_notice
