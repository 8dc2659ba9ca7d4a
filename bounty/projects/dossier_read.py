"""Reading the acceptance dossier: the indicator-completion table (committed vs achieved),
the financial statement against the budget, the government share that decides whether an
audit report is required, and what is still missing before the team may apply."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext as _

from bounty.challenges.funding import team_funding
from bounty.challenges.models import plain_decimal
from bounty.models import AcceptanceDossier, BudgetLine, IndicatorResult, SpendingLine
from bounty.projects.changes import committed_values
from bounty.projects.dossier import meets_commitment

ZERO = Decimal("0")


def rules():
    return settings.JIEBANG


def apply_opens_on(project):
    """The first day the team may apply whatever the milestones: the planned end
    (extensions included) less ``ACCEPTANCE_APPLY_DAYS_BEFORE_END`` days."""
    if project.ends_on is None:
        return None
    return project.ends_on - timedelta(days=rules()["ACCEPTANCE_APPLY_DAYS_BEFORE_END"])


def dossier_of(project):
    return (
        AcceptanceDossier.objects.filter(project=project)
        .select_related("user_report_by", "updated_by")
        .first()
    )


def committed_indicators(project):
    """(indicator, committed value) of the winning bid, in the challenge's order; the value
    an approved indicator change put in replaces the bid's."""
    values = committed_values(project)
    return [
        (r.indicator, Decimal(values.get(r.indicator_id, r.committed_value)))
        for r in project.bid.responses.select_related("indicator").order_by(
            "indicator__position", "indicator__pk"
        )
    ]


@dataclass
class IndicatorRow:
    indicator: object
    committed: Decimal
    result: IndicatorResult | None

    @property
    def achieved(self):
        return self.result.achieved_value if self.result else None

    @property
    def met(self) -> bool:
        return meets_commitment(self.indicator, self.committed, self.achieved)

    @property
    def file_key(self):
        return f"report-{self.indicator.pk}"

    @property
    def committed_display(self):
        return f"{plain_decimal(self.committed)} {self.indicator.unit}".strip()

    @property
    def achieved_display(self):
        if self.achieved is None:
            return ""
        return f"{plain_decimal(self.achieved)} {self.indicator.unit}".strip()


def indicator_table(project, dossier=None) -> list[IndicatorRow]:
    """One row per committed indicator. Once the dossier is submitted its rows keep the
    committed values as they stood then; before, the bid's current commitments."""
    results = {}
    if dossier is not None:
        results = {
            r.indicator_id: r
            for r in IndicatorResult.objects.filter(dossier=dossier).select_related("indicator")
        }
    rows = []
    for indicator, committed in committed_indicators(project):
        result = results.get(indicator.pk)
        if dossier is not None and dossier.submitted_at and result is not None:
            committed = result.committed_value
        rows.append(IndicatorRow(indicator=indicator, committed=committed, result=result))
    return rows


def budget_by_subject(project) -> dict:
    """subject → (government, self-raised) budgeted in the winning bid (empty for 包干制)."""
    budget = {}
    for line in project.bid.budget_lines.all():
        gov, own = budget.get(line.category, (ZERO, ZERO))
        budget[line.category] = (gov + line.government_amount, own + line.self_raised_amount)
    return budget


def finance_table(project, dossier=None) -> dict:
    """The financial statement: per subject the budget and what was spent, in the 财政 and
    自筹 columns, with totals."""
    budget = budget_by_subject(project)
    spent = {}
    if dossier is not None:
        spent = {s.category: s for s in SpendingLine.objects.filter(dossier=dossier)}
    rows, totals = [], dict.fromkeys(("bg", "bs", "sg", "ss"), ZERO)
    for value, label in BudgetLine.Category.choices:
        bg, bs = budget.get(value, (ZERO, ZERO))
        line = spent.get(value)
        sg = line.government_spent if line else ZERO
        ss = line.self_raised_spent if line else ZERO
        rows.append(
            {
                "category": value,
                "label": label,
                "budget_gov": bg,
                "budget_self": bs,
                "budget_total": bg + bs,
                "spent_gov": sg,
                "spent_self": ss,
                "spent_total": sg + ss,
                "note": line.note if line else "",
                "recorded": line is not None,
            }
        )
        for key, amount in zip(("bg", "bs", "sg", "ss"), (bg, bs, sg, ss), strict=True):
            totals[key] += amount
    return {
        "rows": rows,
        "budget_gov": totals["bg"],
        "budget_self": totals["bs"],
        "budget_total": totals["bg"] + totals["bs"],
        "spent_gov": totals["sg"],
        "spent_self": totals["ss"],
        "spent_total": totals["sg"] + totals["ss"],
        "lump_sum": project.bid.lump_sum,
    }


def government_share(project) -> Decimal:
    """The government (财政) money of the project: its contracted tranches' government
    parts, or — before any tranche exists — the government part of the team's share."""
    total = project.tranches.aggregate(total=Sum("government_part"))["total"]
    if total is None:
        return team_funding(project.challenge)[1]
    return total


def audit_required(project) -> bool:
    return government_share(project) > Decimal(rules()["ACCEPTANCE_AUDIT_THRESHOLD"])


def dossier_missing(project, dossier) -> list[str]:
    """What the team must still add before it may apply (empty: complete)."""
    if dossier is None:
        return [_("the acceptance dossier")]
    missing = []
    if not dossier.work_done.strip():
        missing.append(_("the work completed (application form)"))
    if not dossier.results.strip():
        missing.append(_("the results and benefits (application form)"))
    if not dossier.technical_summary.strip():
        missing.append(_("the technical summary"))
    for row in indicator_table(project, dossier):
        name = row.indicator.name
        if row.achieved is None:
            missing.append(_("the achieved value of “%(name)s”") % {"name": name})
        if row.result is None or not row.result.report_sha256:
            missing.append(_("the test report of “%(name)s”") % {"name": name})
    recorded = set(SpendingLine.objects.filter(dossier=dossier).values_list("category", flat=True))
    if not recorded:
        missing.append(_("the financial statement"))
    if audit_required(project) and not dossier.audit_sha256:
        missing.append(
            _("the audit report (the government share exceeds %(threshold)s × 10k yuan)")
            % {"threshold": rules()["ACCEPTANCE_AUDIT_THRESHOLD"]}
        )
    return missing
