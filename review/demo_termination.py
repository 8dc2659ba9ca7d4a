"""Demo of a diligent-failure ruling (尽职免责, issue 17), called by ``review.demo``'s
``seed_after`` once documents' seed has signed the demo contracts: the demo project that
documents left running with no report (``documents.demo._diligent_failure``) gets its
expert assessment panel, which finds the failure diligent, and the bureau terminates it
citing the demo's collective decision. Idempotent: a project that has a termination panel
already is left alone."""

from bounty.meetings.demo import demo_meeting
from bounty.models import MilestoneReport, Project, ProjectStatus
from bounty.projects import closing
from review.demo_draw import demo_draw_complete
from review.draw.seats import declaration_record, seat_accept
from review.models import Draw, DrawPurpose
from review.panels import services as panels

OPINION = "团队按任务书开展了充分的技术验证，经费使用合规；失败源于技术路线本身的不确定性，属尽职免责情形。"
REASON = "经专家组评估认定，现有技术路线在工程上不可行，团队已勤勉尽责；经局长办公会研究，按尽职免责终止。"


def seed_diligent_failure(context, *, titles, account):
    """``titles``: the review demos' challenge titles; ``account(expert)``: the expert's
    user (created if needed). Returns a summary ("" when nothing was done)."""
    officer, supervisor = context["officer"], context["supervisor"]
    failing = (
        Project.objects.filter(status=ProjectStatus.ACTIVE, challenge__title__in=titles)
        .exclude(
            pk__in=MilestoneReport.objects.values("milestone__project_id"),
        )
        .exclude(pk__in=Draw.objects.filter(purpose=DrawPurpose.TERMINATION).values("project_id"))
        .order_by("pk")
        .first()
    )
    if failing is None:
        return ""
    draw = panels.panel_draw_create(
        subject=failing,
        by=officer,
        params={"size": 5, "alternates": 3},
        purpose=DrawPurpose.TERMINATION,
    )
    demo_draw_complete(draw, officer, supervisor)
    seats = Draw.objects.get(pk=draw.pk).seats.filter(on_panel=True).select_related("expert")
    for seat in seats:
        user = account(seat.expert)
        seat_accept(seat=seat, by=user, undertaking=True)
        declaration_record(seat=seat, by=user, bid=failing.bid, outcome="none")
        panels.panel_opinion_submit(seat=seat, by=user, verdict="diligent_failure", comment=OPINION)
    closing.project_terminate(
        project=failing,
        by=officer,
        outcome="diligent_failure",
        reason=REASON,
        meeting=demo_meeting(officer),
    )
    return "one project terminated as diligent failure after its expert panel"
