"""Request ids (taken from X-Request-ID when valid, else made) and JSON log lines."""

import io
import json
import logging
import re

import pytest

from ops.log import JsonFormatter, RequestContextFilter
from ops.middleware import clean_request_id
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """The production handler (filter + JSON formatter) on the root logger, into a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    yield lines
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_a_request_id_is_made_when_none_comes():
    from django.test import Client

    response = Client().get("/accounts/login/")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    other = Client().get("/accounts/login/")
    assert other["X-Request-ID"] != response["X-Request-ID"]


def test_a_valid_incoming_request_id_is_kept(client):
    response = client.get("/accounts/login/", headers={"X-Request-ID": "lb-7f3a:01.x_y"})
    assert response["X-Request-ID"] == "lb-7f3a:01.x_y"


@pytest.mark.parametrize(
    "bad",
    ["a" * 129, "has space", "new\nline", "<script>", 'quote"d', "ünïcode", ""],
)
def test_an_invalid_incoming_request_id_is_replaced(client, bad):
    assert clean_request_id(bad) is None
    response = client.get("/accounts/login/", headers={"X-Request-ID": bad} if bad else {})
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_length_cap_is_a_setting(settings):
    settings.OPS_REQUEST_ID_MAX_LENGTH = 8
    assert clean_request_id("12345678") == "12345678"
    assert clean_request_id("123456789") is None


def test_one_json_line_per_request_with_user_status_duration(client, json_log):
    user = UserFactory()
    client.force_login(user)
    client.get("/notifications/", headers={"X-Request-ID": "req-123"})
    entries = [e for e in json_log() if e["logger"] == "ops.request"]
    assert len(entries) == 1
    entry = entries[0]
    assert entry["request_id"] == "req-123"
    assert entry["user_id"] == user.pk
    assert entry["path"] == "/notifications/"
    assert entry["method"] == "GET"
    assert entry["status"] == 200
    assert entry["duration_ms"] >= 0
    assert entry["level"] == "INFO"
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$", entry["time"])
    assert entry["message"].startswith("GET /notifications/ 200")


def test_other_log_lines_of_the_request_carry_its_id(client, json_log):
    """Django's own "Not Found" warning, written during the request, has the same id."""
    client.get("/no-such-page/", headers={"X-Request-ID": "req-404"})
    entries = json_log()
    not_found = [e for e in entries if e["logger"] == "django.request"]
    assert not_found
    assert not_found[0]["request_id"] == "req-404"
    assert not_found[0]["level"] == "WARNING"
    request_line = next(e for e in entries if e["logger"] == "ops.request")
    assert request_line["status"] == 404
    assert "user_id" not in request_line  # anonymous: no user id


def test_outside_a_request_there_is_no_request_id(json_log):
    logging.getLogger("ops.test").info("worker says %s", "hello")
    entry = json_log()[-1]
    assert entry["message"] == "worker says hello"
    assert "request_id" not in entry
    assert "path" not in entry


def test_exceptions_are_in_the_json_line(json_log):
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("ops.test").exception("failed")
    entry = json_log()[-1]
    assert entry["level"] == "ERROR"
    assert "ValueError: boom" in entry["exc_info"]


def test_logging_settings_switch_between_text_and_json(settings):
    """LOG_FORMAT picks the console formatter; the filter is always on."""
    handler = settings.LOGGING["handlers"]["console"]
    assert handler["filters"] == ["request"]
    assert handler["formatter"] == ("json" if settings.LOG_FORMAT == "json" else "text")
    assert settings.LOGGING["formatters"]["json"]["()"] == "ops.log.JsonFormatter"
    assert "%(request_id)s" in settings.LOGGING["formatters"]["text"]["format"]


def test_health_probes_are_quiet_unless_they_fail(client, json_log, monkeypatch):
    from ops import health

    monkeypatch.setattr(health, "run_checks", lambda: (True, {}))
    client.get("/healthz")
    assert not [e for e in json_log() if e["logger"] == "ops.request"]
    monkeypatch.setattr(health, "run_checks", lambda: (False, {}))
    client.get("/healthz")
    entries = [e for e in json_log() if e["logger"] == "ops.request"]
    assert len(entries) == 1
    assert entries[0]["status"] == 503
