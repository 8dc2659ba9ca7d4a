"""Project execution: milestones, reports, assessments, payments, changes, acceptance,
termination with credit records, reminders."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.exceptions import ActionRefused
from bounty.bids import services as bid_services
from bounty.demo_payments import pay_due_tranches
from bounty.models import (
    ChangeRequest,
    MilestoneStatus,
    ProjectMilestone,
    ProjectStatus,
    ReminderLog,
    TrancheStatus,
)
from bounty.projects import closing as project_closing
from bounty.projects import reminders as project_reminders
from bounty.projects import services as projects
from documents import contracts
from documents.models import Party
from notifications.models import Notification
from tests.bounty.bids.helpers import complete_bid
from tests.bounty.helpers import published
from tests.bounty.projects.acceptance_helpers import close_notice, fill_dossier
from tests.bounty.projects.termination_helpers import misconduct_final
from tests.documents.helpers import awarded_contract
from tests.factories import make_meeting, member_of
from tests.review.draw.helpers import diligence_panel, run_panel

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"
PDF = b"%PDF-1.4 measured results"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def active_project():
    """An awarded project whose contract all three parties signed."""
    contract, officer = awarded_contract()
    team = contract.project.bid.created_by
    issuer = contract.project.challenge.created_by
    for party, user in ((Party.TEAM, team), (Party.ISSUER, issuer), (Party.BUREAU, officer)):
        contracts.contract_sign(
            contract=contract, party=party, by=user, method="online", password=PASSWORD
        )
    project = contract.project
    project.refresh_from_db()
    return project, team, issuer, officer


def open_window(milestone):
    """Move the milestone's date inside the reporting window and run the daily job."""
    ProjectMilestone.objects.filter(pk=milestone.pk).update(
        due_on=timezone.localdate() + timedelta(days=10)
    )
    projects.milestones_open_reporting()
    milestone.refresh_from_db()
    return milestone


def report(milestone, team, text="完成小试，指标达到承诺值。"):
    return projects.report_submit(
        milestone=milestone,
        by=team,
        text=text,
        measurements=[
            {"indicator": "循环寿命容量保持率", "committed": "≥ 91 %", "measured": "92 %"}
        ],
        files=[SimpleUploadedFile("测试报告.pdf", PDF)],
    )


def test_activation_copies_milestones_and_schedule_from_the_contract():
    project, *_ = active_project()
    assert project.status == ProjectStatus.ACTIVE
    assert project.ends_on is not None
    milestones = list(project.milestones.order_by("number"))
    assert [m.title for m in milestones] == ["小试", "中试"]
    assert all(m.status == MilestoneStatus.PLANNED for m in milestones)
    assert milestones[0].due_on < milestones[1].due_on
    assert [t.milestone_no for t in project.tranches.order_by("number")] == [None, 1, 2]


