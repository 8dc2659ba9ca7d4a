"""Seat, score-sheet and objection statuses are protected state machines (issue 16, point 10):
no code assigns them, only their transitions move them, and refresh_from_db still works."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_fsm import TransitionNotAllowed

from review.award import services as award
from review.models import Objection, ScoreSheet, Seat, SeatStatus
from tests.factories import UserFactory, make_meeting
from tests.review.award.test_award import reviewed_challenge

pytestmark = pytest.mark.django_db


def test_the_three_statuses_cannot_be_assigned_and_move_only_by_transition(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    challenge, bids, officer, _criteria = reviewed_challenge([[80] * 5], size=5)
    award.award_propose(challenge=challenge, by=challenge.created_by, bids=[bids[0]])
    award.award_confirm(challenge=challenge, by=officer, meeting=make_meeting(by=officer))
    award.objection_file(
        challenge=challenge,
        by=UserFactory(full_name="实名"),
        text="异议",
        evidence=SimpleUploadedFile("e.pdf", b"%PDF-1.4 x"),
    )
    seat = Seat.objects.filter(draw__challenge=challenge, on_panel=True).first()
    sheet = ScoreSheet.objects.filter(seat=seat).first()
    objection = Objection.objects.get()
    for obj, value in (
        (seat, SeatStatus.INVITED),
        (sheet, ScoreSheet.Status.DRAFT),
        (objection, Objection.Status.UPHELD),
    ):
        with pytest.raises(AttributeError):
            obj.status = value
        obj.refresh_from_db()  # FSMModelMixin: reloading is still allowed

    assert seat.status == SeatStatus.ACCEPTED
    with pytest.raises(TransitionNotAllowed):
        seat.accept(at=seat.responded_at)  # accepted once
    with pytest.raises(TransitionNotAllowed):
        sheet.submit(at=sheet.submitted_at)  # submitted and locked
    objection.dismiss(by=officer, at=objection.created_at, reason="不成立")
    with pytest.raises(TransitionNotAllowed):
        objection.uphold(by=officer, at=objection.created_at, reason="再议")
    assert objection.status == Objection.Status.DISMISSED


def test_the_state_diagrams_show_the_three_machines(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    (tmp_path / "docs").mkdir()
    call_command("state_diagrams")
    text = (tmp_path / "docs" / "state-machines.md").read_text()
    assert "## review.Seat.status" in text
    assert "invited --> accepted : accept" in text
    assert "## review.ScoreSheet.status" in text
    assert "draft --> submitted : submit" in text
    assert "## review.Objection.status" in text
    assert "open --> dismissed : dismiss" in text
