"""Failure tests (issue 10): the worker stopped and restarted, the database lost in the
middle of a request, a full disk on upload."""

import errno
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django_q.models import Schedule, Task
from django_q.scheduler import scheduler

from audit.models import AuditEvent
from bounty.models import (
    Attachment,
    Bid,
    BidStatus,
    BidVersion,
    Challenge,
    ChallengeStatus,
    MilestoneStatus,
    Project,
    ProjectMilestone,
    ReminderLog,
)
from bounty.projects import reminders as project_reminders
from bounty.projects import services as projects
from notifications.models import EmailPreference, Notification
from notifications.services import notify
from ops.models import Heartbeat
from review.award import services as award
from review.models import Seat, SeatStatus
from tests.bounty.bids.helpers import PDF, complete_bid
from tests.bounty.helpers import force_deadline, published
from tests.bounty.projects.test_services import active_project
from tests.factories import UserFactory, make_meeting
from tests.review.award.test_award import reviewed_challenge
from tests.review.draw.helpers import closed_challenge_with_bids, make_expert, run_draw

pytestmark = pytest.mark.django_db

FULL_DISK = OSError(errno.ENOSPC, "No space left on device")


# --- a. The worker was stopped for days, then restarted -------------------------------------
#
# Time "moves forward" the way the other tests fake it: every deadline is moved into the past
# (force_deadline, notice_ends_at, respond_by, due_on), i.e. the clock is fixed at now and the
# outage lies behind it. Every schedule's next run is put ten days back: the worker missed
# them all. Then django-q2's own scheduler runs once (what a restarted cluster does first).


def _outage_backlog():
    """Everything that fell due while no worker ran."""
    now = timezone.now()
    today = timezone.localdate()
    backlog = {}

    # two published challenges whose bid deadlines passed 9 and 3 days ago
    backlog["to_close"] = [
        force_deadline(published(), now - timedelta(days=days)) for days in (9, 3)
    ]

    # a challenge whose public notice ended 2 days ago (a proposed winner, no objection)
    challenge, bids, officer, _criteria = reviewed_challenge([[85] * 5, [70] * 5], size=5)
    award.award_propose(challenge=challenge, by=challenge.created_by, bids=[bids[0]])
    award.award_confirm(challenge=challenge, by=officer, meeting=make_meeting(by=officer))
    Challenge.objects.filter(pk=challenge.pk).update(notice_ends_at=now - timedelta(days=2))
    backlog["in_notice"] = (challenge, bids)

    # a panel invited 5 days ago that nobody answered (24 h to answer)
    drawn, _bids, drawer = closed_challenge_with_bids(1)
    for _ in range(8):
        make_expert(user=UserFactory())
    draw = run_draw(drawn, drawer, params={"size": 5, "alternates": 1})
    invited = list(draw.seats.filter(status=SeatStatus.INVITED).values_list("pk", flat=True))
    Seat.objects.filter(pk__in=invited).update(respond_by=now - timedelta(days=5))
    backlog["invited"] = invited

    # a running project: milestone 1 fell due 3 days ago (never reminded), milestone 2 is due
    # in 2 days (its 14-day and 3-day reminders were both missed)
    project, _team, _issuer, _officer = active_project()
    first, second = project.milestones.order_by("number")[:2]
    ProjectMilestone.objects.filter(pk=first.pk).update(due_on=today - timedelta(days=3))
    ProjectMilestone.objects.filter(pk=second.pk).update(due_on=today + timedelta(days=2))
    ProjectMilestone.objects.filter(project=project).exclude(pk__in=[first.pk, second.pk]).update(
        due_on=today + timedelta(days=400)
    )
    backlog["milestones"] = (first, second)

    # a digest reader with two notifications waiting
    reader = UserFactory()
    EmailPreference.objects.create(user=reader, daily_digest=True)
    for title in ("甲", "乙"):
        notify(recipients=[reader], kind="bid.receipt", params={"title": title}, url="/")
    backlog["reader"] = reader

    Schedule.objects.update(next_run=now - timedelta(days=10))
    return backlog


def _processed():
    """What the scheduled tasks have done so far, counted from the database."""
    return {
        "closed": Challenge.objects.filter(status=ChallengeStatus.CLOSED).count(),
        "awarded": Challenge.objects.filter(status=ChallengeStatus.AWARDED).count(),
        "projects": Project.objects.count(),
        "expired": Seat.objects.filter(status=SeatStatus.EXPIRED).count(),
        "reminders": ReminderLog.objects.count(),
        "notifications": Notification.objects.count(),
        "audit": AuditEvent.objects.count(),
        "emails": len(mail.outbox),
        "opened": ProjectMilestone.objects.exclude(status=MilestoneStatus.PLANNED).count(),
    }