def test_journey_met_not_met_rectified_paid_accepted():
    project, team, issuer, officer = active_project()
    first, second = project.milestones.order_by("number")
    # A report on a milestone that is not due is refused.
    with pytest.raises(ActionRefused):
        report(first, team)
    first = open_window(first)
    assert first.status == MilestoneStatus.DUE
    # A file that is not what it says is refused, and nothing is half-saved.
    with pytest.raises(ActionRefused):
        projects.report_submit(
            milestone=first, by=team, text="x", files=[SimpleUploadedFile("a.pdf", b"MZ exe")]
        )
    first.refresh_from_db()
    assert first.status == MilestoneStatus.DUE
    assert not first.reports.exists()
    report(first, team)
    # The bureau decides only after the issuer's opinion.
    with pytest.raises(ActionRefused):
        projects.milestone_assess(milestone=first, by=officer, met=True, comment="达到")
    projects.milestone_assess(milestone=first, by=issuer, met=True, comment="同意")
    projects.milestone_assess(milestone=first, by=officer, met=True, comment="达到要求")
    first.refresh_from_db()
    assert first.status == MilestoneStatus.MET
    tranche = project.tranches.get(milestone_no=1)
    assert tranche.status == TrancheStatus.ELIGIBLE
    assert Notification.objects.filter(recipient=team, kind="project.milestone_met").exists()

    # Payments (recorded by whoever pays, confirmed by the team: test_payments.py): the
    # enterprise's part of tranche 1 first, then the government's parts.
    pay_due_tranches(project, officer=officer)
    assert project.tranches.get(number=0).status == TrancheStatus.DISBURSED
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.DISBURSED

    # Second milestone: not met, rectified, then met.
    second = open_window(second)
    report(second, team)
    projects.milestone_assess(milestone=second, by=issuer, met=False, comment="指标未达到")
    projects.milestone_assess(milestone=second, by=officer, met=False, comment="未达到")
    second.refresh_from_db()
    assert second.status == MilestoneStatus.NOT_MET
    with pytest.raises(ActionRefused):  # a date in the past
        projects.milestone_rectify(
            milestone=second, by=officer, new_due_on=timezone.localdate(), comment="整改"
        )
    new_date = timezone.localdate() + timedelta(days=60)
    projects.milestone_rectify(milestone=second, by=officer, new_due_on=new_date, comment="整改")
    second.refresh_from_db()
    assert second.status == MilestoneStatus.RECTIFICATION
    assert second.due_on == new_date
    report(second, team, text="整改后复测达标。")
    projects.milestone_assess(milestone=second, by=issuer, met=True, comment="同意")
    projects.milestone_assess(milestone=second, by=officer, met=True, comment="整改后达到")

    # Acceptance: every milestone met, so the team applies early, with its dossier.
    fill_dossier(project, team, issuer)
    project_closing.acceptance_apply(project=project, by=team)
    project_closing.acceptance_start(project=project, by=officer)
    with pytest.raises(ActionRefused):  # the acceptance panel decides: none drawn yet
        project_closing.acceptance_conclude(
            project=project, by=officer, result=ProjectStatus.PASSED, comment="x"
        )
    run_panel(project, officer, ["passed", "passed", "closed_without_pass", "passed", "passed"])
    with pytest.raises(ActionRefused):
        project_closing.acceptance_conclude(
            project=project, by=officer, result="bogus", comment="x"
        )
    with pytest.raises(ActionRefused):  # against the panel's majority
        project_closing.acceptance_conclude(
            project=project, by=officer, result=ProjectStatus.FAILED, comment="x"
        )
    project_closing.acceptance_conclude(
        project=project,
        by=officer,
        result=ProjectStatus.PASSED,
        comment="专家组验收通过",
        meeting=make_meeting(by=officer),
    )
    close_notice(project)  # the public notice closed with no objection
    assert project.status == ProjectStatus.PASSED
    with pytest.raises(ActionRefused):  # an ended project accepts nothing more
        projects.change_request(
            project=project, by=team, kind="extension", months=3, description="x"
        )


def test_acceptance_needs_every_milestone_met():
    project, team, _issuer, _officer = active_project()
    with pytest.raises(ActionRefused):
        project_closing.acceptance_apply(project=project, by=team)


def test_one_extension_of_at_most_a_year():
    project, team, _issuer, officer = active_project()
    ends, first_due = project.ends_on, project.milestones.get(number=1).due_on
    with pytest.raises(ActionRefused):
        projects.change_request(
            project=project, by=team, kind="extension", months=13, description="延期"
        )
    change = projects.change_request(
        project=project, by=team, kind="extension", months=6, description="设备到货延迟"
    )
    with pytest.raises(ActionRefused):  # one pending change (of an approval kind) at a time
        projects.change_request(project=project, by=team, kind="indicators", description="x")
    projects.change_decide(change=change, by=officer, approve=True, comment="同意")
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE
    assert project.extended_months == 6
    assert project.ends_on > ends
    assert project.milestones.get(number=1).due_on > first_due
    with pytest.raises(ActionRefused):  # a second extension
        projects.change_request(
            project=project, by=team, kind="extension", months=3, description="再延期"
        )
    # Issue 17: "other" is no longer a kind; an approval kind that the bureau rejects.
    indicator = project.challenge.indicators.first()
    other = projects.change_request(
        project=project,
        by=team,
        kind="indicators",
        description="调整一项指标",
        data={"indicators": [{"indicator": indicator.pk, "committed": "95"}]},
    )
    with pytest.raises(ActionRefused):  # a rejection needs reasons
        projects.change_decide(change=other, by=officer, approve=False, comment="")
    projects.change_decide(change=other, by=officer, approve=False, comment="理由不充分")
    assert ChangeRequest.objects.filter(project=project).count() == 2  # every version kept


def _new_bid_submittable(project):
    """Can the same lead unit and PI submit a new bid now?"""
    challenge = published()
    try:
        bid = complete_bid(challenge, user=project.bid.created_by, org=project.bid.lead)
        bid_services.bid_submit(bid=bid, by=bid.created_by)
    except ActionRefused:
        return False
    return True


