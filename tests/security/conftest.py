import pytest
from django.conf import settings


@pytest.fixture
def two_factor_enforced(settings):
    """The production rule (the suite's settings switch it off for force_login)."""
    settings.SECURITY = {**settings.SECURITY, "TWO_FACTOR_ENFORCED": True}
    return settings


def verified(client, user):
    """Log ``user`` in with a confirmed authenticator, as after the second step."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session["_sec_verified"] = True
    session.save()
    return device


__all__ = ["settings", "verified"]
