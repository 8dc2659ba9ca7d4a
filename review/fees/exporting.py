"""The expert fees for the finance office: one row per expert and panel, as .xlsx (cells
never formulas: common/xlsx.py)."""

from django.utils.translation import gettext as _

from review.models import DrawPurpose, ExpertFee, ExpertTitle, FeeLevel


def fee_queryset(*, draw=None, start=None, end=None):
    qs = ExpertFee.objects.select_related(
        "panel__draw__challenge", "seat__expert", "edited_by"
    ).order_by("panel__held_on", "panel__draw_id", "seat__rank")
    if draw is not None:
        qs = qs.filter(panel__draw=draw)
    if start is not None:
        qs = qs.filter(panel__held_on__gte=start)
    if end is not None:
        qs = qs.filter(panel__held_on__lte=end)
    return qs


def fee_header():
    return [
        _("Meeting date"),
        _("Challenge"),
        _("Title"),
        _("Panel"),
        _("Draw"),
        _("Expert id"),
        _("Name"),
        _("Employer"),
        _("Professional title"),
        _("Fee level"),
        _("Days"),
        _("Yuan per day"),
        _("Computed fee (yuan)"),
        _("Fee (yuan)"),
        _("Reason of the change"),
    ]


def fee_rows(fees):
    purposes, titles, levels = (
        dict(DrawPurpose.choices),
        dict(ExpertTitle.choices),
        dict(FeeLevel.choices),
    )
    for fee in fees:
        draw, expert = fee.panel.draw, fee.seat.expert
        yield [
            fee.panel.held_on.isoformat(),
            draw.challenge.ocid,
            draw.challenge.title,
            str(purposes.get(draw.purpose, draw.purpose)),
            draw.pk,
            expert.code,
            expert.name,
            expert.employer_name,
            str(titles.get(expert.title, expert.title)),
            str(levels.get(fee.level, fee.level)),
            float(fee.panel.days),
            fee.rate,
            float(fee.computed),
            float(fee.amount),
            fee.reason,
        ]
