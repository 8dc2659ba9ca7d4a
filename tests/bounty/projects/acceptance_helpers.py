"""Building an acceptance: the team's complete dossier, the issuer's user report, the
collective decision, and the public notice run to its end (tests/bounty/projects/
test_acceptance_dossier.py and the older acceptance tests use these)."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bounty.models import AcceptanceNotice, BudgetLine
from bounty.projects import acceptance, closing
from bounty.projects.dossier_read import audit_required, committed_indicators

PDF = b"%PDF-1.4 test report"


def pdf(name="检测报告.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def dossier_data(project, *, achieved=None, audit=True):
    """A complete dossier: every indicator reaches its commitment unless ``achieved``
    (indicator id → value) says otherwise."""
    achieved = achieved or {}
    rows = committed_indicators(project)
    return {
        "texts": {
            "work_done": "完成任务书约定的全部研究内容。",
            "results": "形成样机两台，已在发榜企业产线试用。",
            "open_issues": "",
            "technical_summary": "采用梯度掺杂与表面包覆，循环寿命显著提升。",
        },
        "achieved": {i.pk: str(achieved.get(i.pk, committed)) for i, committed in rows},
        "notes": {i.pk: "第三方检测" for i, _c in rows},
        "reports": {i.pk: pdf(f"检测报告-{i.pk}.pdf") for i, _c in rows},
        "spending": {
            BudgetLine.Category.EQUIPMENT: ("40", "30", "设备购置"),
            BudgetLine.Category.OPERATING: ("20", "10", ""),
        },
        "audit": pdf("专项审计报告.pdf") if audit and audit_required(project) else None,
    }


def fill_dossier(project, team, issuer=None, **kwargs):
    acceptance.dossier_save(project=project, by=team, **dossier_data(project, **kwargs))
    if issuer is not None:
        acceptance.user_report_save(
            project=project, by=issuer, text="成果已在我司产线应用，良率提升2个百分点。"
        )


def apply_and_start(project, team, issuer, officer, **kwargs):
    fill_dossier(project, team, issuer, **kwargs)
    closing.acceptance_apply(project=project, by=team)
    closing.acceptance_start(project=project, by=officer)


def close_notice(project):
    """The notice window has passed (the stored deadline moved into the past); reading the
    project makes the result final."""
    AcceptanceNotice.objects.filter(project=project, status="in_notice").update(
        ends_at=timezone.now() - timedelta(seconds=1)
    )
    project.refresh_from_db()
    acceptance.notice_current(project)
    project.refresh_from_db()
    return project
