"""结题 is reachable, and the acceptance dossier (issue 17, item 4): applying at the end of
the period whatever the milestones, the dossier the team must complete (indicator table
with test reports, technical summary, financial statement, audit report above the
threshold), the issuer's user report, the collective decision behind the result, and the
public notice of the result with its objection window."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from accounts.exceptions import ActionRefused
from audit.models import AuditEvent
from bounty.meetings.services import citations_of
from bounty.models import (
    AcceptanceNotice,
    AcceptanceObjection,
    IndicatorResult,
    MilestoneStatus,
    Project,
    ProjectStatus,
)
from bounty.projects import acceptance, closing
from bounty.projects.dossier_read import committed_indicators, indicator_table
from common.dates import window_end
from common.hashing import sha256_hex
from tests.bounty.projects.acceptance_helpers import (
    PDF,
    apply_and_start,
    close_notice,
    dossier_data,
    fill_dossier,
    pdf,
)
from tests.bounty.projects.test_services import active_project
from tests.factories import UserFactory, make_meeting
from tests.review.draw.helpers import run_panel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages():
    """Refusals are asserted in English (the default language is zh-Hans)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def near_the_end(project, days=10):
    """The planned end is ``days`` away: inside the application window (30 days)."""
    Project.objects.filter(pk=project.pk).update(
        ends_on=timezone.localdate() + timedelta(days=days)
    )
    project.refresh_from_db()
    return project


def under_acceptance(verdicts=("closed_without_pass",) * 3 + ("passed",) * 2):
    """A project at the end of its period, milestones still open, dossier complete,
    acceptance started, the panel's opinions in."""
    project, team, issuer, officer = active_project()
    near_the_end(project)
    apply_and_start(project, team, issuer, officer)
    run_panel(project, officer, list(verdicts))
    project.refresh_from_db()
    return project, team, issuer, officer


def record(project, officer, result=ProjectStatus.CLOSED_WITHOUT_PASS, meeting="auto"):
    meeting = make_meeting(by=officer) if meeting == "auto" else meeting
    return closing.acceptance_conclude(
        project=project,
        by=officer,
        result=result,
        comment="部分指标未达到承诺值，予以结题。",
        meeting=meeting,
    )


# --- Applying: 结题 is reachable -------------------------------------------------------------


def test_an_acceptance_applied_before_the_end_date_is_refused():
    project, team, issuer, _officer = active_project()
    fill_dossier(project, team, issuer)
    assert project.milestones.exclude(status=MilestoneStatus.MET).exists()
    opens_on = project.ends_on - timedelta(days=30)
    with pytest.raises(ActionRefused) as refused:
        closing.acceptance_apply(project=project, by=team)
    assert opens_on.isoformat() in str(refused.value.message)
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE


def test_from_the_window_before_the_end_the_team_applies_whatever_the_milestones(settings):
    project, team, issuer, _officer = active_project()
    fill_dossier(project, team, issuer)
    near_the_end(project, days=31)
    with pytest.raises(ActionRefused):  # one day before the window opens
        closing.acceptance_apply(project=project, by=team)
    near_the_end(project, days=30)
    closing.acceptance_apply(project=project, by=team)
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACCEPTANCE_APPLIED
    assert project.milestones.exclude(status=MilestoneStatus.MET).exists()
    event = AuditEvent.objects.filter(action="project.acceptance_apply").get()
    assert event.payload["milestones_met"] is False


def test_the_window_is_a_setting_and_counts_from_the_extended_end(settings):
    settings.JIEBANG = {**settings.JIEBANG, "ACCEPTANCE_APPLY_DAYS_BEFORE_END": 5}
    project, team, issuer, _officer = active_project()
    fill_dossier(project, team, issuer)
    near_the_end(project, days=10)
    with pytest.raises(ActionRefused):
        closing.acceptance_apply(project=project, by=team)
    near_the_end(project, days=5)
    closing.acceptance_apply(project=project, by=team)


def test_only_the_team_applies():
    project, team, issuer, officer = active_project()
    fill_dossier(project, team, issuer)
    near_the_end(project)
    for user in (issuer, officer):
        with pytest.raises(ActionRefused):
            closing.acceptance_apply(project=project, by=user)


# --- The dossier ------------------------------------------------------------------------------


