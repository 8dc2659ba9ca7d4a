import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.services import token_create


@pytest.fixture(autouse=True)
def _api_settings(settings):
    """Throttle counters start empty; rates high unless a test lowers them."""
    settings.API_THROTTLE_RATES = {"anon": "10000/min", "user": "10000/min"}
    cache.clear()
    yield
    cache.clear()


def token_client(user, scope="write"):
    """A client sending a fresh personal token of ``user`` (None: anonymous)."""
    client = APIClient()
    if user is not None:
        _token, key = token_create(by=user, name="tests", scope=scope)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        client.key = key
    return client


@pytest.fixture
def api():
    return token_client


def error_of(response):
    """The error body, checked for the one format every API error has."""
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]
