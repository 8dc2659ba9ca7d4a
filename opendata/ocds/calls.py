"""Calls (批次) in OCDS: each public call is a *planning process* of its own, with the ocid
``<OCID_PREFIX>-call-<year>-<batch>`` and one release tagged ``planning`` (the needs
collection, the list published at once, the bidding window and quotas, the 发榜公告); every
challenge published in it names it in ``relatedProcesses`` with the relationship
``planning`` (OCDS 1.1 codelist relatedProcess: "the related process is the planning process
that planned the contracting process"). See docs/ocds.md, "Calls (批次)"."""

from decimal import Decimal

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from bounty.models import plain_decimal

from .parties import _party, _ref
from .values import INDUSTRY_SCHEME, LANGUAGE, _dt, value_cny

CALL_NOTICE_DOCUMENT_TYPE = "tenderNotice"


def call_ocid(call) -> str:
    """The ocid of the call's planning process (also the stem of its 发榜公告's number)."""
    return f"{settings.JIEBANG['OCID_PREFIX']}-call-{call.year}-{call.batch}"


def call_label(call) -> str:
    return _("“%(name)s” (%(year)s, batch %(batch)s)") % {
        "name": call.name,
        "year": call.year,
        "batch": call.batch,
    }


def call_package_url(call) -> str | None:
    try:
        path = reverse("opendata:call_package", args=[call.year, call.batch])
    except NoReverseMatch:  # the API is not mounted
        return None
    return settings.SITE_URL.rstrip("/") + path


def call_related_process(call) -> dict:
    """The ``relatedProcesses`` entry of a challenge published in ``call``."""
    related = {
        "id": "call",
        "relationship": ["planning"],
        "title": call.name,
        "scheme": "ocid",
        "identifier": call_ocid(call),
    }
    uri = call_package_url(call)
    if uri:
        related["uri"] = uri
    return related


def call_rationale(call) -> str:
    """``planning.rationale`` of a challenge published in ``call``."""
    return _(
        "Collected in the call %(call)s, recommended and vetted by experts, and published "
        "with the call's whole list."
    ) % {"call": call_label(call)}


def _window(start, end) -> str:
    return _("%(start)s to %(end)s") % {"start": _dt(start), "end": _dt(end)}


def _quotas(call) -> str:
    return _(
        "Quotas of the call: an organisation leads at most %(bids)s bids; a principal "
        "investigator leads at most %(pi)s bids or projects while bidding."
    ) % {"bids": call.max_lead_bids, "pi": call.pi_max_lead}


def _notice_document(notice) -> dict:
    return {
        "id": notice.number,
        "documentType": CALL_NOTICE_DOCUMENT_TYPE,
        "title": _("Announcement of the list (发榜公告)"),
        "url": settings.SITE_URL.rstrip("/") + notice.get_absolute_url(),
        "datePublished": _dt(notice.ready_at),
        "format": "application/pdf",
        "language": LANGUAGE,
    }


def call_release(call, *, challenges, bureau=None, notice=None) -> dict:
    """The planning release of a public ``call``: ``challenges`` are its public challenges
    (issuer and industry loaded), ``notice`` its 发榜公告 when ready."""
    ocid = call_ocid(call)
    published = call.published_at or call.created_at  # set by the publication
    total = sum((c.bounty_total or Decimal(0) for c in challenges), Decimal(0))
    enterprise = sum((c.enterprise_funds or Decimal(0) for c in challenges), Decimal(0))
    government = sum((c.government_funds or Decimal(0) for c in challenges), Decimal(0))
    parties, seen = [], set()
    if bureau is not None:
        parties.append(_party(bureau, ["procuringEntity"]))
        seen.add(bureau.pk)
    for challenge in challenges:
        if challenge.issuer_id not in seen:
            seen.add(challenge.issuer_id)
            parties.append(_party(challenge.issuer, ["buyer"]))
    if settings.JIEBANG.get("DISTRICT_RECOMMENDATION"):
        rationale = _(
            "Needs collected from enterprises (%(window)s), recommended by the district "
            "bureaus and vetted by experts; the list of %(n)s challenges was published at once."
        )
    else:
        rationale = _(
            "Needs collected from enterprises (%(window)s) and vetted by experts; the list of "
            "%(n)s challenges was published at once."
        )
    planning = {
        "rationale": rationale
        % {"window": _window(call.needs_opens_at, call.needs_closes_at), "n": len(challenges)},
        "budget": {
            "id": ocid,
            "description": _(
                "Call %(call)s: %(n)s challenges, bounties %(total)s ×10k yuan in all: "
                "%(ent)s ×10k yuan from the issuing enterprises, %(gov)s ×10k yuan of "
                "government funds."
            )
            % {
                "call": call_label(call),
                "n": len(challenges),
                "total": plain_decimal(total) or "0",
                "ent": plain_decimal(enterprise) or "0",
                "gov": plain_decimal(government) or "0",
            },
            "amount": value_cny(total),
            "project": call.name,
            "projectID": ocid,
        },
        "milestones": [
            {
                "id": "needs-collection",
                "title": _("Needs collection (需求征集)"),
                "type": "preProcurement",
                "description": _window(call.needs_opens_at, call.needs_closes_at),
                "dueDate": _dt(call.needs_closes_at),
                "status": "met",
            },
            {
                "id": "list-published",
                "title": _("List published (发榜)"),
                "type": "approval",
                "dueDate": _dt(published),
                "dateMet": _dt(published),
                "status": "met",
            },
        ],
    }
    if notice is not None:
        planning["documents"] = [_notice_document(notice)]
    tender = {
        "id": ocid,
        "title": call.name,
        "description": "\n\n".join(p for p in ((call.guide or "").strip(), _quotas(call)) if p),
        "procurementMethod": "open",
        "procurementMethodDetails": _("Open call for solutions (揭榜挂帅)"),
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {"startDate": _dt(published), "endDate": _dt(call.bids_close_at)},
        "items": [
            {"id": c.ocid, "description": c.title, "quantity": 1}
            | (
                {
                    "classification": {
                        "scheme": INDUSTRY_SCHEME,
                        "id": c.industry.code,
                        "description": c.industry.name_zh,
                    }
                }
                if c.industry_id
                else {}
            )
            for c in challenges
        ],
    }
    if total:
        tender["value"] = value_cny(total)
    if bureau is not None:
        tender["procuringEntity"] = _ref(bureau)
    if not tender["items"]:
        del tender["items"]
    return {
        "ocid": ocid,
        "id": f"{ocid}-planning-1",
        "date": _dt(published),
        "tag": ["planning"],
        "initiationType": "tender",
        "language": LANGUAGE,
        "parties": parties,
        "planning": planning,
        "tender": tender,
    }
