"""Expert fees pages (bureau): the list by period with the completed panels still to record,
one panel's fees (record, change with a reason), and the .xlsx export per panel or period."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.exceptions import ActionRefused
from common.views import get_visible_or_404, paginate
from common.xlsx import xlsx_response
from review.fees import services as fees
from review.fees.exporting import fee_header, fee_queryset, fee_rows
from review.models import Draw, DrawStatus, ExpertFee, PanelFees


def _officer_or_404(user):
    if not fees.can_manage_fees(user):
        raise Http404


def _day(value):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _period(request):
    """?start=&end= (ISO dates); by default the current calendar year."""
    today = timezone.localdate()
    start = _day(request.GET.get("start")) or today.replace(month=1, day=1)
    end = _day(request.GET.get("end")) or today.replace(month=12, day=31)
    return start, end


@login_required
@require_safe
def fee_list(request):
    _officer_or_404(request.user)
    start, end = _period(request)
    recorded = (
        PanelFees.objects.filter(held_on__gte=start, held_on__lte=end)
        .select_related("draw__challenge")
        .annotate(n=Count("fees"), total=Sum("fees__amount"))
        .order_by("-held_on", "-pk")
    )
    waiting = (
        Draw.objects.filter(status=DrawStatus.COMPLETED, fees__isnull=True)
        .select_related("challenge")
        .order_by("-completed_at")[:50]
    )
    total = ExpertFee.objects.filter(panel__held_on__gte=start, panel__held_on__lte=end).aggregate(
        s=Sum("amount")
    )["s"]
    return render(
        request,
        "review/fees/list.html",
        {
            "page": paginate(request, recorded),
            "waiting": waiting,
            "start": start,
            "end": end,
            "total": total or Decimal(0),
        },
    )


def _panel_context(draw, **extra):
    panel = PanelFees.objects.filter(draw=draw).select_related("recorded_by").first()
    return {
        "draw": draw,
        "challenge": draw.challenge,
        "panel": panel,
        "fees": list(
            ExpertFee.objects.filter(panel=panel).select_related("seat__expert", "edited_by")
        )
        if panel
        else [],
        "served": list(fees.served_seats(draw)) if panel is None else [],
        "rules": {
            "rates": settings.JIEBANG["EXPERT_FEE_PER_DAY"],
            "full_days": settings.JIEBANG["EXPERT_FEE_FULL_DAYS"],
            "later_percent": settings.JIEBANG["EXPERT_FEE_LATER_DAY_PERCENT"],
            "cap": fees.fee_cap(),
        },
        "today": timezone.localdate(),
        "typed": {},
        **extra,
    }


def _id(value):
    """A posted row id; anything else names no row (404, never a 500)."""
    value = str(value or "")
    if not value.isdigit():
        raise Http404
    return value


def _decimal(value, message):
    try:
        number = Decimal((value or "").strip())
    except InvalidOperation as exc:
        raise ActionRefused(message) from exc
    if not number.is_finite():  # "NaN", "Infinity"
        raise ActionRefused(message)
    return number


def _act(request, draw):
    post, user = request.POST, request.user
    action = post.get("action", "")
    if action == "record":
        held_on = _day(post.get("held_on"))
        fees.panel_fees_record(
            draw=draw,
            by=user,
            held_on=held_on,
            days=_decimal(post.get("days"), _("Give the days of the meeting, e.g. 1 or 1.5.")),
        )
        return _("Expert fees recorded.")
    if action == "edit":
        fee = get_object_or_404(ExpertFee, pk=_id(post.get("fee")), panel__draw=draw)
        fees.expert_fee_edit(
            fee=fee,
            by=user,
            amount=_decimal(post.get("amount"), _("Give the fee in yuan, e.g. 1500.")),
            reason=post.get("reason", ""),
        )
        return _("Fee changed.")
    raise Http404


@login_required
def draw_fees(request, pk):
    draw = get_visible_or_404(
        Draw.objects.select_related("challenge"),
        lambda user, _draw: fees.can_manage_fees(user),
        request.user,
        pk=pk,
    )
    if request.method == "POST":
        try:
            done = _act(request, draw)
        except ActionRefused as exc:
            context = _panel_context(draw, typed=request.POST, error=exc.message)
            return render(request, "review/fees/draw.html", context, status=400)
        messages.success(request, done)
        return redirect(reverse("review:draw_fees", args=[draw.pk]))
    return render(request, "review/fees/draw.html", _panel_context(draw))


@login_required
@require_safe
def fee_export(request):
    """?draw=<pk>: one panel; otherwise the period (?start=&end=)."""
    _officer_or_404(request.user)
    if request.GET.get("draw"):
        draw = get_object_or_404(
            Draw, pk=request.GET["draw"] if request.GET["draw"].isdigit() else 0
        )
        rows, name = fee_queryset(draw=draw), f"expert-fees-draw-{draw.pk}.xlsx"
    else:
        start, end = _period(request)
        rows = fee_queryset(start=start, end=end)
        name = f"expert-fees-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    return xlsx_response([(_("Expert fees"), fee_header(), fee_rows(rows))], name)
