"""Expert fees (专家咨询费): the bureau records, for a completed draw, the fee of each
seated expert who served (accepted the invitation and gave an opinion or submitted score
sheets), computed from the settings; it may change a fee with a reason; the finance office
gets them per panel or per period as .xlsx (``exporting.py``).

Amount rules (config/settings/base.py, ``JIEBANG``): ``EXPERT_FEE_PER_DAY`` yuan by level
(senior = 正高 or 副高 title, other) for each of the first ``EXPERT_FEE_FULL_DAYS`` days,
``EXPERT_FEE_LATER_DAY_PERCENT`` % of it for each later day, at most ``EXPERT_FEE_CAP``
yuan per expert and panel."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.exceptions import ActionRefused, StaleState
from accounts.permissions import is_bureau_officer
from audit.services import audit_record
from review.models import (
    Draw,
    DrawStatus,
    ExpertFee,
    ExpertTitle,
    FeeLevel,
    PanelFees,
    PanelOpinion,
    ScoreSheet,
    Seat,
    SeatStatus,
)

CENTS = Decimal("0.01")
MAX_DAYS = Decimal(30)


def can_manage_fees(user) -> bool:
    return is_bureau_officer(user)


def fee_level(expert) -> str:
    """高级专业技术职称 (正高, 副高) → senior; the rest → other."""
    senior = (ExpertTitle.SENIOR, ExpertTitle.ASSOCIATE)
    return FeeLevel.SENIOR if expert.title in senior else FeeLevel.OTHER


def fee_rate(level) -> int:
    return int(settings.JIEBANG["EXPERT_FEE_PER_DAY"][level])


def fee_cap() -> Decimal:
    return Decimal(settings.JIEBANG["EXPERT_FEE_CAP"])


def fee_compute(level, days) -> Decimal:
    """The fee of one expert for a meeting of ``days`` days (Decimal, halves allowed)."""
    rules = settings.JIEBANG
    rate = Decimal(fee_rate(level))
    full = min(days, Decimal(rules["EXPERT_FEE_FULL_DAYS"]))
    later = max(days - full, Decimal(0))
    fee = rate * full + rate * later * Decimal(rules["EXPERT_FEE_LATER_DAY_PERCENT"]) / 100
    return min(fee, fee_cap()).quantize(CENTS, rounding=ROUND_HALF_UP)


def served_seats(draw):
    """The seats of ``draw`` whose expert served: accepted, on the panel, and gave an
    opinion (milestone, acceptance and other project panels) or submitted score sheets
    (bid review)."""
    return (
        Seat.objects.filter(draw=draw, on_panel=True, status=SeatStatus.ACCEPTED)
        .filter(
            Q(Exists(PanelOpinion.objects.filter(seat=OuterRef("pk"))))
            | Q(
                Exists(
                    ScoreSheet.objects.filter(
                        seat=OuterRef("pk"), status=ScoreSheet.Status.SUBMITTED
                    )
                )
            )
        )
        .select_related("expert")
        .order_by("rank")
    )


def _require_officer(by):
    if not can_manage_fees(by):
        raise ActionRefused(_("Only the bureau records expert fees."))


def panel_fees_record(*, draw, by, held_on, days):
    """Record the fees of ``draw``'s panel: one per expert who served, computed from the
    settings. Once per draw (a fee is then changed with ``expert_fee_edit``)."""
    _require_officer(by)
    if days is None or days <= 0 or days > MAX_DAYS or days * 2 != int(days * 2):
        raise ActionRefused(_("Give the days of the meeting (whole or half days, at most 30)."))
    if held_on is None or held_on > timezone.localdate():
        raise ActionRefused(_("Give the date the panel met (not in the future)."))
    with transaction.atomic():
        draw = Draw.objects.select_for_update().get(pk=draw.pk)
        if draw.status != DrawStatus.COMPLETED:
            raise ActionRefused(_("Fees are recorded for a completed draw only."))
        if PanelFees.objects.filter(draw=draw).exists():
            raise StaleState(_("The fees of this panel are already recorded."))
        seats = list(served_seats(draw))
        if not seats:
            raise ActionRefused(
                _("No expert of this panel has served yet (an opinion or submitted scores).")
            )
        panel = PanelFees.objects.create(draw=draw, held_on=held_on, days=days, recorded_by=by)
        fees = []
        for seat in seats:
            level = fee_level(seat.expert)
            computed = fee_compute(level, days)
            fees.append(
                ExpertFee(
                    panel=panel,
                    seat=seat,
                    level=level,
                    rate=fee_rate(level),
                    computed=computed,
                    amount=computed,
                )
            )
        ExpertFee.objects.bulk_create(fees)
        audit_record(
            actor=by,
            action="fees.record",
            obj=draw,
            payload={
                "held_on": held_on.isoformat(),
                "days": str(days),
                "fees": {f.seat.expert.code: str(f.amount) for f in fees},
            },
        )
    return panel


def expert_fee_edit(*, fee, by, amount, reason):
    """Change one fee (a meeting left early, a fee waived…): a reason is required and the
    cap holds."""
    _require_officer(by)
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Give the reason for changing the fee."))
    if amount is None or amount < 0:
        raise ActionRefused(_("The fee cannot be negative."))
    if amount > fee_cap():
        raise ActionRefused(
            _("The fee cannot exceed %(cap)s yuan per expert and panel.") % {"cap": fee_cap()}
        )
    with transaction.atomic():
        fee = (
            ExpertFee.objects.select_for_update()
            .select_related("panel", "seat__expert")
            .get(pk=fee.pk)
        )
        before = fee.amount
        fee.amount = amount.quantize(CENTS, rounding=ROUND_HALF_UP)
        fee.reason, fee.edited_by, fee.edited_at = reason, by, timezone.now()
        fee.save()
        audit_record(
            actor=by,
            action="fees.edit",
            obj=fee,
            payload={
                "draw": fee.panel.draw_id,
                "expert": fee.seat.expert.code,
                "from": str(before),
                "to": str(fee.amount),
                "reason": reason,
            },
        )
    return fee
