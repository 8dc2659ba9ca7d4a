"""Termination as the law requires (issue 17): misconduct only through due process, with
effects only once the decision is final; every termination cites a collective decision
(集体决策); a diligent-failure ruling (尽职免责) follows a complete expert panel."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from accounts.exceptions import ActionRefused
from bounty.dueprocess import services as dueprocess
from bounty.dueprocess.models import CaseKind, CaseStatus, DueProcessCase
from bounty.meetings.models import MeetingPurpose
from bounty.meetings.services import citations_of
from bounty.models import Challenge, CreditSanction, ProjectStatus, Tranche, TrancheStatus
from bounty.projects import closing
from bounty.projects.termination import misconduct_notify
from review.panels import services as panels
from tests.bounty.projects.test_services import active_project
from tests.factories import bureau_officer, make_meeting
from tests.review.draw.helpers import diligence_panel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages():
    """Refusals are asserted in English (the default language is zh-Hans)."""
    with translation.override("en"):
        yield


EVIDENCE = b"%PDF-1.4 audit findings"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _pay_first(project):
    """Test shaping: the first tranche counts as paid (payments are tested elsewhere)."""
    Tranche.objects.filter(project=project, number=0).update(status=TrancheStatus.DISBURSED)


def _notify(project, officer, sanction="both"):
    return misconduct_notify(
        project=project,
        by=officer,
        reasons="审计发现项目负责人伪造第三方测试报告。",
        sanction=sanction,
        files=[SimpleUploadedFile("审计报告.pdf", EVIDENCE, content_type="application/pdf")],
    )


def _decided(project, team, officer):
    """An intended misconduct decision, answered by the team, upheld by the bureau."""
    case = _notify(project, officer)
    dueprocess.case_respond(case=case, by=team, text="测试报告系第三方出具，我方不知情。")
    return dueprocess.case_decide(
        case=case,
        by=officer,
        upheld=True,
        decision="经核查，伪造情况属实，终止项目并记入信用记录。",
        answer="第三方机构已书面确认未出具该报告。",
        meeting=make_meeting(by=officer),
    )


def _close_review_window(case):
    DueProcessCase.objects.filter(pk=case.pk).update(
        review_due_at=timezone.now() - timedelta(seconds=1)
    )
    case.refresh_from_db()


def test_misconduct_is_not_terminated_directly():
    project, _team, _issuer, officer = active_project()
    with pytest.raises(ActionRefused, match="due process"):
        closing.project_terminate(
            project=project,
            by=officer,
            outcome="misconduct",
            reason="数据造假",
            meeting=make_meeting(by=officer),
        )
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE
    assert not CreditSanction.objects.exists()


def test_only_the_final_misconduct_decision_terminates_and_writes_the_credit_record():
    project, team, _issuer, officer = active_project()
    _pay_first(project)
    case = _notify(project, officer)
    assert case.status == CaseStatus.INTENDED
    assert case.payload == {"sanction": "both"}
    assert case.files.get().sha256
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE  # intended: nothing happens yet
    assert not CreditSanction.objects.exists()

    dueprocess.case_respond(case=case, by=team, text="测试报告系第三方出具。")
    with pytest.raises(ActionRefused, match="collective decision"):  # 集体决策 required
        dueprocess.case_decide(
            case=case, by=officer, upheld=True, decision="属实", answer="第三方已否认。"
        )
    case = dueprocess.case_decide(
        case=case,
        by=officer,
        upheld=True,
        decision="经核查，伪造属实。",
        answer="第三方已否认。",
        meeting=make_meeting(by=officer),
    )
    assert case.status == CaseStatus.DECIDED
    assert citations_of(project, MeetingPurpose.TERMINATION).count() == 1
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE  # decided, review still possible
    assert not CreditSanction.objects.exists()
    assert dueprocess.cases_finalize_due() == 0

    _close_review_window(case)
    case = dueprocess.case_current(case)
    assert case.status == CaseStatus.FINAL
    project.refresh_from_db()
    assert project.status == ProjectStatus.TERMINATED
    assert project.outcome == "misconduct"
    assert {bool(s.credit_code) for s in CreditSanction.objects.all()} == {True, False}
    assert project.tranches.get(number=0).status == TrancheStatus.RECOVERED
    assert set(project.tranches.exclude(number=0).values_list("status", flat=True)) == {
        TrancheStatus.WITHHELD
    }


def test_the_daily_job_finalises_a_decision_whose_review_window_closed():
    project, team, _issuer, officer = active_project()
    case = _decided(project, team, officer)
    _close_review_window(case)
    assert dueprocess.cases_finalize_due() == 1
    project.refresh_from_db()
    assert project.status == ProjectStatus.TERMINATED
    assert CreditSanction.objects.count() == 2


def test_a_review_confirmed_by_another_officer_takes_effect_and_bars_whom_it_names():
    project, team, _issuer, officer = active_project()
    case = _notify(project, officer, sanction="pi")
    dueprocess.case_respond(case=case, by=team, text="负责人已离职。")
    dueprocess.case_decide(
        case=case,
        by=officer,
        upheld=True,
        decision="属实。",
        answer="离职不免除责任。",
        meeting=make_meeting(by=officer),
    )
    dueprocess.case_request_review(case=case, by=team, text="请求复核。")
    with pytest.raises(ActionRefused):  # not the officer who decided
        dueprocess.case_review(case=case, by=officer, confirmed=True, text="维持")
    assert not CreditSanction.objects.exists()
    dueprocess.case_review(case=case, by=bureau_officer(), confirmed=True, text="维持原决定。")
    project.refresh_from_db()
    assert project.status == ProjectStatus.TERMINATED
    sanction = CreditSanction.objects.get()
    assert sanction.user == project.bid.pi
    assert not sanction.credit_code


def test_an_overturned_decision_has_no_effect():
    project, team, _issuer, officer = active_project()
    case = _decided(project, team, officer)
    dueprocess.case_request_review(case=case, by=team, text="请求复核。")
    case = dueprocess.case_review(case=case, by=bureau_officer(), confirmed=False, text="撤销。")
    assert case.status == CaseStatus.DROPPED
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE
    assert not CreditSanction.objects.exists()


def test_a_misconduct_notice_needs_a_running_project_the_bureau_and_a_scope():
    project, team, _issuer, officer = active_project()
    with pytest.raises(ActionRefused):
        _notify(project, team)
    with pytest.raises(ActionRefused):
        _notify(project, officer, sanction="everyone")
    with pytest.raises(ActionRefused):  # reasons required
        misconduct_notify(project=project, by=officer, reasons=" ", sanction="both")
    _notify(project, officer)
    with pytest.raises(ActionRefused):  # one open case per project
        _notify(project, officer)
    assert DueProcessCase.objects.filter(kind=CaseKind.MISCONDUCT).count() == 1


def test_no_misconduct_notice_on_an_ended_project():
    project, _team, _issuer, officer = active_project()
    diligence_panel(project, officer)
    closing.project_terminate(
        project=project,
        by=officer,
        outcome="diligent_failure",
        reason="路线不可行",
        meeting=make_meeting(by=officer),
    )
    with pytest.raises(ActionRefused, match="ended"):
        _notify(project, officer)


def test_an_elimination_without_a_meeting_record_is_refused():
    project, _team, _issuer, officer = active_project()
    Challenge.objects.filter(pk=project.challenge_id).update(winners_allowed=2)
    project.challenge.refresh_from_db()
    with pytest.raises(ActionRefused, match="collective decision"):
        closing.project_terminate(
            project=project, by=officer, outcome="eliminated", reason="阶段评估淘汰"
        )
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE
    meeting = make_meeting(by=officer)
    closing.project_terminate(
        project=project, by=officer, outcome="eliminated", reason="阶段评估淘汰", meeting=meeting
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.TERMINATED
    assert citations_of(project, MeetingPurpose.TERMINATION).get().meeting == meeting


def test_a_diligent_failure_ruling_needs_a_complete_panel_and_a_meeting():
    project, _team, _issuer, officer = active_project()
    meeting = make_meeting(by=officer)

    def terminate(meeting=meeting):
        return closing.project_terminate(
            project=project,
            by=officer,
            outcome="diligent_failure",
            reason="技术路线经充分验证不可行",
            meeting=meeting,
        )

    with pytest.raises(ActionRefused, match="expert panel"):  # no panel yet
        terminate()
    draw = diligence_panel(project, officer, ["diligent_failure"] * 4 + [None])
    with pytest.raises(ActionRefused):  # one opinion outstanding
        terminate()
    last = draw.seats.get(on_panel=True, opinion__isnull=True)
    panels.panel_opinion_submit(
        seat=last, by=last.expert.user, verdict="diligent_failure", comment="团队已勤勉尽责"
    )
    with pytest.raises(ActionRefused, match="collective decision"):
        terminate(meeting="")
    assert not citations_of(project).exists()
    terminate()
    project.refresh_from_db()
    assert project.status == ProjectStatus.TERMINATED
    assert project.outcome == "diligent_failure"
    assert not CreditSanction.objects.exists()
    assert set(project.tranches.values_list("status", flat=True)) == {TrancheStatus.WITHHELD}
    assert {c.purpose for c in citations_of(project)} == {
        MeetingPurpose.DILIGENT_FAILURE,
        MeetingPurpose.TERMINATION,
    }


def test_a_panel_that_found_no_diligence_blocks_the_ruling():
    project, _team, _issuer, officer = active_project()
    diligence_panel(project, officer, ["not_diligent"] * 3 + ["diligent_failure"] * 2)
    with pytest.raises(ActionRefused):  # the majority found no diligence
        closing.project_terminate(
            project=project,
            by=officer,
            outcome="diligent_failure",
            reason="路线不可行",
            meeting=make_meeting(by=officer),
        )


def test_no_diligent_failure_while_a_misconduct_case_is_open():
    project, _team, _issuer, officer = active_project()
    diligence_panel(project, officer)
    _notify(project, officer)
    with pytest.raises(ActionRefused, match="misconduct case"):
        closing.project_terminate(
            project=project,
            by=officer,
            outcome="diligent_failure",
            reason="路线不可行",
            meeting=make_meeting(by=officer),
        )


# --- The project page -------------------------------------------------------------------


def _action(project):
    return reverse("bounty:project_action", args=[project.pk])


def test_the_bureau_notifies_misconduct_from_the_project_page(client):
    project, team, _issuer, officer = active_project()
    client.force_login(officer)
    page = client.get(project.get_absolute_url())
    assert b'value="misconduct_notify"' in page.content
    refused = client.post(
        _action(project), {"action": "misconduct_notify", "reasons": "伪造数据", "sanction": "x"}
    )
    assert refused.status_code == 400
    assert "伪造数据" in refused.content.decode()  # what was typed is kept
    done = client.post(
        _action(project),
        {
            "action": "misconduct_notify",
            "reasons": "伪造数据",
            "sanction": "organisation",
            "evidence": SimpleUploadedFile("证据.pdf", EVIDENCE, content_type="application/pdf"),
        },
    )
    assert done.status_code == 302
    case = DueProcessCase.objects.get()
    assert case.payload == {"sanction": "organisation"}
    assert case.files.count() == 1
    page = client.get(project.get_absolute_url())
    assert case.get_absolute_url().encode() in page.content
    # The team (the party) sees its case on the project page.
    client.force_login(team)
    assert case.get_absolute_url().encode() in client.get(project.get_absolute_url()).content


def test_terminating_from_the_page_cites_the_chosen_meeting(client):
    project, _team, _issuer, officer = active_project()
    diligence_panel(project, officer)
    meeting = make_meeting(by=officer)
    client.force_login(officer)
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'value="diligent_failure"' in page
    assert 'name="meeting"' in page
    data = {"action": "terminate", "outcome": "diligent_failure", "reason": "路线不可行"}
    refused = client.post(_action(project), data)
    assert refused.status_code == 400
    assert "路线不可行" in refused.content.decode()
    assert client.post(_action(project), {**data, "meeting": meeting.pk}).status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.TERMINATED
