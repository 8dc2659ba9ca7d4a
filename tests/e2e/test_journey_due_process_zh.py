"""Due process end to end in zh-Hans, in a real browser (issue 17 §1–2): the bureau notifies
an intended misconduct decision on a running project; the team answers in writing with an
attachment; the deciding officer must answer the response and cite the collective decision
(recorded through the UI); the team asks for a review; only ANOTHER officer may decide it;
confirmed, the project is terminated and the credit record written. Nothing takes effect
before the decision is final.

SETUP uses the services for what earlier journeys already drive through the UI (an active
project with its signed contract) and for a second bureau officer."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bounty.dueprocess.models import CaseStatus, DueProcessCase
from bounty.models import CreditSanction, ProjectStatus
from tests.bounty.projects.test_services import active_project
from tests.e2e.browser import click, nav, nav_inbox, pdf_file
from tests.factories import bureau_officer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_misconduct_due_process_journey(journey, tmp_path):
    # SETUP: a running project (contract signed by the three parties) and two officers.
    project, team, _issuer, officer = active_project()
    reviewer = bureau_officer()
    j = journey("due-process-zh")

    # 1. The deciding officer records the collective decision (集体决策) that will be cited.
    as_officer = j.actor(officer)
    nav(as_officer, "集体决策")
    click(as_officer, "记录集体决策")
    as_officer.fill("[name=body]", "局长办公会")
    as_officer.fill("[name=held_on]", timezone.localdate().isoformat())
    as_officer.fill("[name=attendees]", "局长、分管副局长、监督处处长")
    as_officer.fill("[name=resolution]", "同意对该项目按违规情形终止并记入科研诚信记录。")
    as_officer.set_input_files("[name=minutes]", pdf_file(tmp_path, "纪要.pdf", "minutes"))
    click(as_officer, "记录")
    expect(as_officer.locator(".messages")).to_contain_text("集体决策已记录")

    # 2. On the project page, the officer notifies the intended decision with evidence.
    as_officer.goto(f"/projects/{project.pk}/")
    form = as_officer.locator("form:has(input[name=action][value=misconduct_notify])")
    form.locator("[name=reasons]").fill("中期检测报告编号在检测机构查无此件，拟认定伪造数据。")
    form.locator("[name=evidence]").set_input_files(pdf_file(tmp_path, "核查函.pdf", "evidence"))
    form.locator("button[type=submit]").click()
    as_officer.wait_for_load_state()
    case = DueProcessCase.objects.get()
    assert case.status == CaseStatus.INTENDED
    j.shot(as_officer, "intended-decision-notified")

    # 3. The team follows its notification and answers in writing, with an attachment.
    as_team = j.actor(team)
    nav_inbox(as_team)
    as_team.get_by_role(
        "link", name=f"拟作出的处理决定（{case.subject_label}）：您可陈述申辩"
    ).click()
    expect(as_team.locator("main")).to_contain_text("查无此件")
    as_team.fill("[name=text]", "检测机构已出具更正说明：报告编号录入错误，原始数据真实。")
    as_team.set_input_files("[name=files]", pdf_file(tmp_path, "更正说明.pdf", "correction"))
    click(as_team, "提交陈述申辩")
    expect(as_team.locator(".messages")).to_contain_text("陈述申辩已记录")
    j.shot(as_team, "response-submitted")

    # 4. The officer decides: once the team has responded, the decision must answer it (the
    # form requires the answer; the service refuses without it, tests/bounty/dueprocess),
    # and cite the meeting.
    as_officer.goto(case.get_absolute_url())
    as_officer.fill("[name=decision]", "维持拟作出的决定：终止项目，追回已拨资金，记入信用记录。")
    expect(as_officer.locator("[name=answer]")).to_have_attribute("required", "")
    as_officer.fill("[name=answer]", "经函询检测机构，其未出具任何更正说明，申辩理由不能成立。")
    as_officer.select_option("[name=meeting]", index=1)
    click(as_officer, "作出决定")
    expect(as_officer.locator("h1 .status")).to_have_text("已作出决定：可申请复核")
    j.shot(as_officer, "decision-answers-the-response")
    # Not final: the project still runs and no credit record exists.
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE
    assert not CreditSanction.objects.exists()

    # 5. The team asks for a review.
    as_team.goto(case.get_absolute_url())
    as_team.fill("[name=text]", "请求复核：请向检测机构总部核实。")
    click(as_team, "申请复核")
    expect(as_team.locator(".messages")).to_contain_text("已申请复核")

    # 6. The officer who decided may not decide the review; another officer confirms it.
    as_officer.goto(case.get_absolute_url())
    expect(as_officer.locator("main")).to_contain_text("复核由作出决定以外的其他工作人员")
    expect(as_officer.get_by_role("button", name="作出复核决定")).to_have_count(0)
    as_reviewer = j.actor(reviewer)
    as_reviewer.goto(case.get_absolute_url())
    as_reviewer.fill("[name=text]", "经向检测机构总部核实，原决定认定事实清楚，予以维持。")
    click(as_reviewer, "作出复核决定")
    expect(as_reviewer.locator("h1 .status")).to_have_text("已生效")
    j.shot(as_reviewer, "review-confirmed-final")

    # 7. Final: the project is terminated for misconduct and the credit record written.
    project.refresh_from_db()
    assert project.status == ProjectStatus.TERMINATED
    assert project.outcome == "misconduct"
    assert CreditSanction.objects.filter(credit_code=project.bid.lead.credit_code).exists()
    as_team.goto(f"/projects/{project.pk}/")
    expect(as_team.locator("h1")).to_contain_text("已终止")
    j.shot(as_team, "team-sees-the-termination")
