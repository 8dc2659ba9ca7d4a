"""The diligent-failure (尽职免责) assessment panel of a project (issue 17): drawn with the
panel machinery for a running project, its own verdicts, read by bounty through
``termination_panel_for`` (not mixed with the acceptance panel)."""

import pytest
from django.urls import reverse

from accounts.exceptions import ActionRefused, StaleState
from bounty.hooks import panel_for, termination_panel_for
from bounty.projects import closing
from review.models import Draw, DrawPurpose
from review.panels import services as panels
from tests.bounty.projects.test_services import active_project
from tests.factories import UserFactory, make_meeting
from tests.review.draw.helpers import diligence_panel, make_expert

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_termination_panel_has_its_own_verdicts_and_hook():
    project, team, _issuer, officer = active_project()
    with pytest.raises(ActionRefused):  # only the bureau draws
        panels.panel_draw_create(subject=project, by=team, purpose=DrawPurpose.TERMINATION)
    draw = diligence_panel(project, officer, ["diligent_failure"] * 3 + ["not_diligent", None])
    assert draw.purpose == DrawPurpose.TERMINATION
    assert draw.milestone is None
    assert panel_for(project) is None  # the acceptance panel is another one
    state = termination_panel_for(project)
    assert state.counts == {"diligent_failure": 3, "not_diligent": 1}
    assert state.pending == 1
    seat = draw.seats.get(on_panel=True, opinion__isnull=True)
    with pytest.raises(ActionRefused):  # an acceptance verdict on a termination panel
        panels.panel_opinion_submit(seat=seat, by=seat.expert.user, verdict="passed", comment="x")
    panels.panel_opinion_submit(
        seat=seat, by=seat.expert.user, verdict="diligent_failure", comment="尽职"
    )
    assert termination_panel_for(project).complete


def test_no_termination_panel_and_no_opinion_once_the_project_ended():
    project, _team, _issuer, officer = active_project()
    draw = diligence_panel(project, officer, ["diligent_failure"] * 4 + [None])
    last = draw.seats.get(on_panel=True, opinion__isnull=True)
    panels.panel_opinion_submit(
        seat=last, by=last.expert.user, verdict="diligent_failure", comment="尽职"
    )
    closing.project_terminate(
        project=project,
        by=officer,
        outcome="diligent_failure",
        reason="路线不可行",
        meeting=make_meeting(by=officer),
    )
    with pytest.raises(StaleState):
        panels.panel_draw_create(subject=project, by=officer, purpose=DrawPurpose.TERMINATION)


def test_the_bureau_opens_the_termination_draw_from_the_project_page(client):
    project, team, _issuer, officer = active_project()
    for _ in range(8):
        make_expert(user=UserFactory())
    url = reverse("review:panel_draw_create", args=["termination", project.pk])
    data = {"size": 5, "alternates": 2, "public_value_source": ""}
    client.force_login(team)
    assert client.post(url, data).status_code == 404
    client.force_login(officer)
    page = client.get(project.get_absolute_url())
    assert url.encode() in page.content
    response = client.post(url, data)
    draw = Draw.objects.get(purpose=DrawPurpose.TERMINATION)
    assert response.status_code == 302
    assert response.url == draw.get_absolute_url()
    assert draw.project == project
