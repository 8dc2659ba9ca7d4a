"""Demo of misconduct decided through due process (issue 17), used by ``documents.demo``:
one project terminated for misconduct by a final decision (intended decision with evidence,
the team's written response, the decision answering it and citing the collective decision,
the review window passed), and one running project with an intended decision awaiting the
team's response."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bounty.demo import PLAN_PDF
from bounty.dueprocess import services as dueprocess
from bounty.dueprocess.models import DueProcessCase
from bounty.meetings.demo import demo_meeting
from bounty.projects.termination import misconduct_notify


def _evidence(name):
    return SimpleUploadedFile(name, PLAN_PDF, content_type="application/pdf")


def misconduct_final(project, *, officer, team):
    """The PI forged test data: notified, answered, upheld, final once the review window
    closed (demo shaping: the window is moved into the past). The first payment is to be
    recovered and the PI only is barred (the demo team's unit can still try bidding)."""
    case = misconduct_notify(
        project=project,
        by=officer,
        reasons=(
            "经核查，项目第一阶段提交的第三方检测报告（编号 JC-2026-0417）与检测机构存档"
            "不一致，检测机构书面确认未出具该报告，涉嫌伪造测试数据。拟终止项目、追回已拨"
            "资金，并将项目负责人记入科研诚信记录。"
        ),
        sanction="pi",
        files=[_evidence("检测机构核查函.pdf")],
    )
    dueprocess.case_respond(
        case=case,
        by=team,
        text="报告由项目负责人个人委托取得，单位事先不知情；单位已对负责人停职调查。",
        files=[_evidence("单位情况说明.pdf")],
    )
    case = dueprocess.case_decide(
        case=case,
        by=officer,
        upheld=True,
        decision="核查发现项目负责人伪造测试数据，依约终止项目并追回已拨资金，对项目负责人记入信用记录。",
        answer="单位的说明已予考虑：信用记录仅针对项目负责人本人，不及于牵头单位。",
        meeting=demo_meeting(officer),
    )
    # Demo shaping: the 15 working days for a review request have passed without one.
    DueProcessCase.objects.filter(pk=case.pk).update(
        review_due_at=timezone.now() - timedelta(minutes=1)
    )
    case.refresh_from_db()
    return dueprocess.case_current(case)


def misconduct_intended(project, *, officer):
    """An intended misconduct decision on a running project, awaiting the team's
    statement and defence (陈述申辩)."""
    return misconduct_notify(
        project=project,
        by=officer,
        reasons=(
            "整改期间收到实名举报：第一阶段报告中的膜电极耐久性曲线与另一项目验收材料中的"
            "曲线完全一致，涉嫌重复使用他人测试数据。经初步比对，两份曲线的采样点逐点相同。"
            "拟认定为科研失信行为，终止项目并对牵头单位和项目负责人记入信用记录。"
        ),
        sanction="both",
        files=[_evidence("曲线比对说明.pdf")],
    )
