"""Issue 17 point 5: changes (变更). 备案 kinds (technical route, schedule shift inside the
period, team members other than the PI) take effect when recorded and are acknowledged
without approval; approval kinds (PI, lead unit, indicators, extension) change the
project's data when approved and are in force once the 补充协议 is signed by the three
parties (the signing itself: tests/documents/test_supplement_signing.py)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.exceptions import ActionRefused, StaleState
from accounts.models import Role
from bounty import permissions as perms
from bounty.models import (
    ChangeDecision,
    ChangeKind,
    ChangeRequest,
    CreditSanction,
    MilestoneStatus,
    ProjectMilestone,
    ProjectStatus,
)
from bounty.projects import change_services as changes
from bounty.projects.changes import committed_values
from documents.models import Document, DocumentKind
from tests.bounty.projects.test_services import active_project
from tests.factories import OrganizationFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english():
    """Refusals are matched on their English text."""
    with translation.override("en"):
        yield


def _ask(project, team, kind, **kwargs):
    kwargs.setdefault("description", "理由说明")
    return changes.change_request(project=project, by=team, kind=kind, **kwargs)


# --- 备案 kinds -------------------------------------------------------------------------


def test_route_change_is_recorded_in_effect_and_acknowledged_without_approval():
    project, team, issuer, officer = active_project()
    first = _ask(project, team, ChangeKind.ROUTE, data={"route": "采用单晶化工艺路线"})
    assert first.decision == ChangeDecision.RECORDED
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE  # a 备案 does not hold the project
    assert project.technical_route == "采用单晶化工艺路线"
    second = _ask(project, team, ChangeKind.ROUTE, data={"route": "改为包覆改性路线"})
    project.refresh_from_db()
    assert project.technical_route == "改为包覆改性路线"
    assert second.before == {"route": "采用单晶化工艺路线"}  # the history is kept
    assert ChangeRequest.objects.filter(project=project, kind=ChangeKind.ROUTE).count() == 2

    # A 备案 is not sent for approval: the bureau cannot approve or reject it.
    with pytest.raises(ActionRefused):
        changes.change_decide(change=first, by=officer, approve=True, comment="同意")
    with pytest.raises(ActionRefused):  # nor anyone but the bureau acknowledge it
        changes.change_acknowledge(change=first, by=issuer)
    changes.change_acknowledge(change=first, by=officer, comment="已备案")
    first.refresh_from_db()
    assert first.decision == ChangeDecision.ACKNOWLEDGED
    assert first.decided_by == officer
    with pytest.raises(StaleState):
        changes.change_acknowledge(change=first, by=officer)
    assert not Document.objects.filter(kind=DocumentKind.SUPPLEMENT).exists()


def test_route_change_needs_the_new_route():
    project, team, *_ = active_project()
    with pytest.raises(ActionRefused):
        _ask(project, team, ChangeKind.ROUTE, data={"route": "  "})


def test_schedule_shift_moves_the_named_milestones_inside_the_period():
    project, team, *_ = active_project()
    m1 = project.milestones.get(number=1)
    new_due = m1.due_on + timedelta(days=30)
    change = _ask(
        project,
        team,
        ChangeKind.SCHEDULE,
        data={"shifts": [{"milestone": 1, "due_on": new_due.isoformat()}]},
    )
    assert change.decision == ChangeDecision.RECORDED
    m1.refresh_from_db()
    assert m1.due_on == new_due
    assert change.before == {"shifts": [{"milestone": 1, "due_on": m1.original_due_on.isoformat()}]}
    others = project.milestones.exclude(number=1)
    assert all(m.due_on == m.original_due_on for m in others)


def test_schedule_shift_outside_the_period_is_refused():
    project, team, *_ = active_project()
    beyond = project.ends_on + timedelta(days=1)
    with pytest.raises(ActionRefused, match="inside the project period"):
        _ask(
            project,
            team,
            ChangeKind.SCHEDULE,
            data={"shifts": [{"milestone": 1, "due_on": beyond.isoformat()}]},
        )
    before = project.started_on - timedelta(days=1)
    with pytest.raises(ActionRefused, match="inside the project period"):
        _ask(
            project,
            team,
            ChangeKind.SCHEDULE,
            data={"shifts": [{"milestone": 1, "due_on": before.isoformat()}]},
        )
    assert not project.changes.exists()
    m1 = project.milestones.get(number=1)
    assert m1.due_on == m1.original_due_on


def test_schedule_shift_of_a_met_milestone_is_refused():
    project, team, *_ = active_project()
    ProjectMilestone.objects.filter(project=project, number=1).update(status=MilestoneStatus.MET)
    m1 = project.milestones.get(number=1)
    with pytest.raises(ActionRefused, match="already met"):
        _ask(
            project,
            team,
            ChangeKind.SCHEDULE,
            data={"shifts": [{"milestone": 1, "due_on": (m1.due_on + timedelta(1)).isoformat()}]},
        )
    with pytest.raises(ActionRefused):  # nothing named
        _ask(project, team, ChangeKind.SCHEDULE, data={"shifts": []})


def test_team_change_records_the_new_members_but_never_the_pi():
    project, team, *_ = active_project()
    members = [
        {"name": "王工", "title": "高级工程师", "employer": "示范研究院", "role": "core"},
        {"name": "赵博士", "title": "博士后", "employer": "示范大学", "role": "member"},
    ]
    change = _ask(project, team, ChangeKind.TEAM, data={"members": members})
    assert change.decision == ChangeDecision.RECORDED
    project.refresh_from_db()
    assert [m["name"] for m in project.team_members] == ["王工", "赵博士"]
    assert "members" in change.before  # the bid's team (without the PI), kept
    _ask(project, team, ChangeKind.TEAM, data={"members": members[:1]})
    assert project.changes.order_by("pk").last().before == {"members": members}
    pi_name = project.current_pi.full_name
    with pytest.raises(ActionRefused, match="PI"):
        _ask(project, team, ChangeKind.TEAM, data={"members": [{"name": pi_name}]})
    with pytest.raises(ActionRefused, match="PI"):
        _ask(project, team, ChangeKind.TEAM, data={"members": [{"name": "新人", "role": "pi"}]})


def test_only_the_team_files_and_not_after_the_project_ended():
    project, team, issuer, _officer = active_project()
    with pytest.raises(ActionRefused):
        _ask(project, issuer, ChangeKind.ROUTE, data={"route": "x"})
    with pytest.raises(ActionRefused):  # the old free-text kind is no longer asked for
        _ask(project, team, ChangeKind.OTHER)
    type(project).objects.filter(pk=project.pk).update(status=ProjectStatus.UNDER_ACCEPTANCE)
    with pytest.raises(ActionRefused):
        _ask(project, team, ChangeKind.ROUTE, data={"route": "x"})


# --- Approval kinds -----------------------------------------------------------------------


def test_pi_change_without_a_new_pi_is_refused():
    project, team, *_ = active_project()
    with pytest.raises(ActionRefused, match="new PI"):
        _ask(project, team, ChangeKind.PI, data={})
    outsider = member_of(OrganizationFactory(verified=True), Role.BIDDER)
    with pytest.raises(ActionRefused, match="member of the lead unit"):
        _ask(project, team, ChangeKind.PI, data={"pi": outsider.pk})
    assert not project.changes.exists()


def test_approved_pi_change_changes_the_project_pi_and_asks_for_a_supplement():
    project, team, _issuer, officer = active_project()
    old_pi = project.current_pi
    new_pi = member_of(project.bid.lead, Role.BIDDER)
    change = _ask(project, team, ChangeKind.PI, data={"pi": new_pi.pk})
    assert change.decision == ChangeDecision.PENDING
    project.refresh_from_db()
    assert project.status == ProjectStatus.CHANGE_REQUESTED
    assert project.current_pi == old_pi  # nothing changes before the approval
    with pytest.raises(ActionRefused):  # one approval kind pending at a time
        _ask(project, team, ChangeKind.EXTENSION, months=3)
    with pytest.raises(ActionRefused):  # the bureau acknowledges 备案 only
        changes.change_acknowledge(change=change, by=officer)
    changes.change_decide(change=change, by=officer, approve=True, comment="同意变更负责人")
    change.refresh_from_db()
    project.refresh_from_db()
    assert change.decision == ChangeDecision.APPROVED  # awaiting signatures
    assert project.status == ProjectStatus.ACTIVE
    assert project.current_pi == new_pi
    assert change.before == {"pi": old_pi.pk}
    supplement = Document.objects.get(kind=DocumentKind.SUPPLEMENT)
    rows = supplement.snapshot["supplement"]["change"]["rows"]
    assert rows[0]["before"] == old_pi.full_name
    assert rows[0]["after"] == new_pi.full_name
    with pytest.raises(StaleState):
        changes.change_decide(change=change, by=officer, approve=False, comment="x")


def test_approved_lead_change_moves_the_project_to_the_new_lead():
    project, team, _issuer, officer = active_project()
    new_lead = OrganizationFactory(verified=True)
    new_team = member_of(new_lead, Role.BIDDER)
    assert not perms.is_project_team(new_team, project)
    with pytest.raises(ActionRefused):
        _ask(project, team, ChangeKind.LEAD, data={})
    sanctioned_org = OrganizationFactory(verified=True)
    CreditSanction.objects.create(
        credit_code=sanctioned_org.credit_code, reason="失信", starts_on=timezone.localdate()
    )
    with pytest.raises(ActionRefused, match="credit sanction"):
        _ask(project, team, ChangeKind.LEAD, data={"lead": sanctioned_org.pk})
    change = _ask(project, team, ChangeKind.LEAD, data={"lead": new_lead.pk})
    changes.change_decide(change=change, by=officer, approve=True, comment="同意")
    project.refresh_from_db()
    assert project.lead_unit == new_lead
    assert perms.is_project_team(new_team, project)
    assert not perms.is_project_team(team, project)
    assert perms.can_view_project(new_team, project)
    snapshot = Document.objects.get(kind=DocumentKind.SUPPLEMENT).snapshot["supplement"]
    assert snapshot["parties"][1]["name"] == new_lead.name  # 乙方 is the new lead


def test_approved_indicator_change_updates_the_committed_values():
    project, team, _issuer, officer = active_project()
    indicator = project.challenge.indicators.first()
    old = committed_values(project)[indicator.pk]
    with pytest.raises(ActionRefused):  # nothing new
        _ask(project, team, ChangeKind.INDICATORS, data={"indicators": []})
    change = _ask(
        project,
        team,
        ChangeKind.INDICATORS,
        data={"indicators": [{"indicator": indicator.pk, "committed": "96.5"}]},
    )
    changes.change_decide(change=change, by=officer, approve=True, comment="同意")
    project.refresh_from_db()
    assert committed_values(project)[indicator.pk] == "96.5"
    assert change.__class__.objects.get(pk=change.pk).before == {
        "indicators": [{"indicator": indicator.pk, "committed": old}]
    }


def test_rejected_change_changes_nothing_and_needs_reasons():
    project, team, _issuer, officer = active_project()
    indicator = project.challenge.indicators.first()
    old = committed_values(project)
    change = _ask(
        project,
        team,
        ChangeKind.INDICATORS,
        data={"indicators": [{"indicator": indicator.pk, "committed": "50"}]},
    )
    with pytest.raises(ActionRefused):
        changes.change_decide(change=change, by=officer, approve=False, comment=" ")
    changes.change_decide(change=change, by=officer, approve=False, comment="降低指标不予同意")
    project.refresh_from_db()
    assert committed_values(project) == old
    assert project.status == ProjectStatus.ACTIVE
    assert not Document.objects.filter(kind=DocumentKind.SUPPLEMENT).exists()


def test_extension_once_and_at_most_twelve_months():
    project, team, _issuer, officer = active_project()
    ends = project.ends_on
    with pytest.raises(ActionRefused):
        _ask(project, team, ChangeKind.EXTENSION, months=13)
    change = _ask(project, team, ChangeKind.EXTENSION, months=6)
    changes.change_decide(change=change, by=officer, approve=True, comment="同意")
    project.refresh_from_db()
    assert project.ends_on > ends
    assert project.extended_months == 6
    with pytest.raises(ActionRefused, match="second extension"):
        _ask(project, team, ChangeKind.EXTENSION, months=3)


# --- Pages --------------------------------------------------------------------------------


def test_pages_file_a_change_keep_what_was_typed_and_let_the_bureau_decide(client):
    project, team, _issuer, officer = active_project()
    client.force_login(team)
    page = client.get(project.get_absolute_url())
    assert page.status_code == 200
    assert b'name="route"' in page.content
    assert b'name="lead_code"' in page.content
    url = reverse("bounty:project_change", args=[project.pk])
    refused = client.post(
        url,
        {"kind": "schedule", "due_1": "2099-01-01", "description": "说明：设备延期到货"},
    )
    assert refused.status_code == 400
    assert "说明：设备延期到货" in refused.content.decode()
    assert not project.changes.exists()
    ok = client.post(url, {"kind": "route", "route": "新路线", "description": "原因"})
    assert ok.status_code == 302
    client.post(url, {"kind": "extension", "months": "4", "description": "延期原因"})
    filed, asked = project.changes.order_by("pk")
    assert filed.decision == ChangeDecision.RECORDED
    assert asked.decision == ChangeDecision.PENDING

    client.force_login(officer)
    decide = reverse("bounty:project_change_decide", args=[project.pk, filed.pk])
    assert client.post(decide, {"decision": "approve", "comment": "x"}).status_code == 400
    assert client.post(decide, {"decision": "acknowledge"}).status_code == 302
    decide = reverse("bounty:project_change_decide", args=[project.pk, asked.pk])
    assert client.post(decide, {"decision": "approve", "comment": "同意"}).status_code == 302
    asked.refresh_from_db()
    assert asked.decision == ChangeDecision.APPROVED
    page = client.get(project.get_absolute_url())
    html = page.content.decode()
    assert "status-approved" in html  # awaiting signatures
    assert f"{project.contract.get_absolute_url()}#supplements" in html
