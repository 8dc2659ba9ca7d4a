"""The OCDS feed (since + cursor paging), the package endpoint, its OpenAPI description,
the export command and the link on the challenge page."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from bounty.challenges import services as bounty_services
from opendata.ocds.packages import release_package
from opendata.ocds.releases import releases_changed_since
from opendata.validation import package_errors
from tests.bounty.helpers import draft, published
from tests.factories import bureau_officer
from tests.opendata.helpers import amend

pytestmark = pytest.mark.django_db


def public_world(n=3):
    """``n`` published challenges (every other one amended twice), a withdrawn one and a
    draft: the last two must never appear."""
    officer = bureau_officer()
    public = []
    for i in range(n):
        challenge = published(officer=officer, title=f"公开榜单{i}")
        if i % 2 == 0:
            amend(challenge, officer, reason="追加", bounty_total=Decimal("900"))
            amend(challenge, officer, reason="再追加", bounty_total=Decimal("950"))
        public.append(challenge)
    withdrawn = published(officer=officer, title="撤回的榜单")
    bounty_services.challenge_decide(
        challenge=withdrawn, by=officer, decision="withdraw", comment="发榜方申请撤回"
    )
    hidden = [withdrawn, draft(title="草稿榜单")]
    return public, hidden


def all_releases(challenges):
    return [r for c in challenges for r in release_package(c)["releases"]]


def walk(client, url):
    """Follow links.next to the end; every page is a valid release package."""
    seen, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        data = response.json()
        if data["releases"]:
            assert package_errors(data) == []
        seen += data["releases"]
        url = data.get("links", {}).get("next")
        pages += 1
    return seen, pages


def test_feed_pages_are_complete_without_duplicates_and_only_public(client):
    public, hidden = public_world()
    expected = all_releases(public)
    assert len(expected) == 7  # 3 tenders + 2 × 2 amendments
    seen, pages = walk(client, reverse("opendata:releases") + "?limit=2")
    assert pages == 4
    assert len({r["id"] for r in seen}) == len(seen)
    assert sorted(seen, key=lambda r: r["id"]) == sorted(expected, key=lambda r: r["id"])
    dates = [parse_datetime(r["date"]) for r in seen]
    assert dates == sorted(dates)  # oldest first
    for challenge in hidden:
        assert all(r["ocid"] != challenge.ocid for r in seen)


def test_feed_since_keeps_only_later_releases(client):
    first, _hidden = public_world(1)
    cut = timezone.now()
    officer = bureau_officer()
    later = published(officer=officer, title="之后发布")
    amend(first[0], officer, reason="第三次追加", bounty_total=Decimal("990"))
    url = (
        reverse("opendata:releases") + "?" + f"limit=1&since={cut.isoformat()}".replace("+", "%2B")
    )
    seen, pages = walk(client, url)
    assert pages == 2
    assert [r["ocid"] for r in seen] == [later.ocid, first[0].ocid]
    assert seen[1]["tag"] == ["tenderAmendment"]
    assert seen[1]["tender"]["value"]["amount"] == 9900000
    # A naive time is the site's local time; an unencoded "+" (a space) is understood.
    naive = timezone.localtime(cut).replace(tzinfo=None).isoformat()
    assert len(client.get(reverse("opendata:releases"), {"since": naive}).json()["releases"]) == 2
    spaced = timezone.localtime(cut).isoformat().replace("+", " ")
    assert len(client.get(reverse("opendata:releases"), {"since": spaced}).json()["releases"]) == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "yesterday"}, "since"),
        ({"cursor": "abc"}, "cursor"),
        ({"cursor": "-1"}, "cursor"),
        ({"cursor": str(2**63)}, "cursor"),
        ({"since": "2026-13-45T00:00:00"}, "since"),
        ({"since": "\x00"}, "since"),
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
    ],
)
def test_feed_refuses_bad_parameters_with_400(client, params, field):
    response = client.get(reverse("opendata:releases"), params)
    assert response.status_code == 400
    assert field in json.dumps(response.json())


def test_empty_feed_is_an_empty_list(client):
    response = client.get(reverse("opendata:releases"))
    assert response.status_code == 200
    assert response.json()["releases"] == []
    assert "links" not in response.json()


def _feed_queries(limit):
    with CaptureQueriesContext(connection) as ctx:
        releases, _cursor = releases_changed_since(limit=limit)
    return len(ctx.captured_queries), releases


def test_feed_page_query_count_does_not_grow_with_the_page():
    public_world(6)
    small, releases_small = _feed_queries(3)
    large, releases_large = _feed_queries(100)
    assert len(releases_small) == 3
    assert len(releases_large) == 12
    # events, challenges + indicators + criteria + amendments + clarifications, republished
    # challenges, bureau
    assert small == large == 8


def test_feed_page_query_count_with_every_kind_of_release(settings, tmp_path):
    from tests.opendata.helpers import contracted, meet_milestone, pay_first_tranche

    settings.MEDIA_ROOT = tmp_path / "media"
    challenge, _bids, officer, project = contracted(objection_upheld=True)
    first, _second = project.milestones.order_by("number")
    meet_milestone(first, team=project.bid.created_by, issuer=challenge.created_by, officer=officer)
    pay_first_tranche(project, officer)
    count, releases = _feed_queries(100)
    assert {tuple(r["tag"]) for r in releases} >= {
        ("tender",),
        ("tenderUpdate",),
        ("award",),
        ("awardUpdate",),
        ("contract",),
        ("implementationUpdate",),
    }
    # + milestones, tranches, projects (+ their milestones and tranches), tenderer counts,
    # proposals and the bids they name.
    assert count == 16


def test_package_endpoint_and_404_for_what_is_not_public(client):
    public, hidden = public_world(1)
    challenge = public[0]
    response = client.get(reverse("opendata:package", args=[challenge.ocid]))
    assert response.status_code == 200
    data = response.json()
    assert package_errors(data) == []
    assert data["uri"] == "http://testserver" + reverse("opendata:package", args=[challenge.ocid])
    assert [r["tag"] for r in data["releases"]] == [
        ["tender"],
        ["tenderAmendment"],
        ["tenderAmendment"],
    ]
    for ocid in [c.ocid for c in hidden] + ["ocds-jbgs01-2099-999999", "ocds\x00"]:
        assert client.get(reverse("opendata:package", args=[ocid])).status_code == 404


def test_package_is_in_chinese_whatever_the_request_language(client):
    challenge = published()
    zh = client.get(
        reverse("opendata:package", args=[challenge.ocid]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    en = client.get(reverse("opendata:package", args=[challenge.ocid]), HTTP_ACCEPT_LANGUAGE="en")
    assert zh.json()["releases"] == en.json()["releases"]


def test_openapi_schema_describes_the_ocds_endpoints():
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    feed = schema["paths"]["/api/v1/ocds/releases/"]["get"]
    assert {p["name"] for p in feed["parameters"]} == {"since", "cursor", "limit"}
    # Its own answers, besides the error answers the API's schema adds to every operation.
    assert {"200", "400", "429"} <= set(feed["responses"])
    package = schema["paths"]["/api/v1/ocds/challenges/{ocid}/package/"]["get"]
    assert {"200", "404"} <= set(package["responses"])
    assert feed["security"] != []  # AllowAny, but the API's global authentication applies


def test_export_command_prints_and_validates(capsys):
    challenge = published()
    call_command("ocds_export", challenge.ocid, "--validate")
    out, err = capsys.readouterr()
    assert json.loads(out)["releases"][0]["id"] == f"{challenge.ocid}-tender-1"
    assert f"{challenge.ocid}: valid OCDS 1.1 release package (1 releases)" in err
    with pytest.raises(CommandError):
        call_command("ocds_export", draft().ocid)
    with pytest.raises(CommandError):
        call_command("ocds_export")
    other = published(title="第二个")
    call_command("ocds_export", "--all", "--validate", "--indent", "0")
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert [json.loads(line)["releases"][0]["ocid"] for line in lines] == [
        challenge.ocid,
        other.ocid,
    ]
    assert err.count("valid OCDS") == 2


def test_challenge_page_links_to_its_package(client):
    challenge = published()
    page = client.get(challenge.get_absolute_url())
    assert reverse("opendata:package", args=[challenge.ocid]) in page.content.decode()
    unpublished = draft()
    client.force_login(unpublished.created_by)
    page = client.get(unpublished.get_absolute_url())
    assert page.status_code == 200
    assert reverse("opendata:package", args=[unpublished.ocid]) not in page.content.decode()


def test_since_in_the_future_gives_nothing():
    public_world(1)
    releases, cursor = releases_changed_since(timezone.now() + timedelta(days=1), limit=10)
    assert releases == []
    assert cursor is None