def test_restarted_worker_catches_up_everything_exactly_once(django_capture_on_commit_callbacks):
    backlog = _outage_backlog()
    schedules = list(Schedule.objects.order_by("name").values_list("name", flat=True))
    assert {
        "close-expired-challenges",
        "award-after-notice",
        "expire-review-invitations",
        "project-daily",
        "notifications-daily-digest",
        "ops-heartbeat",
    } <= set(schedules)
    before = _processed()
    projects_before = before["projects"]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        scheduler()  # the restarted cluster's first scheduler pass

    # each schedule ran once (catch_up=False: one run for all the missed ones), none failed
    ran = Task.objects.filter(group__in=schedules)
    assert sorted(ran.values_list("group", flat=True)) == schedules
    assert not Task.objects.filter(success=False).exists(), list(
        Task.objects.filter(success=False).values_list("name", "result")
    )
    assert not Schedule.objects.filter(next_run__lte=timezone.now()).exists()

    for challenge in backlog["to_close"]:
        challenge.refresh_from_db()
        assert challenge.status == ChallengeStatus.CLOSED
    challenge, bids = backlog["in_notice"]
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.AWARDED
    assert Bid.objects.get(pk=bids[0].pk).status == BidStatus.WINNER
    assert Bid.objects.get(pk=bids[1].pk).status == BidStatus.NOT_SELECTED
    assert Project.objects.count() == projects_before + 1
    assert Project.objects.filter(bid=bids[0]).count() == 1
    assert set(Seat.objects.filter(pk__in=backlog["invited"]).values_list("status", flat=True)) == {
        SeatStatus.EXPIRED
    }
    first, second = backlog["milestones"]
    # one reminder each — not one per missed day, not one per missed threshold
    assert list(ReminderLog.objects.filter(milestone=first).values_list("kind", flat=True)) == [
        ReminderLog.Kind.OVERDUE
    ]
    assert list(ReminderLog.objects.filter(milestone=second).values_list("kind", flat=True)) == [
        ReminderLog.Kind.BEFORE
    ]
    digests = [m for m in mail.outbox if m.to == [backlog["reader"].email]]
    assert len(digests) == 1
    assert Heartbeat.objects.filter(beat_at__gte=timezone.now() - timedelta(minutes=1)).exists()

    after_first = _processed()
    assert after_first["closed"] >= before["closed"] + 2
    assert after_first["expired"] == before["expired"] + len(backlog["invited"])

    # A second scheduler pass right away: nothing is due, nothing runs.
    with django_capture_on_commit_callbacks(execute=True):
        scheduler()
    assert Task.objects.filter(group__in=schedules).count() == len(schedules)

    # Even if every task ran again (a double-fired schedule, catch_up=True, a retry), none of
    # them processes anything a second time.
    with django_capture_on_commit_callbacks(execute=True):
        results = {
            s.name: import_string(s.func)() for s in Schedule.objects.exclude(name="ops-heartbeat")
        }
    assert results["close-expired-challenges"] == 0
    assert results["award-after-notice"] == 0
    assert results["expire-review-invitations"] == 0
    assert results["project-daily"] == {
        "opened": 0,
        "reminders": 0,
        "cases_final": 0,
        "acceptances_final": 0,
    }
    assert results["notifications-daily-digest"] == 0
    assert _processed() == after_first


def test_tasks_run_twice_the_same_day_send_each_reminder_once():
    """The daily project run, started by two workers (or twice) on the same day."""
    project, _team, _issuer, _officer = active_project()
    today = timezone.localdate()
    project.milestones.update(due_on=today - timedelta(days=20))
    n = project.milestones.count()
    first = project_reminders.reminders_run(today)
    assert first == n
    assert project_reminders.reminders_run(today) == 0
    # a week later: the weekly overdue reminder, once
    assert project_reminders.reminders_run(today + timedelta(days=7)) == n
    assert project_reminders.reminders_run(today + timedelta(days=7)) == 0


# --- b. The database connection drops in the middle of a request ----------------------------


def _drop_connection_on(table):
    """An execute wrapper that fails like a lost server connection when ``table`` is written."""

    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and f'"{table}"' in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    return wrapper


def _reads_english(user):
    """The account's language wins over the browser's (UserLanguageMiddleware)."""
    user.language = "en"
    user.save(update_fields=["language"])