def test_an_incomplete_dossier_is_refused_naming_what_is_missing(settings):
    settings.JIEBANG = {**settings.JIEBANG, "ACCEPTANCE_AUDIT_THRESHOLD": 0}
    project, team, issuer, officer = active_project()
    near_the_end(project)
    with pytest.raises(ActionRefused) as refused:  # nothing written yet
        closing.acceptance_apply(project=project, by=team)
    message = str(refused.value.message)
    for missing in ("technical summary", "test report of", "financial statement", "audit report"):
        assert missing in message
    # Only the team writes its dossier; the issuer and the bureau cannot.
    for user in (issuer, officer):
        with pytest.raises(ActionRefused):
            acceptance.dossier_save(project=project, by=user, texts={"work_done": "x"})
    # A draft may be saved incomplete; the audit report is missing (threshold 0).
    data = dossier_data(project)
    data["audit"] = None
    acceptance.dossier_save(project=project, by=team, **data)
    with pytest.raises(ActionRefused) as refused:
        closing.acceptance_apply(project=project, by=team)
    assert "audit report" in str(refused.value.message)
    assert "technical summary" not in str(refused.value.message)
    # Files are checked by content, whatever their name; the audit report is a PDF.
    with pytest.raises(ActionRefused):
        acceptance.dossier_save(
            project=project, by=team, texts={}, audit=pdf("审计.pdf", b"not a pdf at all")
        )
    acceptance.dossier_save(project=project, by=team, texts={}, audit=pdf("审计.pdf"))
    assert project.dossier.audit_sha256 == sha256_hex(PDF)
    closing.acceptance_apply(project=project, by=team)
    # Once applied, the dossier is frozen.
    with pytest.raises(ActionRefused):
        acceptance.dossier_save(project=project, by=team, texts={"work_done": "改"})


def test_no_audit_report_needed_below_the_threshold(settings):
    settings.JIEBANG = {**settings.JIEBANG, "ACCEPTANCE_AUDIT_THRESHOLD": 10**6}
    project, team, issuer, _officer = active_project()
    near_the_end(project)
    fill_dossier(project, team, issuer)
    assert not project.dossier.audit_sha256
    closing.acceptance_apply(project=project, by=team)


def test_indicator_table_committed_vs_achieved_with_reports_and_spending():
    project, team, _issuer, _officer = active_project()
    (first, committed), *_rest = committed_indicators(project)
    below = committed - 1 if first.comparator == "gte" else committed + 1
    fill_dossier(project, team, achieved={first.pk: below})
    row = IndicatorResult.objects.get(dossier=project.dossier, indicator=first)
    assert row.committed_value == committed
    assert row.report_sha256 == sha256_hex(PDF)
    assert not row.met
    table = {r.indicator.pk: r for r in indicator_table(project, project.dossier)}
    assert not table[first.pk].met
    assert all(r.met for pk, r in table.items() if pk != first.pk)
    # Amounts are numbers, never negative.
    with pytest.raises(ActionRefused):
        acceptance.dossier_save(
            project=project, by=team, texts={}, spending={"equipment": ("-1", "0", "")}
        )
    with pytest.raises(ActionRefused):
        acceptance.dossier_save(project=project, by=team, texts={}, achieved={first.pk: "九十"})


def test_the_bureau_cannot_start_before_the_issuers_user_report():
    project, team, issuer, officer = active_project()
    near_the_end(project)
    fill_dossier(project, team)
    closing.acceptance_apply(project=project, by=team)
    with pytest.raises(ActionRefused) as refused:
        closing.acceptance_start(project=project, by=officer)
    assert "user report" in str(refused.value.message)
    with pytest.raises(ActionRefused):  # the issuer writes it, not the team
        acceptance.user_report_save(project=project, by=team, text="我们很满意")
    with pytest.raises(ActionRefused):
        acceptance.user_report_save(project=project, by=issuer, text="  ")
    acceptance.user_report_save(
        project=project, by=issuer, text="已在产线试用三个月。", upload=pdf("使用报告.pdf")
    )
    assert project.dossier.user_report_sha256 == sha256_hex(PDF)
    closing.acceptance_start(project=project, by=officer)
    project.refresh_from_db()
    assert project.status == ProjectStatus.UNDER_ACCEPTANCE
    with pytest.raises(ActionRefused):  # frozen once the acceptance has started
        acceptance.user_report_save(project=project, by=issuer, text="改")


