"""`manage.py check --deploy`: the security baseline an operator must keep."""

from datetime import timedelta

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError
from django.utils import timezone


@register(Tags.security, deploy=True)
def superuser_recent_login(app_configs=None, **kwargs):
    """A superuser is for installation only: warn when one logged in recently."""
    from django.contrib.auth import get_user_model

    days = settings.SECURITY["SUPERUSER_LOGIN_WARN_DAYS"]
    since = timezone.now() - timedelta(days=days)
    try:
        names = list(
            get_user_model()
            .objects.filter(is_superuser=True, last_login__gte=since)
            .values_list("username", flat=True)[:10]
        )
    except DatabaseError:
        return []  # no database yet (first migrate): nothing to say
    if not names:
        return []
    return [
        Warning(
            f"Superuser account(s) {', '.join(names)} logged in during the last {days} days.",
            hint="A superuser is for installation only: create the system, security and audit "
            "administrators (manage.py staff_duty grant) and deactivate the superuser.",
            id="security.W001",
        )
    ]


@register(Tags.security, deploy=True)
def retention_and_two_factor(app_configs=None, **kwargs):
    problems = []
    if settings.SECURITY["AUDIT_RETENTION_DAYS"] < 180:
        problems.append(
            Warning(
                "SECURITY_AUDIT_RETENTION_DAYS is below 180.",
                hint="等保 2.0 level 3 keeps audit records at least six months.",
                id="security.W002",
            )
        )
    if not settings.SECURITY["TWO_FACTOR_ENFORCED"]:
        problems.append(
            Warning(
                "Two-factor log-in is not enforced (SECURITY_2FA_ENFORCED=false).",
                hint="Officers, supervisors and administrators must use a second factor.",
                id="security.W003",
            )
        )
    return problems
