from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notify
from tests.factories import UserFactory


@pytest.mark.django_db
def test_email_is_queued_only_after_commit(django_capture_on_commit_callbacks):
    user = UserFactory()
    with mock.patch("notifications.services.async_task") as async_task:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            notify(recipients=[user], kind="system.message", params={"text": "hi"})
        assert async_task.call_count == 0  # nothing queued inside the transaction
        for callback in callbacks:
            callback()
        async_task.assert_called_once()
        assert async_task.call_args.args[0] == "notifications.tasks.send_notification_emails"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rolled_back_action_sends_nothing_and_leaves_no_notification():
    user = UserFactory()
    with mock.patch("notifications.services.async_task") as async_task:

        def failing_action():
            with transaction.atomic():
                notify(recipients=[user], kind="system.message", params={"text": "hi"})
                raise RuntimeError("the action failed")

        with pytest.raises(RuntimeError):
            failing_action()
        assert async_task.call_count == 0
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_email_is_sent_in_the_recipients_language_once():
    zh, en = UserFactory(language="zh-hans"), UserFactory(language="en")
    with transaction.atomic():
        notify(
            recipients=[zh, en, zh],
            kind="organization.reject",
            params={"name": "甲单位", "comment": "执照模糊"},
        )
    assert len(mail.outbox) == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert by_recipient[zh.email].subject == "甲单位 未通过核验"
    assert by_recipient[en.email].subject == "甲单位 was not verified"
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0
    # A retried task does not send again.
    from notifications.tasks import send_notification_emails

    send_notification_emails(list(Notification.objects.values_list("pk", flat=True)))
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        notify(recipients=[UserFactory()], kind="no.such.kind")


@pytest.mark.django_db
def test_inbox_shows_unread_count_and_marks_read(client):
    user = UserFactory(language="en")
    notify(
        recipients=[user], kind="system.message", params={"text": "Hello"}, url="/accounts/profile/"
    )
    client.force_login(user)
    page = client.get(reverse("home"))
    assert b'class="badge"' in page.content
    note = Notification.objects.get(recipient=user)
    response = client.get(reverse("notifications:open", args=[note.pk]))
    assert response.url == "/accounts/profile/"
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.django_db
def test_cannot_open_someone_elses_notification(client):
    other = UserFactory()
    notify(recipients=[other], kind="system.message", params={"text": "secret"})
    client.force_login(UserFactory())
    note = Notification.objects.get(recipient=other)
    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_batched_emails_queue_few_tasks_for_many_committed_notifications(settings):
    """The daily reminders notify in one small transaction per milestone; the e-mails go
    out as one task per EMAIL_TASK_SIZE notifications, and a rolled-back one is not among them."""
    from notifications import services

    users = [UserFactory() for _ in range(5)]

    def rolled_back():
        with transaction.atomic():
            notify(recipients=[users[0]], kind="system.message", params={"text": "no"})
            raise RuntimeError("rolled back")

    with (
        mock.patch("notifications.services.async_task") as async_task,
        mock.patch.object(services, "EMAIL_TASK_SIZE", 2),
        services.batched_emails(),
    ):
        for user in users:
            with transaction.atomic():
                notify(recipients=[user], kind="system.message", params={"text": "hi"})
        with pytest.raises(RuntimeError):
            rolled_back()
        assert async_task.call_count == 0  # nothing before the block ends
    queued = [call.args[1] for call in async_task.call_args_list]
    assert [len(ids) for ids in queued] == [2, 2, 1]
    committed = set(Notification.objects.values_list("pk", flat=True))
    assert sorted(i for ids in queued for i in ids) == sorted(committed)
    assert len(committed) == 5
