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
