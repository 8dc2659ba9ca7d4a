"""Issue 16 point 11: the default minimum bidding window is 30 days (a setting)."""

from datetime import timedelta

from django.utils import timezone

from bounty.challenges.rules import deadline_error


def test_default_minimum_window_is_30_days():
    now = timezone.now()
    assert deadline_error(now + timedelta(days=25), from_time=now) is not None
    assert deadline_error(now + timedelta(days=30, minutes=1), from_time=now) is None


def test_minimum_window_is_a_setting(settings):
    settings.JIEBANG = {**settings.JIEBANG, "MIN_BID_WINDOW_DAYS": 20}
    now = timezone.now()
    assert deadline_error(now + timedelta(days=25), from_time=now) is None
