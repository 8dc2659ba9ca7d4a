"""The demo's 结题 acceptance (seed_demo, issue 17): a full dossier in which one committed
indicator falls short, the issuer's user report, and — after the panel (review's
``seed_after``) — a 结题 result recorded on the demo meeting, in public notice."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from bounty.demo import PLAN_PDF
from bounty.models import BudgetLine
from bounty.projects import acceptance
from bounty.projects.dossier_read import audit_required, budget_by_subject, committed_indicators


def _pdf(name):
    return SimpleUploadedFile(name, PLAN_PDF, content_type="application/pdf")


def demo_dossier(project, *, team, issuer):
    """The team's full dossier (the first indicator below its commitment) and the issuer's
    user report."""
    rows = committed_indicators(project)
    achieved = {}
    for number, (indicator, committed) in enumerate(rows):
        if number == 0:  # falls short: 结题 rather than 通过
            step = Decimal("1") if indicator.comparator == "lte" else Decimal("-1")
            achieved[indicator.pk] = str(committed + step)
        else:
            achieved[indicator.pk] = str(committed)
    budget = budget_by_subject(project)
    spending = {}
    for category in BudgetLine.Category.values:
        gov, own = budget.get(category, (Decimal("0"), Decimal("0")))
        # About 95% of each budgeted column spent.
        spending[category] = (
            str((gov * Decimal("0.95")).quantize(Decimal("0.01"))),
            str((own * Decimal("0.95")).quantize(Decimal("0.01"))),
            "",
        )
    acceptance.dossier_save(
        project=project,
        by=team,
        texts={
            "work_done": "按任务书完成材料体系设计、中试工艺开发和样品验证三项研究内容。",
            "results": "形成中试样品一批，申请发明专利3项，已在发榜企业产线开展小批量试用。",
            "open_issues": "首项指标距承诺值仍有差距，拟在后续工艺优化中继续攻关。",
            "technical_summary": (
                "采用梯度掺杂与表面包覆相结合的技术路线，解决了高温循环衰减问题；"
                "首项指标实测值略低于承诺值，其余指标均达到或优于承诺值。"
            ),
        },
        achieved=achieved,
        notes={i.pk: "第三方检测机构按任务书约定方法检测" for i, _c in rows},
        reports={i.pk: _pdf(f"检测报告-{n + 1}.pdf") for n, (i, _c) in enumerate(rows)},
        spending=spending,
        audit=_pdf("专项审计报告.pdf") if audit_required(project) else None,
    )
    acceptance.user_report_save(
        project=project,
        by=issuer,
        text=(
            "项目成果已在我司中试线试用三个月，良率提升约2个百分点；首项指标尚未完全达到"
            "承诺值，但不影响产品导入。"
        ),
        upload=_pdf("用户使用报告.pdf"),
    )
