"""Calls (批次) in OCDS: each published call is a planning process of its own; each challenge
published in it names that process in ``relatedProcesses`` (relationship ``planning``).
Everything validates against the shipped schema."""

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from documents.calls import call_notice, call_stem
from opendata.ocds.calls import call_ocid
from opendata.ocds.packages import call_package, release_package
from opendata.ocds.values import _dt
from opendata.validation import package_errors, release_errors
from tests.documents.call_helpers import TITLES, call_in_vetting, published_call
from tests.opendata.test_ocds import valid_package

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_challenge_of_a_call_names_the_calls_planning_process():
    call, _officer, challenges = published_call()
    ocid = f"{settings.JIEBANG['OCID_PREFIX']}-call-2027-1"
    assert call_ocid(call) == ocid == call_stem(call)  # the 发榜公告's number says the same
    data = valid_package(challenges[0])
    tender = data["releases"][0]
    assert tender["tag"] == ["tender"]
    assert tender["relatedProcesses"] == [
        {
            "id": "call",
            "relationship": ["planning"],
            "title": call.name,
            "scheme": "ocid",
            "identifier": ocid,
            "uri": settings.SITE_URL.rstrip("/") + reverse("opendata:call_package", args=[2027, 1]),
        }
    ]
    assert call.name in tender["planning"]["rationale"]
    assert call.name in tender["planning"]["budget"]["description"]
    assert tender["tender"]["tenderPeriod"]["endDate"] == _dt(call.bids_close_at)


def test_a_challenge_without_a_call_has_no_related_process():
    from tests.bounty.helpers import published

    data = valid_package(published())
    assert "relatedProcesses" not in data["releases"][0]
    assert "rationale" not in data["releases"][0].get("planning", {})


def test_the_call_is_a_planning_release_with_its_windows_list_and_announcement(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        call, _officer, challenges = published_call()
    data = call_package(call)
    assert package_errors(data) == []
    (release,) = data["releases"]
    assert release_errors(release) == []
    assert release["ocid"] == call_ocid(call)
    assert release["tag"] == ["planning"]  # never "tender": a planning process (OCDS guidance)
    assert release["tender"]["title"] == call.name
    assert [i["id"] for i in release["tender"]["items"]] == [c.ocid for c in challenges]
    assert release["tender"]["value"] == {"amount": 16000000, "currency": "CNY"}
    assert (
        release["tender"]["tenderPeriod"]["endDate"]
        == (release_package(challenges[0])["releases"][0]["tender"]["tenderPeriod"]["endDate"])
    )
    assert "申报条件" in release["tender"]["description"]
    milestones = {m["id"]: m for m in release["planning"]["milestones"]}
    assert milestones["needs-collection"]["type"] == "preProcurement"
    assert milestones["list-published"]["status"] == "met"
    (document,) = release["planning"]["documents"]
    notice = call_notice(call)
    assert document["id"] == notice.number
    assert document["documentType"] == "tenderNotice"
    assert document["url"].endswith(reverse("documents:download", args=[notice.number]))
    roles = {p["name"]: p["roles"] for p in release["parties"]}
    assert roles[challenges[0].issuer.name] == ["buyer"]
    assert len(TITLES) == len(release["tender"]["items"])


def test_the_call_package_is_served_once_the_list_is_published(client):
    unpublished = call_in_vetting(year=2027, batch=2)
    url = reverse("opendata:call_package", args=[unpublished.year, unpublished.batch])
    assert client.get(url).status_code == 404
    call, _officer, _challenges = published_call()
    response = client.get(reverse("opendata:call_package", args=[call.year, call.batch]))
    assert response.status_code == 200
    data = response.json()
    assert package_errors(data) == []
    assert data["releases"][0]["ocid"] == call_ocid(call)
    assert "documents" not in data["releases"][0]["planning"]  # not rendered yet: not listed


def test_export_all_validates_the_calls_too():
    call, _officer, challenges = published_call()
    out, err = StringIO(), StringIO()
    call_command("ocds_export", "--all", "--validate", "--indent", "0", stdout=out, stderr=err)
    packages = [json.loads(line) for line in out.getvalue().splitlines()]
    ocids = [p["releases"][0]["ocid"] for p in packages]
    assert call_ocid(call) in ocids
    assert {c.ocid for c in challenges} <= set(ocids)
    assert f"call {call.code}: valid OCDS" in err.getvalue()
