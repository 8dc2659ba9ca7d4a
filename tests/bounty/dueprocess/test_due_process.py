"""Due process for adverse decisions (issue 17 §1) and collective-decision records (§2): the
steps, their windows in working days, who may act, and that only a final decision has
effects. The engine is tested with a recording effect; each real effect (misconduct,
ineligibility, expert removal) is tested with its owner."""

from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from accounts.exceptions import ActionRefused, StaleState
from accounts.models import Role
from audit.models import AuditEvent
from bounty.dueprocess import services as cases
from bounty.dueprocess.effects import EFFECTS, Effect
from bounty.dueprocess.models import CaseKind, CaseStatus, DueProcessCase
from bounty.meetings.models import MeetingCitation, MeetingPurpose
from bounty.meetings.services import meeting_cite, meeting_record
from common.dates import days_after, window_end
from notifications.models import Notification
from tests.factories import (
    OrganizationFactory,
    UserFactory,
    bureau_officer,
    make_meeting,
    member_of,
)

pytestmark = pytest.mark.django_db
KIND = CaseKind.EXPERT_REMOVAL  # any kind: the effect is replaced by a recording one


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def applied(monkeypatch):
    calls = []
    monkeypatch.setitem(
        EFFECTS, KIND, Effect(apply=lambda case, by: calls.append((case.pk, case.status)))
    )
    return calls


@pytest.fixture
def world(applied):
    officer, other_officer = bureau_officer(), None
    other_officer = bureau_officer()
    org = OrganizationFactory(verified=True)
    member = member_of(org, Role.BIDDER)
    return officer, other_officer, org, member


def _open(officer, org, **extra):
    return cases.case_open(
        kind=KIND,
        subject=org,
        by=officer,
        reasons="拟认定：提交的检测报告系伪造。",
        label=org.name,
        party_org=org,
        files=[SimpleUploadedFile("证据.pdf", b"%PDF-1.4 evidence")],
        **extra,
    )


def _age(case, **fields):
    """Move the case's windows into the past (as time passing would)."""
    DueProcessCase.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


def _past():
    return timezone.now() - timedelta(seconds=1)


def test_working_day_windows_skip_holidays_and_count_make_up_days():
    # National Day 2025: 1–8 October off; Saturday 11 October is a make-up working day.
    assert days_after(date(2025, 9, 30), 1, working=True) == date(2025, 10, 9)
    assert days_after(date(2025, 9, 30), 3, working=True) == date(2025, 10, 11)
    assert days_after(date(2025, 9, 30), 3, working=False) == date(2025, 10, 3)
    tz = timezone.get_current_timezone()
    # 10 working days after 30 September: 9, 10, 11 (make-up), 13–17, 20, 21 October; the
    # window closes at midnight after the 21st.
    end = window_end(datetime(2025, 9, 30, 15, 0, tzinfo=tz), 10)
    assert timezone.localtime(end) == datetime(2025, 10, 22, 0, 0, tzinfo=tz)


def test_opening_notifies_the_party_with_the_response_window(world, settings):
    officer, _, org, member = world
    case = _open(officer, org)
    assert case.status == CaseStatus.INTENDED
    assert case.response_due_at == window_end(case.opened_at, 10)
    assert case.files.get().stage == "evidence"
    assert Notification.objects.filter(recipient=member, kind="case.intended").exists()
    assert AuditEvent.objects.filter(action="case.open", object_id=str(case.pk)).exists()


def test_only_the_bureau_opens_and_one_open_case_per_subject(world):
    officer, _, org, member = world
    with pytest.raises(ActionRefused):
        _open(member, org)
    with pytest.raises(ActionRefused, match="reasons"):
        cases.case_open(kind=KIND, subject=org, by=officer, reasons=" ", label="x")
    _open(officer, org)
    with pytest.raises(ActionRefused, match="already open"):
        _open(officer, org)
    assert DueProcessCase.objects.count() == 1


def test_a_decision_before_the_response_window_elapsed_is_refused(world, applied):
    officer, _, org, _ = world
    case = _open(officer, org)
    with pytest.raises(ActionRefused, match="may still respond"):
        cases.case_decide(case=case, by=officer, upheld=True, decision="认定属实。")
    assert DueProcessCase.objects.get(pk=case.pk).status == CaseStatus.INTENDED
    _age(case, response_due_at=_past())
    case = cases.case_decide(case=case, by=officer, upheld=True, decision="认定属实。")
    assert case.status == CaseStatus.DECIDED
    assert applied == []  # not final yet


def test_the_party_responds_once_within_the_window(world):
    officer, _, org, member = world
    case = _open(officer, org)
    outsider = member_of(OrganizationFactory(verified=True), Role.BIDDER)
    with pytest.raises(ActionRefused, match="party concerned"):
        cases.case_respond(case=case, by=outsider, text="不服")
    with pytest.raises(ActionRefused, match="statement"):
        cases.case_respond(case=case, by=member, text="  ")
    cases.case_respond(
        case=case,
        by=member,
        text="检测报告真实，附原始记录。",
        files=[SimpleUploadedFile("原始记录.pdf", b"%PDF-1.4 raw")],
    )
    with pytest.raises(ActionRefused, match="already"):
        cases.case_respond(case=case, by=member, text="补充")
    case.refresh_from_db()
    assert case.files.filter(stage="response").count() == 1


