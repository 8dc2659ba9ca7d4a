"""结题 is reachable, and the acceptance dossier (issue 17, item 4): applying at the end of
the period whatever the milestones, the dossier the team must complete (indicator table
with test reports, technical summary, financial statement, audit report above the
threshold), the issuer's user report, the collective decision behind the result, and the
public notice of the result with its objection window."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

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
