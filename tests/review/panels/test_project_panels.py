"""Milestone and acceptance panels: drawn like review panels, one opinion per expert, the
bureau's decision follows the complete panel's majority (DOMAIN §7)."""

import pytest
from django.urls import reverse

from accounts.exceptions import ActionRefused
from bounty.hooks import panel_for
from bounty.models import MilestoneStatus, ProjectStatus, TrancheStatus
from bounty.projects import closing as project_closing
from bounty.projects import services as projects
from review.draw import services
from review.draw.seats import declaration_record, seat_accept
from review.models import Draw, DrawPurpose, PanelOpinion
from review.panels import services as panels
from review.scoring import services as scoring
from tests.bounty.projects.acceptance_helpers import fill_dossier
from tests.bounty.projects.test_services import active_project, open_window, report
from tests.factories import UserFactory, make_meeting
from tests.review.draw.helpers import complete_draw, make_expert, run_panel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def reported_milestone():
    project, team, issuer, officer = active_project()
    milestone = open_window(project.milestones.order_by("number").first())
    report(milestone, team)
    milestone.refresh_from_db()
    return project, milestone, team, issuer, officer


def test_milestone_panel_decides_without_the_issuer_and_the_bureau_follows_it():
    project, milestone, _team, issuer, officer = reported_milestone()
    with pytest.raises(ActionRefused):  # only the bureau draws
        panels.panel_draw_create(subject=milestone, by=issuer)

    draw = run_panel(milestone, officer, ["met", "met", "not_met", "met", None])
    assert draw.purpose == DrawPurpose.MILESTONE
    assert draw.milestone == milestone
    state = panel_for(milestone)
    assert state.counts == {"met": 3, "not_met": 1}
    assert state.pending == 1
    with pytest.raises(ActionRefused):  # one opinion outstanding
        projects.milestone_assess(milestone=milestone, by=officer, met=True, comment="通过")

    last = draw.seats.get(on_panel=True, opinion__isnull=True)
    panels.panel_opinion_submit(seat=last, by=last.expert.user, verdict="met", comment="达到")
    with pytest.raises(ActionRefused):  # the panel's majority found it met
        projects.milestone_assess(milestone=milestone, by=officer, met=False, comment="未达到")
    projects.milestone_assess(milestone=milestone, by=officer, met=True, comment="专家组认定达到")

    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.MET
    assert project.tranches.get(milestone_no=milestone.number).status == TrancheStatus.ELIGIBLE


def test_an_opinion_is_given_once_by_a_cleared_expert_with_a_verdict_of_this_panel():
    _project, milestone, team, _issuer, officer = reported_milestone()
    draw = run_panel(milestone, officer, [None] * 5)
    seat = draw.seats.filter(on_panel=True).first()
    user = seat.expert.user
    with pytest.raises(ActionRefused):  # an acceptance verdict on a milestone panel
        panels.panel_opinion_submit(seat=seat, by=user, verdict="passed", comment="x")
    with pytest.raises(ActionRefused):
        panels.panel_opinion_submit(seat=seat, by=user, verdict="met", comment="  ")
    with pytest.raises(ActionRefused):  # not the seat's expert
        panels.panel_opinion_submit(seat=seat, by=team, verdict="met", comment="x")
    panels.panel_opinion_submit(seat=seat, by=user, verdict="met", comment="达到")
    with pytest.raises(ActionRefused):
        panels.panel_opinion_submit(seat=seat, by=user, verdict="not_met", comment="改主意")
    assert PanelOpinion.objects.get(seat=seat).verdict == "met"


def test_an_expert_who_declared_a_conflict_gives_no_opinion_and_sees_nothing(client):
    project, milestone, _team, _issuer, officer = reported_milestone()
    for _ in range(8):
        make_expert(user=UserFactory())
    draw = complete_draw(panels.panel_draw_create(subject=milestone, by=officer), officer)
    seat = draw.seats.filter(on_panel=True).select_related("expert__user").first()
    user = seat.expert.user
    seat_accept(seat=seat, by=user, undertaking=True)
    client.force_login(user)
    assert client.get(project.get_absolute_url()).status_code == 404  # not declared yet
    declaration_record(seat=seat, by=user, bid=project.bid, outcome="conflict")
    with pytest.raises(ActionRefused):
        panels.panel_opinion_submit(seat=seat, by=user, verdict="met", comment="x")
    assert client.get(project.get_absolute_url()).status_code == 404


def test_a_cleared_panel_expert_reads_the_project_and_its_files_but_cannot_act(client):
    project, milestone, _team, _issuer, officer = reported_milestone()
    draw = run_panel(milestone, officer, [None] * 5)
    seat = draw.seats.filter(on_panel=True).select_related("expert__user").first()
    client.force_login(seat.expert.user)
    page = client.get(project.get_absolute_url())
    assert page.status_code == 200
    attachment = milestone.reports.get().attachments.get()
    assert client.get(reverse("bounty:report_attachment", args=[attachment.pk])).status_code == 200
    with pytest.raises(ActionRefused):
        projects.milestone_assess(milestone=milestone, by=seat.expert.user, met=True, comment="x")
    with pytest.raises(ActionRefused):  # a project panel seat never scores bids
        scoring.sheet_save(seat=seat, by=seat.expert.user, bid=project.bid, values={})