def test_diligent_failure_terminates_without_a_credit_record():
    project, _team, _issuer, officer = active_project()
    meeting = make_meeting(by=officer)
    diligence_panel(project, officer)  # 尽职免责: the expert panel found it diligent
    with pytest.raises(ActionRefused):  # reasons required
        project_closing.project_terminate(
            project=project, by=officer, outcome="diligent_failure", reason="", meeting=meeting
        )
    project_closing.project_terminate(
        project=project,
        by=officer,
        outcome="diligent_failure",
        reason="技术路线经充分验证不可行",
        meeting=meeting,
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.TERMINATED
    assert project.outcome == "diligent_failure"
    from bounty.models import CreditSanction

    assert not CreditSanction.objects.exists()
    assert set(project.tranches.values_list("status", flat=True)) == {TrancheStatus.WITHHELD}
    with pytest.raises(ActionRefused):  # terminated: nothing more
        project_closing.project_terminate(
            project=project, by=officer, outcome="diligent_failure", reason="x", meeting=meeting
        )
    # The ended project no longer counts against the PI's limit: the team can bid again.
    assert _new_bid_submittable(project)


def test_misconduct_creates_a_credit_record_that_blocks_bids_during_its_period():
    project, _team, _issuer, officer = active_project()
    pay_due_tranches(project, officer=officer)  # the first payment (enterprise funds first)
    misconduct_final(project, officer, reasons="数据造假")  # through due process
    from bounty.models import CreditSanction

    sanctions = CreditSanction.objects.all()
    assert {bool(s.credit_code) for s in sanctions} == {True, False}  # the unit and the PI
    assert project.tranches.get(number=0).status == TrancheStatus.RECOVERED
    assert not _new_bid_submittable(project)
    # After the period the record no longer blocks.
    CreditSanction.objects.update(ends_on=timezone.localdate() - timedelta(days=1))
    assert _new_bid_submittable(project)


def test_misconduct_record_can_bar_only_the_pi():
    from bounty.models import CreditSanction

    project, _team, _issuer, officer = active_project()
    with pytest.raises(ActionRefused):
        misconduct_final(project, officer, reasons="x", sanction="everyone")
    misconduct_final(project, officer, reasons="负责人学术不端", sanction="pi")
    sanction = CreditSanction.objects.get()
    assert sanction.user == project.bid.pi
    assert not sanction.credit_code
    assert not _new_bid_submittable(project)  # same PI
    # The unit may bid again with another PI.
    colleague = member_of(project.bid.lead, "bidder")
    bid = complete_bid(published(), user=colleague, org=project.bid.lead)
    bid_services.bid_submit(bid=bid, by=colleague)


def test_termination_notice_is_in_each_readers_language():
    project, team, _issuer, officer = active_project()
    team.language = "en"
    team.save(update_fields=["language"])
    diligence_panel(project, officer)
    project_closing.project_terminate(
        project=project,
        by=officer,
        outcome="diligent_failure",
        reason="路线不可行",
        meeting=make_meeting(by=officer),
    )
    note = Notification.objects.filter(kind="project.terminated", recipient=team).get()
    from django.utils import translation

    from notifications.registry import render

    with translation.override("en"):
        assert "Diligent failure" in render(note.kind, note.params)[1]
    with translation.override("zh-hans"):
        assert "Diligent failure" not in render(note.kind, note.params)[1]


def test_reminders_once_per_milestone_per_day_even_if_run_twice():
    project, team, _issuer, officer = active_project()
    first = project.milestones.get(number=1)
    today = timezone.localdate()
    ProjectMilestone.objects.filter(pk=first.pk).update(due_on=today + timedelta(days=14))
    assert project_reminders.reminders_run(today) == 1
    assert project_reminders.reminders_run(today) == 0  # the schedule ran twice
    assert Notification.objects.filter(recipient=team, kind="project.milestone_before").count() == 1
    assert (
        project_reminders.reminders_run(today + timedelta(days=5)) == 0
    )  # 9 days left: already told
    assert project_reminders.reminders_run(today + timedelta(days=11)) == 1  # 3 days left
    # Overdue: at once, then weekly.
    assert project_reminders.reminders_run(today + timedelta(days=15)) == 1
    assert project_reminders.reminders_run(today + timedelta(days=18)) == 0
    assert project_reminders.reminders_run(today + timedelta(days=22)) == 1
    assert ReminderLog.objects.filter(milestone=first).count() == 4
    for user in (team, officer):
        assert Notification.objects.filter(
            recipient=user, kind="project.milestone_overdue"
        ).exists()


def test_project_pages_are_for_the_parties_and_keep_typed_text(
    client, django_assert_max_num_queries
):
    from django.urls import reverse

    from accounts.models import Role
    from tests.factories import OrganizationFactory, member_of

    project, team, issuer, officer = active_project()
    url = project.get_absolute_url()
    outsider = member_of(OrganizationFactory(verified=True), Role.BIDDER)
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert project.challenge.title not in client.get(reverse("bounty:projects")).content.decode()
    for user in (team, issuer, officer):
        client.force_login(user)
        assert client.get(url).status_code == 200
        assert project.challenge.title in client.get(reverse("bounty:projects")).content.decode()
    client.force_login(team)
    # 19: issue 17's change forms add one query (the lead unit's staff, for a PI change),
    # and the page first puts into effect any due-process decision whose review window
    # closed (the project's decided cases: one query, plus the content type once).
    with django_assert_max_num_queries(19):
        client.get(url)
    first = project.milestones.get(number=1)
    action = reverse("bounty:project_action", args=[project.pk])
    first = open_window(first)
    # A refused file: the page comes back with the long text typed, nothing is saved.
    response = client.post(
        action,
        {
            "action": "report",
            "milestone": first.pk,
            "text": "很长的一份进展报告",
            "files": SimpleUploadedFile("r.pdf", b"not a pdf at all"),
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "很长的一份进展报告" in body
    assert "errorbox" in body
    assert not first.reports.exists()
    page = client.get(url).content.decode()
    assert "提交报告" in page
    response = client.post(
        action,
        {
            "action": "report",
            "milestone": first.pk,
            "text": "按期完成",
            "files": SimpleUploadedFile("r.pdf", PDF),
        },
    )
    assert response.status_code == 302
    attachment = first.reports.get().attachments.get()
    download = reverse("bounty:report_attachment", args=[attachment.pk])
    assert client.get(download).status_code == 200
    client.force_login(outsider)
    assert client.get(download).status_code == 404


def test_midterm_review_at_most_once():
    project, team, _issuer, officer = active_project()
    with pytest.raises(ActionRefused):
        projects.midterm_record(project=project, by=team, passed=True, comment="自评通过")
    projects.midterm_record(project=project, by=officer, passed=False, comment="进度滞后，需整改")
    with pytest.raises(ActionRefused):
        projects.midterm_record(project=project, by=officer, passed=True, comment="再评")
    assert project.midterm.passed is False


def test_only_horse_race_projects_can_be_eliminated():
    from bounty.models import Challenge, CreditSanction

    project, _team, _issuer, officer = active_project()
    meeting = make_meeting(by=officer)
    with pytest.raises(ActionRefused):
        project_closing.project_terminate(
            project=project,
            by=officer,
            outcome="eliminated",
            reason="阶段评估淘汰",
            meeting=meeting,
        )
    Challenge.objects.filter(pk=project.challenge_id).update(winners_allowed=2)
    project.challenge.refresh_from_db()
    project_closing.project_terminate(
        project=project, by=officer, outcome="eliminated", reason="阶段评估淘汰", meeting=meeting
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.TERMINATED
    assert not CreditSanction.objects.exists()


def test_acceptance_result_notice_is_public_once_concluded(
    client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from documents.models import Document
    from tests.documents.helpers import pdf_text

    project, team, _issuer, officer = active_project()
    notice = reverse("documents:of", args=["acceptance", project.pk])
    assert client.get(notice).status_code == 404  # not concluded yet
    for milestone in project.milestones.all():
        milestone = open_window(milestone)
        report(milestone, team)
        projects.milestone_assess(milestone=milestone, by=_issuer, met=True, comment="同意")
        projects.milestone_assess(milestone=milestone, by=officer, met=True, comment="达到")
    fill_dossier(project, team, _issuer)
    project_closing.acceptance_apply(project=project, by=team)
    project_closing.acceptance_start(project=project, by=officer)
    run_panel(project, officer, ["closed_without_pass"] * 3 + ["passed"] * 2)
    project_closing.acceptance_conclude(
        project=project,
        by=officer,
        result=ProjectStatus.CLOSED_WITHOUT_PASS,
        comment="部分指标未达到，予以结题",
        meeting=make_meeting(by=officer),
    )
    assert client.get(notice).status_code == 404  # in public notice: not final yet
    close_notice(project)
    listing = client.get(reverse("bounty:acceptances")).content.decode()
    assert project.challenge.title in listing
    with django_capture_on_commit_callbacks(execute=True):
        client.get(notice)  # anonymous: generated on the first request
    assert client.get(notice)["Content-Type"] == "application/pdf"
    text = pdf_text(Document.objects.get(kind="acceptance").file.path)
    assert "结题" in text
    assert project.bid.lead.name in text
