"""Settings for the test suite. DATABASE_URL picks SQLite (default) or PostgreSQL."""

from .base import *  # noqa: F403
from .base import Q_CLUSTER

SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdef"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
Q_CLUSTER["sync"] = True  # read at import time: tasks run inline
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Login throttling is off for the suite (client.login() has no request); the axes tests
# switch it on with override_settings(AXES_ENABLED=True).
AXES_ENABLED = False
# Two-factor log-in is required of officers and administrators everywhere else; the suite
# logs them in with force_login, so the requirement is switched on by the tests that are
# about it (tests/security/) with override_settings / the `two_factor_enforced` fixture.
SECURITY = {**SECURITY, "TWO_FACTOR_ENFORCED": False}  # noqa: F405
# Sealed bids are switched on by the tests that are about them (tests/bounty/sealing/):
# the rest of the suite reads bids before their opening. A cheap scrypt keeps them fast.
BID_SEALING = env.bool("TEST_BID_SEALING", default=False)  # noqa: F405
BID_SEALING_SCRYPT_N = 2**10
