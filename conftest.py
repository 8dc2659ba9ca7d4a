"""Shared fixtures for the whole suite (root conftest, as cookiecutter-django does)."""

import pytest

from tests.factories import (
    OrganizationFactory,
    UserFactory,
    bureau_officer,
    member_of,
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def english(client):
    """Assertions in English: this thread and the test client both speak it.

    ``translation.override`` alone is not enough once the client makes a request: the
    middleware activates the request's language (the user's saved one, else zh-hans) in
    the same thread, and messages built after it would be Chinese. So the client asks
    for English and every user it signs in has English saved.
    """
    from django.utils import translation

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # survives logout(), unlike a cookie
    sign_in = client.force_login

    def force_login(user, backend=None):
        # A signed-in user's saved language wins over the browser's (UserLanguageMiddleware).
        type(user).objects.filter(pk=user.pk).update(language="en")
        user.language = "en"
        return sign_in(user, backend)

    client.force_login = force_login
    with translation.override("en"):
        yield client


@pytest.fixture
def bureau(db):
    return bureau_officer()


@pytest.fixture
def enterprise(db):
    return OrganizationFactory(kind="enterprise", verified=True)


@pytest.fixture
def issuer(enterprise):
    return member_of(enterprise, "issuer", is_admin=True)


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Transactional tests flush with TRUNCATE; in the *test* database only, let them.

    The UPDATE/DELETE triggers stay on, and a test checks that the TRUNCATE
    trigger is installed.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_truncate"
                )