# --- The result: collective decision, public notice, objections ------------------------------


def test_result_needs_the_collective_decision_then_goes_to_a_notice_and_becomes_final():
    project, _team, _issuer, officer = under_acceptance()
    with pytest.raises(ActionRefused) as refused:
        record(project, officer, meeting=None)
    assert "collective decision" in str(refused.value.message)
    with pytest.raises(ActionRefused):  # the panel's verdict rule holds
        record(project, officer, result=ProjectStatus.PASSED)
    project.refresh_from_db()
    assert project.status == ProjectStatus.UNDER_ACCEPTANCE
    assert not AcceptanceNotice.objects.exists()

    record(project, officer)
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACCEPTANCE_NOTICE
    notice = AcceptanceNotice.objects.get(project=project)
    assert notice.result == ProjectStatus.CLOSED_WITHOUT_PASS
    assert notice.ends_at == window_end(notice.opened_at, 5, working=True)
    assert citations_of(notice, purpose="acceptance").count() == 1
    # Not final while the notice runs, even for the daily job.
    assert acceptance.notices_finalize_due() == 0
    acceptance.notice_current(project)
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACCEPTANCE_NOTICE
    # The window closed with no objection: final on the next read, without the worker.
    close_notice(project)
    assert project.status == ProjectStatus.CLOSED_WITHOUT_PASS
    assert project.outcome_reason.startswith("部分指标")
    notice.refresh_from_db()
    assert notice.status == "final"
    final = AuditEvent.objects.get(action="project.acceptance")
    assert final.to_state == ProjectStatus.CLOSED_WITHOUT_PASS


def test_objections_real_name_with_evidence_during_the_notice_and_the_bureaus_decision():
    project, team, _issuer, officer = under_acceptance()
    record(project, officer)
    notice = AcceptanceNotice.objects.get(project=project)
    objector = UserFactory(full_name="王异议")
    nameless = UserFactory(full_name="")
    with pytest.raises(ActionRefused):  # real-name
        acceptance.objection_file(notice=notice, by=nameless, text="x", evidence=pdf())
    with pytest.raises(ActionRefused):  # written
        acceptance.objection_file(notice=notice, by=objector, text=" ", evidence=pdf())
    with pytest.raises(ActionRefused):  # with evidence
        acceptance.objection_file(notice=notice, by=objector, text="数据不实", evidence=None)
    first = acceptance.objection_file(
        notice=notice, by=objector, text="检测报告与样机不符", evidence=pdf("证据.pdf")
    )
    assert first.evidence_sha256 == sha256_hex(PDF)
    # An open objection holds the result even after the window closed.
    close_notice(project)
    assert project.status == ProjectStatus.ACCEPTANCE_NOTICE
    with pytest.raises(ActionRefused):  # the window has closed
        acceptance.objection_file(notice=notice, by=objector, text="再议", evidence=pdf())
    with pytest.raises(ActionRefused):  # the bureau decides, with reasons
        acceptance.objection_decide(objection=first, by=team, upheld=True, reason="x")
    with pytest.raises(ActionRefused):
        acceptance.objection_decide(objection=first, by=officer, upheld=False, reason="")
    acceptance.objection_decide(objection=first, by=officer, upheld=False, reason="经核查不成立")
    # Dismissed and the window closed: the result is final.
    acceptance.notice_current(project)
    project.refresh_from_db()
    assert project.status == ProjectStatus.CLOSED_WITHOUT_PASS
    first.refresh_from_db()
    assert first.status == AcceptanceObjection.Status.DISMISSED


def test_an_upheld_objection_sets_the_result_aside():
    project, _team, _issuer, officer = under_acceptance()
    record(project, officer)
    notice = AcceptanceNotice.objects.get(project=project)
    objection = acceptance.objection_file(
        notice=notice, by=UserFactory(full_name="李异议"), text="指标造假", evidence=pdf()
    )
    acceptance.objection_decide(objection=objection, by=officer, upheld=True, reason="属实")
    project.refresh_from_db()
    notice.refresh_from_db()
    assert project.status == ProjectStatus.UNDER_ACCEPTANCE
    assert notice.status == "set_aside"
    # Taken up again: a new result needs a collective decision again, and a new notice.
    with pytest.raises(ActionRefused):
        record(project, officer, meeting=None)
    record(project, officer)
    assert AcceptanceNotice.objects.filter(project=project, status="in_notice").count() == 1