def test_a_rectified_milestone_gets_a_new_panel():
    _project, milestone, team, _issuer, officer = reported_milestone()
    run_panel(milestone, officer, ["not_met"] * 5)
    projects.milestone_assess(milestone=milestone, by=officer, met=False, comment="未达到")
    from datetime import timedelta

    from django.utils import timezone

    projects.milestone_rectify(
        milestone=milestone,
        by=officer,
        new_due_on=timezone.localdate() + timedelta(days=20),
        comment="整改",
    )
    milestone.refresh_from_db()
    report(milestone, team, text="整改后复测达标。")
    assert panel_for(milestone) is None  # the first panel judged the first report
    # Without a new panel the issuer and the bureau assess, as usual.
    with pytest.raises(ActionRefused):
        projects.milestone_assess(milestone=milestone, by=officer, met=True, comment="x")
    run_panel(milestone, officer, ["met"] * 5)
    projects.milestone_assess(milestone=milestone, by=officer, met=True, comment="整改后达到")
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.MET
    assert Draw.objects.filter(milestone=milestone).count() == 2


def test_one_open_draw_per_milestone_and_only_for_a_report_waiting():
    project, team, _issuer, officer = active_project()
    milestone = project.milestones.order_by("number").first()
    with pytest.raises(ActionRefused):  # no report yet
        panels.panel_draw_create(subject=milestone, by=officer)
    milestone = open_window(milestone)
    report(milestone, team)
    first = panels.panel_draw_create(subject=milestone, by=officer)
    assert panels.panel_draw_create(subject=milestone, by=officer) == first
    with pytest.raises(ActionRefused):  # acceptance panels wait for the application
        panels.panel_draw_create(subject=project, by=officer)


def test_acceptance_panel_bundle_names_its_purpose_and_verifies(tmp_path):
    project, team, issuer, officer = active_project()
    for milestone in project.milestones.all():
        milestone = open_window(milestone)
        report(milestone, team)
        projects.milestone_assess(milestone=milestone, by=issuer, met=True, comment="同意")
        projects.milestone_assess(milestone=milestone, by=officer, met=True, comment="达到")
    fill_dossier(project, team, issuer)
    project_closing.acceptance_apply(project=project, by=team)
    draw = run_panel(project, officer, ["passed", "failed", "failed", "passed", None])
    project_closing.acceptance_start(project=project, by=officer)
    state = panel_for(project)
    assert state.leading == {"passed", "failed"}
    last = draw.seats.get(on_panel=True, opinion__isnull=True)
    panels.panel_opinion_submit(
        seat=last, by=last.expert.user, verdict="closed_without_pass", comment="部分达到"
    )
    with pytest.raises(ActionRefused):  # not among the leading verdicts
        project_closing.acceptance_conclude(
            project=project, by=officer, result=ProjectStatus.CLOSED_WITHOUT_PASS, comment="x"
        )
    project_closing.acceptance_conclude(
        project=project,
        by=officer,
        result=ProjectStatus.FAILED,
        comment="专家组：不通过",
        meeting=make_meeting(by=officer),
    )

    bundle = services.bundle(draw)
    assert bundle["purpose"] == "acceptance"
    assert bundle["project_bid"] == project.bid.reference
    from review import verify_draw

    assert verify_draw.verify(bundle) == []


def test_project_page_offers_the_draw_and_shows_the_panel_to_the_bureau_only(client):
    project, milestone, _team, issuer, officer = reported_milestone()
    client.force_login(officer)
    page = client.get(project.get_absolute_url()).content.decode()
    create = reverse("review:panel_draw_create", args=["milestone", milestone.pk])
    assert create in page
    response = client.post(create, {"size": 5, "alternates": 3})
    draw = Draw.objects.get(milestone=milestone)
    assert response.url == draw.get_absolute_url()
    assert client.get(draw.get_absolute_url()).status_code == 200

    client.force_login(issuer)
    page = client.get(project.get_absolute_url()).content.decode()
    assert create not in page
    assert client.post(create, {"size": 5, "alternates": 3}).status_code == 404
    assert client.get(draw.get_absolute_url()).status_code == 404


def test_invitation_page_keeps_a_refused_opinion_and_records_a_good_one(client):
    _project, milestone, _team, _issuer, officer = reported_milestone()
    draw = run_panel(milestone, officer, [None] * 5)
    seat = draw.seats.filter(on_panel=True).select_related("expert__user").first()
    client.force_login(seat.expert.user)
    url = reverse("review:invitation", args=[seat.pk])
    page = client.get(url).content.decode()
    assert 'value="opinion"' in page
    assert reverse("review:score_bid", args=[seat.pk, draw.project.bid.pk]) not in page

    typed = "测试数据齐全，但缺少第三方检测报告"
    response = client.post(url, {"action": "opinion", "comment": typed})  # no verdict
    assert response.status_code == 200
    assert typed in response.content.decode()
    assert not PanelOpinion.objects.filter(seat=seat).exists()

    response = client.post(url, {"action": "opinion", "verdict": "not_met", "comment": typed})
    assert response.status_code == 302
    assert PanelOpinion.objects.get(seat=seat).verdict == "not_met"
    assert 'value="opinion"' not in client.get(url).content.decode()
