"""Email preferences: kinds switched off, and the daily digest instead."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import EmailPreference, Notification
from notifications.services import notify
from notifications.tasks import send_daily_digests, send_notification_emails
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _note(user, kind="system.message"):
    notify(
        recipients=[user],
        kind=kind,
        params={"text": "你好", "title": "测试榜单", "number": 1, "date": "2027-01-01", "days": 3},
    )
    return Notification.objects.filter(recipient=user).latest("pk")


def test_muted_kind_is_not_emailed_but_stays_in_the_inbox():
    user = UserFactory()
    EmailPreference.objects.create(user=user, muted_kinds=["project.milestone_before"])
    muted = _note(user, "project.milestone_before")
    other = _note(user, "system.message")
    send_notification_emails([muted.pk, other.pk])
    assert len(mail.outbox) == 1
    muted.refresh_from_db()
    assert muted.emailed_at is None
    assert Notification.objects.filter(recipient=user).count() == 2


def test_daily_digest_sends_one_email_once():
    user = UserFactory()
    EmailPreference.objects.create(
        user=user, daily_digest=True, muted_kinds=["challenge.published"]
    )
    notes = [_note(user) for _ in range(3)]
    _note(user, "challenge.published")
    send_notification_emails([n.pk for n in notes])
    assert mail.outbox == []  # waiting for the digest
    assert send_daily_digests() == 1
    assert len(mail.outbox) == 1
    assert "3" in mail.outbox[0].subject
    assert send_daily_digests() == 0  # a second run the same day sends nothing
    assert len(mail.outbox) == 1


def test_preferences_page(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("notifications:preferences")
    page = client.get(url)
    assert page.status_code == 200
    assert "project.milestone_overdue" in page.content.decode()
    client.post(url, {"daily_digest": "1", "email": ["project.milestone_overdue"]})
    preference = EmailPreference.objects.get(user=user)
    assert preference.daily_digest is True
    assert "project.milestone_overdue" not in preference.muted_kinds
    assert "project.milestone_before" in preference.muted_kinds