def test_a_late_response_is_refused(world):
    officer, _, org, member = world
    case = _age(_open(officer, org), response_due_at=_past())
    with pytest.raises(ActionRefused, match="closed"):
        cases.case_respond(case=case, by=member, text="迟到的申辩")


def test_a_response_allows_deciding_early_and_the_decision_must_answer_it(world):
    officer, _, org, member = world
    case = _open(officer, org)
    cases.case_respond(case=case, by=member, text="检测报告真实。")
    with pytest.raises(ActionRefused, match="answer"):
        cases.case_decide(case=case, by=officer, upheld=True, decision="认定属实。")
    case = cases.case_decide(
        case=case,
        by=officer,
        upheld=True,
        decision="认定属实。",
        answer="经向检测机构核实，该编号报告不存在，申辩不予采纳。",
    )
    assert case.status == CaseStatus.DECIDED
    assert case.review_due_at == window_end(case.decided_at, 15)


def test_a_dropped_decision_ends_the_case_without_effect(world, applied):
    officer, _, org, member = world
    case = _age(_open(officer, org), response_due_at=_past())
    case = cases.case_decide(case=case, by=officer, upheld=False, decision="证据不足，不予处理。")
    assert case.status == CaseStatus.DROPPED
    with pytest.raises(StaleState):
        cases.case_request_review(case=case, by=member, text="x")
    assert applied == []


def test_the_review_is_decided_by_another_officer_and_only_then_takes_effect(world, applied):
    officer, other_officer, org, member = world
    case = _age(_open(officer, org), response_due_at=_past())
    cases.case_decide(case=case, by=officer, upheld=True, decision="认定属实。")
    with pytest.raises(ActionRefused, match="party concerned"):
        cases.case_request_review(case=case, by=officer, text="x")
    cases.case_request_review(case=case, by=member, text="请求复核：检测机构出具了更正说明。")
    with pytest.raises(ActionRefused, match="another officer"):
        cases.case_review(case=case, by=officer, confirmed=True, text="维持。")
    assert applied == []
    case = cases.case_review(case=case, by=other_officer, confirmed=True, text="复核维持原决定。")
    assert case.status == CaseStatus.FINAL
    assert applied == [(case.pk, CaseStatus.FINAL)]


def test_an_overturned_review_has_no_effect(world, applied):
    officer, other_officer, org, member = world
    case = _age(_open(officer, org), response_due_at=_past())
    cases.case_decide(case=case, by=officer, upheld=True, decision="认定属实。")
    cases.case_request_review(case=case, by=member, text="请求复核。")
    case = cases.case_review(case=case, by=other_officer, confirmed=False, text="撤销原决定。")
    assert case.status == CaseStatus.DROPPED
    assert applied == []


def test_a_closed_review_window_makes_the_decision_final_without_the_worker(world, applied):
    officer, _, org, member = world
    case = _age(_open(officer, org), response_due_at=_past())
    cases.case_decide(case=case, by=officer, upheld=True, decision="认定属实。")
    case = _age(case, review_due_at=_past())
    with pytest.raises(ActionRefused, match="closed"):
        cases.case_request_review(case=case, by=member, text="迟到的复核申请")
    # Reading the case (as its page does) puts the decision into effect, once.
    case = cases.case_current(case)
    assert case.status == CaseStatus.FINAL
    assert cases.cases_finalize_due() == 0
    assert applied == [(case.pk, CaseStatus.FINAL)]
    assert Notification.objects.filter(recipient=member, kind="case.final").exists()


def test_the_daily_job_finalizes_due_decisions(world, applied):
    officer, _, org, _ = world
    case = _age(_open(officer, org), response_due_at=_past())
    cases.case_decide(case=case, by=officer, upheld=True, decision="认定属实。")
    assert cases.cases_finalize_due() == 0
    _age(case, review_due_at=_past())
    assert cases.cases_finalize_due() == 1
    assert applied == [(case.pk, CaseStatus.FINAL)]


def test_an_upheld_decision_of_a_kind_that_needs_a_meeting_cites_one(world, monkeypatch):
    officer, _, org, _ = world
    monkeypatch.setitem(
        EFFECTS,
        KIND,
        Effect(apply=lambda case, by: None, decide_meeting=MeetingPurpose.TERMINATION),
    )
    case = _age(_open(officer, org), response_due_at=_past())
    with pytest.raises(ActionRefused, match="collective decision"):
        cases.case_decide(case=case, by=officer, upheld=True, decision="认定属实。")
    meeting = make_meeting(by=officer)
    cases.case_decide(
        case=case, by=officer, upheld=True, decision="认定属实。", meeting=str(meeting.pk)
    )
    citation = MeetingCitation.objects.get()
    assert (citation.meeting, citation.purpose, citation.object_id) == (
        meeting,
        MeetingPurpose.TERMINATION,
        org.pk,
    )