# --- Pages ------------------------------------------------------------------------------------


def test_dossier_pages_team_form_issuer_report_and_the_public_notice(client, settings):
    settings.JIEBANG = {**settings.JIEBANG, "ACCEPTANCE_AUDIT_THRESHOLD": 10**6}
    project, team, issuer, officer = active_project()
    near_the_end(project)
    rows = committed_indicators(project)
    edit = reverse("bounty:project_dossier_edit", args=[project.pk])
    client.force_login(issuer)
    assert client.get(edit).status_code == 403  # the team's form
    client.force_login(team)
    assert client.get(edit).status_code == 200
    post = {
        "work_done": "全部完成",
        "results": "样机两台",
        "technical_summary": "梯度掺杂",
        "gov_equipment": "12.5",
        "self_equipment": "3",
        "fnote_equipment": "",
    }
    for indicator, committed in rows:
        post[f"achieved_{indicator.pk}"] = str(committed)
        post[f"report_{indicator.pk}"] = SimpleUploadedFile("r.pdf", PDF)
    bad = {**post, "gov_operating": "abc"}
    for indicator, _c in rows:
        bad[f"report_{indicator.pk}"] = SimpleUploadedFile("r.pdf", PDF)
    response = client.post(edit, bad)
    assert response.status_code == 400  # the form again, with what was typed
    assert "梯度掺杂" in response.content.decode()
    assert client.post(edit, post).status_code == 302
    page = client.get(reverse("bounty:project_dossier", args=[project.pk])).content.decode()
    assert "12.5" in page
    assert "15.5" in page  # the subject's government + self-raised total
    report_file = reverse(
        "bounty:project_dossier_file", args=[project.pk, f"report-{rows[0][0].pk}"]
    )
    assert client.get(report_file).status_code == 200

    client.force_login(issuer)
    report = reverse("bounty:project_user_report", args=[project.pk])
    assert client.post(report, {"user_report": "产线试用良好"}).status_code == 302
    client.force_login(team)
    client.post(reverse("bounty:project_action", args=[project.pk]), {"action": "acceptance_apply"})
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACCEPTANCE_APPLIED
    closing.acceptance_start(project=project, by=officer)
    run_panel(project, officer, ["failed"] * 3 + ["passed"] * 2)
    project_page = reverse("bounty:project", args=[project.pk])
    client.force_login(officer)
    page = client.get(project_page).content.decode()
    assert 'name="meeting"' in page  # the result is recorded on a collective decision
    record(project, officer, result=ProjectStatus.FAILED)
    notice = AcceptanceNotice.objects.get(project=project)
    for user in (officer, team):
        client.force_login(user)
        page = client.get(project_page).content.decode()
        assert reverse("bounty:acceptance_notice", args=[notice.pk]) in page

    # Public list: in notice, objections open until the last day.
    client.logout()
    listing = client.get(reverse("bounty:acceptances")).content.decode()
    assert project.challenge.title in listing
    assert "status-in_notice" in listing
    notice_url = reverse("bounty:acceptance_notice", args=[notice.pk])
    assert client.post(notice_url, {"text": "x"}).status_code == 302  # log in first
    objector = UserFactory(full_name="赵公示")
    client.force_login(objector)
    assert client.post(notice_url, {"text": "证据在附件"}).status_code == 400  # no evidence
    response = client.post(
        notice_url, {"text": "证据在附件", "evidence": SimpleUploadedFile("e.pdf", PDF)}
    )
    assert response.status_code == 302
    # The objector's identity is kept from the project's parties, shown to the bureau.
    client.force_login(team)
    assert "赵公示" not in client.get(notice_url).content.decode()
    client.force_login(officer)
    assert "赵公示" in client.get(notice_url).content.decode()
    objection = AcceptanceObjection.objects.get()
    decide = reverse("bounty:acceptance_objection_decide", args=[objection.pk])
    assert client.post(decide, {"upheld": "0", "reason": "不成立"}).status_code == 302
    close_notice(project)
    assert project.status == ProjectStatus.FAILED
    listing = client.get(reverse("bounty:acceptances")).content.decode()
    assert "status-in_notice" not in listing
    assert reverse("documents:of", args=["acceptance", project.pk]) in listing
