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