# --- The pages -----------------------------------------------------------------------------


def test_the_party_answers_on_the_case_page_and_a_refusal_keeps_the_text(world, client):
    officer, _, org, member = world
    case = _age(_open(officer, org), response_due_at=timezone.now() + timedelta(days=3))
    client.force_login(member)
    page = client.get(case.get_absolute_url())
    assert page.status_code == 200
    assert "拟认定：提交的检测报告系伪造。" in page.content.decode()
    url = f"/cases/{case.pk}/act/"
    bad = client.post(
        url,
        {
            "action": "respond",
            "text": "申辩正文",
            "files": [SimpleUploadedFile("x.pdf", b"not a pdf")],
        },
    )
    assert bad.status_code == 400
    assert "申辩正文" in bad.content.decode()
    ok = client.post(url, {"action": "respond", "text": "申辩正文"})
    assert ok.status_code == 302
    assert DueProcessCase.objects.get(pk=case.pk).response == "申辩正文"


def test_the_bureau_decides_on_the_case_page(world, client):
    officer, _, org, member = world
    case = _open(officer, org)
    cases.case_respond(case=case, by=member, text="申辩")
    client.force_login(officer)
    page = client.post(
        f"/cases/{case.pk}/act/", {"action": "decide", "upheld": "1", "decision": "认定属实"}
    )
    assert page.status_code == 400
    assert "认定属实" in page.content.decode()
    done = client.post(
        f"/cases/{case.pk}/act/",
        {"action": "decide", "upheld": "1", "decision": "认定属实", "answer": "不予采纳"},
    )
    assert done.status_code == 302
    assert DueProcessCase.objects.get(pk=case.pk).status == CaseStatus.DECIDED


def test_the_case_list_shows_each_user_only_their_cases(world, client):
    officer, _, org, member = world
    _open(officer, org)
    outsider = member_of(OrganizationFactory(verified=True), Role.BIDDER)
    client.force_login(outsider)
    assert org.name not in client.get("/cases/").content.decode()
    client.force_login(member)
    assert org.name in client.get("/cases/").content.decode()
    client.force_login(officer)
    assert org.name in client.get("/cases/?kind=expert_removal").content.decode()


# --- Collective decisions -------------------------------------------------------------------


def _minutes(content=b"%PDF-1.4 minutes"):
    return SimpleUploadedFile("纪要.pdf", content)


def test_recording_a_meeting_needs_everything_and_a_real_scan():
    officer = bureau_officer()
    today = timezone.localdate()
    common = {"by": officer, "body": "局长办公会", "attendees": "局长等5人", "resolution": "同意"}
    with pytest.raises(ActionRefused, match="minutes"):
        meeting_record(held_on=today, minutes=None, **common)
    with pytest.raises(ActionRefused, match="not before"):
        meeting_record(held_on=today + timedelta(days=1), minutes=_minutes(), **common)
    with pytest.raises(ActionRefused, match="content"):
        meeting_record(held_on=today, minutes=_minutes(b"MZ executable"), **common)
    with pytest.raises(ActionRefused, match="bureau"):
        meeting_record(**{**common, "by": UserFactory()}, held_on=today, minutes=_minutes())
    meeting = meeting_record(held_on=today, minutes=_minutes(), **common)
    assert len(meeting.minutes_sha256) == 64
    assert AuditEvent.objects.filter(action="meeting.record").count() == 1


def test_a_citation_without_a_meeting_is_refused():
    officer = bureau_officer()
    org = OrganizationFactory(verified=True)
    for missing in (None, "", "999999", "abc"):
        with pytest.raises(ActionRefused, match="collective decision"):
            meeting_cite(meeting=missing, purpose=MeetingPurpose.ACCEPTANCE, obj=org, by=officer)
    meeting = make_meeting(by=officer)
    meeting_cite(meeting=meeting, purpose=MeetingPurpose.ACCEPTANCE, obj=org, by=officer)
    meeting_cite(meeting=meeting, purpose=MeetingPurpose.TERMINATION, obj=org, by=officer)
    assert meeting.citations.count() == 2  # one meeting, several decisions


def test_the_meeting_pages(client):
    officer = bureau_officer()
    client.force_login(officer)
    bad = client.post(
        "/bureau/meetings/new/",
        {
            "body": "局长办公会",
            "held_on": "2026-01-05",
            "attendees": "5人",
            "resolution": "同意授榜",
        },
    )
    assert bad.status_code == 400
    assert "同意授榜" in bad.content.decode()
    done = client.post(
        "/bureau/meetings/new/",
        {
            "body": "局长办公会",
            "held_on": "2026-01-05",
            "attendees": "5人",
            "resolution": "同意授榜",
            "minutes": _minutes(),
        },
    )
    assert done.status_code == 302
    listing = client.get("/bureau/meetings/?q=授榜").content.decode()
    assert "局长办公会" in listing
