"""District bureaus (辖市区科技局) in a need's path to the city (DOMAIN §2 "added").

Where the city recommends through districts (``JIEBANG["DISTRICT_RECOMMENDATION"]``) and
the issuer belongs to a district, a submitted need goes to that district's officers
first: they recommend it (推荐) to the city with a comment, or return it for revision.
The city starts vetting only a recommended need. Without the setting, or for an issuer
without a district, the step is skipped and the city vets the submitted need directly.
"""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.permissions import district_ids
from accounts.selectors import bureau_officers, district_officers, organization_staff
from audit.services import audit_record
from bounty import permissions as perms
from bounty.exceptions import ActionRefused, StaleState
from bounty.models import Challenge, ChallengeStatus, RdPlatform
from notifications.services import notify

AWAITING_DISTRICT = _("This need is waiting for the district's recommendation.")


def district_step_applies(challenge) -> bool:
    """The need passes through its issuer's district before the city vets it: where the city
    recommends through districts, and the issuer's district is a verified bureau with at
    least one officer (else nobody could recommend it, and the city vets it directly)."""
    if not (settings.JIEBANG["DISTRICT_RECOMMENDATION"] and challenge.issuer.district_id):
        return False
    return bool(district_officers(challenge.issuer.district))


def needs_in_progress_refusal(organization):
    """An enterprise keeps its district while one of its needs is with the district or the
    city (submitted, recommended, being vetted): the recommendation stays its district's."""
    busy = (
        ChallengeStatus.SUBMITTED,
        ChallengeStatus.RECOMMENDED,
        ChallengeStatus.VETTING,
    )
    if Challenge.objects.filter(issuer=organization, status__in=busy).exists():
        return _(
            "A need of this organisation is being recommended or vetted; change the district "
            "once it is decided."
        )
    return None


def awaits_district(challenge) -> bool:
    """Submitted, and its district has not recommended it yet: the city cannot vet it."""
    return challenge.status == ChallengeStatus.SUBMITTED and district_step_applies(challenge)


def submission_recipients(challenge) -> list:
    """Who must act on a newly submitted need: its district's officers, or the city's."""
    if district_step_applies(challenge):
        return district_officers(challenge.issuer.district)
    return bureau_officers()


def _lock(challenge):
    locked = (
        Challenge.objects.select_for_update(of=("self",))
        .select_related("issuer", "issuer__district")
        .get(pk=challenge.pk)
    )
    if locked.status != ChallengeStatus.SUBMITTED:
        raise StaleState
    return locked


def _comment(comment):
    comment = (comment or "").strip()
    if not comment:
        raise ActionRefused(_("Write a comment: the city and the issuer read it."))
    return comment


def need_recommend(*, challenge, by, comment) -> Challenge:
    """The district recommends (推荐) a submitted need to the city, with its comment."""
    comment = _comment(comment)
    with transaction.atomic():
        challenge = _lock(challenge)
        if not perms.can_recommend_challenge(by, challenge):
            raise ActionRefused(_("Only an officer of the issuer's district decides this."))
        before = challenge.status
        challenge.recommend(by=by, comment=comment)
        challenge.save()
        district = challenge.issuer.district
        audit_record(
            actor=by,
            action="challenge.recommend",
            obj=challenge,
            from_state=before,
            to_state=challenge.status,
            payload={"comment": comment, "district": district.pk},
        )
        params = {"title": challenge.title, "district": district.name, "comment": comment}
        notify(
            recipients=organization_staff(challenge.issuer, role=Role.ISSUER),
            kind="challenge.recommended",
            params=params,
            url=challenge.get_absolute_url(),
        )
        notify(
            recipients=bureau_officers(),
            kind="challenge.recommended_to_city",
            params={**params, "issuer": challenge.issuer.name},
            url=challenge.get_absolute_url(),
        )
    return challenge


def need_return(*, challenge, by, comment) -> Challenge:
    """The district returns a submitted need to its issuer for revision, with its reason."""
    comment = _comment(comment)
    with transaction.atomic():
        challenge = _lock(challenge)
        if not perms.can_recommend_challenge(by, challenge):
            raise ActionRefused(_("Only an officer of the issuer's district decides this."))
        before = challenge.status
        challenge.return_for_revision(comment=comment)
        challenge.save()
        district = challenge.issuer.district
        audit_record(
            actor=by,
            action="challenge.district_return",
            obj=challenge,
            from_state=before,
            to_state=challenge.status,
            payload={"comment": comment, "district": district.pk},
        )
        notify(
            recipients=organization_staff(challenge.issuer, role=Role.ISSUER),
            kind="challenge.district_returned",
            params={"title": challenge.title, "district": district.name, "comment": comment},
            url=challenge.get_absolute_url(),
        )
    return challenge


def district_needs(user, *, status="todo", q=""):
    """The needs of the enterprises in the user's jurisdictions (never a draft)."""
    qs = (
        Challenge.objects.filter(issuer__district_id__in=district_ids(user))
        .exclude(status=ChallengeStatus.DRAFT)
        .select_related("issuer", "industry", "call")
    )
    if status == "todo":
        qs = qs.filter(status=ChallengeStatus.SUBMITTED).order_by("submitted_at", "pk")
    elif status in ChallengeStatus.values:
        qs = qs.filter(status=status).order_by("-updated_at", "pk")
    else:
        qs = qs.order_by("-updated_at", "pk")
    if q:
        qs = qs.filter(title__icontains=q)
    return qs


def qualification_checks(challenge) -> list[dict]:
    """The issuer's qualification facts against the thresholds of JIEBANG["NEED_*"]:
    rows of label, value, threshold (with its comparator) and ok (None: nothing required)."""
    cfg = settings.JIEBANG
    min_revenue = Decimal(str(cfg["NEED_MIN_REVENUE"]))
    min_ratio = Decimal(str(cfg["NEED_MIN_RD_RATIO"]))
    platform_required = cfg["NEED_RD_PLATFORM_REQUIRED"]
    has_platform = challenge.rd_platform not in ("", RdPlatform.NONE)
    platform = challenge.get_rd_platform_display() if challenge.rd_platform else ""
    if has_platform and challenge.rd_platform_name:
        platform = f"{platform} · {challenge.rd_platform_name}"
    role = challenge.get_chain_role_display() if challenge.chain_role else ""
    chain = " · ".join(str(part) for part in (challenge.chain, role) if part)
    return [
        {
            "label": _("Industrial chain and role"),
            "value": chain,
            "threshold": "",
            "comparator": "",
            "ok": None,
        },
        {
            "label": _("Revenue last year (10k yuan)"),
            "value": challenge.revenue,
            "threshold": min_revenue,
            "comparator": "≥",
            "ok": challenge.revenue is not None and challenge.revenue >= min_revenue,
        },
        {
            "label": _("R&D spending / revenue (%)"),
            "value": challenge.rd_ratio,
            "threshold": min_ratio,
            "comparator": "≥",
            "ok": challenge.rd_ratio is not None and challenge.rd_ratio >= min_ratio,
        },
        {
            "label": _("Own R&D platform"),
            "value": platform,
            "threshold": _("required") if platform_required else "",
            "comparator": "",
            "ok": has_platform if platform_required else None,
        },
    ]