def _friendly_500(response):
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "Nothing was saved from it" in page
    assert response["X-Request-ID"] in page  # the reference to quote
    assert "Traceback" not in page
    assert "OperationalError" not in page


def test_connection_lost_mid_submission_leaves_the_draft_as_it_was():
    """bid_submit writes the bid, then its version (the receipt), then the audit event: the
    connection is lost at the audit event. Nothing of the submission may remain."""
    challenge = published()
    bid = complete_bid(challenge)
    audit_before = AuditEvent.objects.count()
    notes_before = Notification.objects.count()
    client = Client(raise_request_exception=False, headers={"accept-language": "en"})
    _reads_english(bid.created_by)
    client.force_login(bid.created_by)
    with connection.execute_wrapper(_drop_connection_on("audit_auditevent")):
        response = client.post(f"/bids/{bid.reference}/submit/")
    _friendly_500(response)
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT
    assert bid.submitted_at is None
    assert not BidVersion.objects.filter(bid=bid).exists()
    assert AuditEvent.objects.count() == audit_before
    assert Notification.objects.count() == notes_before
    # once the database is back, the same submission goes through
    response = client.post(f"/bids/{bid.reference}/submit/")
    assert response.status_code == 302
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED
    assert BidVersion.objects.filter(bid=bid).count() == 1


def test_database_unreachable_shows_the_error_page_without_touching_the_database(monkeypatch):
    client = Client(raise_request_exception=False, headers={"accept-language": "en"})

    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/challenges/")
    _friendly_500(response)
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_error_page_is_translated():
    client = Client(raise_request_exception=False)  # zh-hans, the default
    challenge = published()
    bid = complete_bid(challenge)
    client.force_login(bid.created_by)
    with connection.execute_wrapper(_drop_connection_on("audit_auditevent")):
        response = client.post(f"/bids/{bid.reference}/submit/")
    assert response.status_code == 500
    assert '<html lang="zh-CN">' in response.content.decode()


# --- c. The disk is full when a file is uploaded ---------------------------------------------


def test_full_disk_on_bid_upload_keeps_the_draft_and_tells_the_user(monkeypatch):
    challenge = published()
    bid = complete_bid(challenge)  # has one attachment already
    before = {
        "attachments": list(bid.attachments.values_list("pk", "sha256")),
        "summary": bid.summary,
        "updated_at": bid.updated_at,
        "audit": AuditEvent.objects.count(),
    }
    client = Client(headers={"accept-language": "en"})
    _reads_english(bid.created_by)
    client.force_login(bid.created_by)

    def full(self, name, content):
        raise FULL_DISK

    monkeypatch.setattr(FileSystemStorage, "_save", full)
    response = client.post(
        f"/bids/{bid.reference}/attach/",
        {"kind": "plan", "file": SimpleUploadedFile("补充材料.pdf", PDF)},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith(f"/bids/{bid.reference}/edit/#attachments")
    page = response.content.decode()
    assert "The file could not be stored" in page
    assert "Nothing was changed" in page
    bid.refresh_from_db()
    assert list(bid.attachments.values_list("pk", "sha256")) == before["attachments"]
    assert bid.summary == before["summary"]
    assert bid.status == BidStatus.DRAFT
    assert AuditEvent.objects.count() == before["audit"]
    assert Attachment.objects.filter(bid=bid, original_name="补充材料.pdf").count() == 0

    monkeypatch.undo()  # space freed: the same upload works
    response = client.post(
        f"/bids/{bid.reference}/attach/",
        {"kind": "plan", "file": SimpleUploadedFile("补充材料.pdf", PDF)},
    )
    assert response.status_code == 302
    assert Attachment.objects.filter(bid=bid, original_name="补充材料.pdf").count() == 1


def test_full_disk_on_milestone_report_refuses_without_half_a_report(monkeypatch):
    from accounts.exceptions import ActionRefused
    from tests.bounty.projects.test_services import open_window

    project, team, _issuer, _officer = active_project()
    milestone = open_window(project.milestones.get(number=1))

    def full(self, name, content):
        raise FULL_DISK

    monkeypatch.setattr(FileSystemStorage, "_save", full)
    with pytest.raises(ActionRefused) as refused, translation.override("en"):
        projects.report_submit(
            milestone=milestone,
            by=team,
            text="完成小试",
            files=[SimpleUploadedFile("测试报告.pdf", PDF)],
        )
    assert "could not be stored" in str(refused.value.message)
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.DUE
    assert not milestone.reports.exists()
