"""Draw v3 (issue 18): each weakness of v1/v2 reproduced, and refused or detected now.

- one person in both roles; officer and supervisor of one organisation;
- a second bid-review draw without a reason, not listed publicly; a cancellation without
  its reason in public;
- the last revealer seeing the result first (no public value required);
- a freely typed public value (eight spellings, eight panels);
- a bundle relabelled to another challenge, other params or another pool; commitments
  carried over from another draw; typed words as secrets.
"""

import re
import secrets

import pytest
from django.utils import translation

from accounts.exceptions import ActionRefused
from accounts.selectors import bureau_organization
from review import verify_draw as algo
from review.draw import services
from review.draw.rules import commit_prefix, draw_commitment
from review.models import Draw, DrawStatus
from tests.factories import member_of
from tests.review.draw.helpers import (
    closed_challenge_with_bids,
    oversight_org,
    pool,
    public_source,
    run_draw,
    supervisor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english):
    with translation.override("en"):
        yield


def _open(challenge, officer, **kwargs):
    return services.draw_create(
        challenge=challenge, by=officer, public_value_source=public_source(), **kwargs
    )


def _commit(draw, user, party, secret):
    return services.draw_commit(
        draw=draw, by=user, party=party, commitment=draw_commitment(draw, party, secret)
    )


def _frozen(challenge, officer, sup):
    """A v3 draw committed by both parties and frozen; returns (draw, bureau, supervisor secrets)."""
    draw = _open(challenge, officer)
    mine, theirs = secrets.token_hex(16), secrets.token_hex(16)
    _commit(draw, officer, "bureau", mine)
    _commit(draw, sup, "supervisor", theirs)
    return services.draw_freeze(draw=draw, by=officer), mine, theirs


# --- 1. one person, one organisation ----------------------------------------------------


def test_one_person_cannot_be_officer_and_supervisor_of_a_draw():
    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(10)
    member_of(oversight_org(), "supervisor", user=officer)  # holds both roles
    draw = _open(challenge, officer)
    _commit(draw, officer, "bureau", "a" * 32)
    with pytest.raises(ActionRefused, match="another person than the officer"):
        _commit(draw, officer, "supervisor", "b" * 32)
    draw.refresh_from_db()
    assert draw.supervisor_id is None
    assert draw.supervisor_commitment == ""


def test_supervisor_from_the_officers_organisation_is_refused():
    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(10)
    bureau = bureau_organization()  # the city bureau (marked), not the oversight team
    colleague = member_of(bureau, "supervisor")
    draw = _open(challenge, officer)
    _commit(draw, officer, "bureau", "a" * 32)
    with pytest.raises(ActionRefused, match="another organisation than the bureau officer"):
        _commit(draw, colleague, "supervisor", "b" * 32)
    # The supervisors' own organisation is accepted, and the bundle names both parties.
    sup = supervisor()
    _commit(draw, sup, "supervisor", "b" * 32)
    draw.refresh_from_db()
    assert draw.parties["bureau"]["role"] == "bureau_officer"
    assert draw.parties["supervisor"]["organisation"] == "测试纪检监察组"
    assert draw.parties["bureau"]["person"] != draw.parties["supervisor"]["person"]


def test_bundle_names_the_parties_and_the_verifier_refuses_one_person_or_one_organisation():
    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(12)
    draw = run_draw(challenge, officer)
    data = services.bundle(draw)
    assert algo.verify(data) == []
    assert data["parties"]["bureau"]["name"] == (officer.get_full_name() or officer.username)
    assert data["parties"]["supervisor"]["organisation"] == "测试纪检监察组"
    same_person = {**data, "parties": {**data["parties"]}}
    same_person["parties"]["supervisor"] = {
        **data["parties"]["supervisor"],
        "person": data["parties"]["bureau"]["person"],
    }
    assert "the bureau officer and the supervisor are the same person" in algo.verify(same_person)
    same_org = {**data, "parties": {**data["parties"]}}
    same_org["parties"]["supervisor"] = {
        **data["parties"]["supervisor"],
        "organisation_code": data["parties"]["bureau"]["organisation_code"],
    }
    problems = algo.verify(same_org)
    assert "the bureau officer and the supervisor belong to the same organisation" in problems
    assert "seed does not match the reveals" in problems  # the parties are in the seed too


# --- 2. redraws and cancellations, in public --------------------------------------------


def test_second_bid_review_draw_needs_a_reason_and_both_are_listed_publicly(client):
    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(14)
    first = run_draw(challenge, officer)
    with pytest.raises(ActionRefused, match="Give the reason for a new draw"):
        _open(challenge, officer)
    assert Draw.objects.filter(challenge=challenge).count() == 1
    second = _open(challenge, officer, redraw_reason="两名专家回避后人数不足，重新抽取")
    assert second.redraw_reason == "两名专家回避后人数不足，重新抽取"
    response = client.get(f"/review/challenges/{challenge.ocid}/draws/public/")  # anonymous
    assert response.status_code == 200
    page = response.content.decode()
    assert f"#{first.pk}" in page
    assert f"#{second.pk}" in page
    assert "两名专家回避后人数不足，重新抽取" in page
    assert first.bureau_commitment in page
    assert first.pool_hash in page
    assert not any(s.expert.name in page for s in first.seats.select_related("expert"))


def test_cancelling_a_frozen_draw_needs_a_reason_shown_publicly(client):
    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(10)
    draw, _mine, _theirs = _frozen(challenge, officer, supervisor())
    for reason in ("", "   "):
        with pytest.raises(ActionRefused, match="reason"):
            services.draw_cancel(draw=draw, by=officer, reason=reason)
    services.draw_cancel(draw=draw, by=officer, reason="监督人员更换")
    draw.refresh_from_db()
    assert draw.status == DrawStatus.CANCELLED
    assert draw.cancelled_at is not None
    page = client.get(f"/review/challenges/{challenge.ocid}/draws/public/").content.decode()
    assert "监督人员更换" in page
    assert "Reason for cancelling" in page


def test_public_page_shows_commitments_pool_hash_and_source_before_the_reveals(client):
    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(10)
    draw, _mine, _theirs = _frozen(challenge, officer, supervisor())
    page = client.get(f"/review/challenges/{challenge.ocid}/draws/public/").content.decode()
    for value in (
        draw.bureau_commitment,
        draw.supervisor_commitment,
        draw.pool_hash,
        draw.public_value_source,
    ):
        assert value in page
    assert "not entered yet" in page
    detail = client.get(challenge.get_absolute_url()).content.decode()
    assert f"/review/challenges/{challenge.ocid}/draws/public/" in detail


# --- 3. the public value -----------------------------------------------------------------


def test_bid_review_draw_needs_a_named_public_value_in_the_fixed_format():
    challenge, _bids, officer = closed_challenge_with_bids(1)
    for source in ("", "福彩3D 2026-12-10", "cwl-3d:2026-1-10", "cwl-3d:２０２６-12-10"):
        with pytest.raises(ActionRefused):
            services.draw_create(challenge=challenge, by=officer, public_value_source=source)
    with pytest.raises(ActionRefused, match="after today"):
        services.draw_create(
            challenge=challenge, by=officer, public_value_source=public_source(days=0)
        )
    assert not Draw.objects.exists()


def test_reveals_do_not_complete_a_bid_review_draw_before_the_public_value():
    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(10)
    sup = supervisor()
    draw, mine, theirs = _frozen(challenge, officer, sup)
    services.draw_reveal(draw=draw, by=officer, party="bureau", secret=mine)
    with pytest.raises(ActionRefused, match="Both secrets are revealed before the public value"):
        services.draw_set_public_value(draw=draw, by=officer, value="483")
    draw = services.draw_reveal(draw=draw, by=sup, party="supervisor", secret=theirs)
    assert draw.status == DrawStatus.FROZEN
    assert draw.seed == ""
    assert not draw.seats.exists()
    draw = services.draw_set_public_value(draw=draw, by=officer, value="483")
    assert draw.status == DrawStatus.COMPLETED


EIGHT_SPELLINGS = [
    "483",
    "4 8 3",
    " 4 8 3 ",
    "4,8,3",
    "4-8-3",
    "４８３",  # full-width digits: refused
    "4　8　3",  # ideographic spaces: refused
    "第2026335期 483",  # the issue number: refused
]


def test_eight_spellings_of_one_lottery_result_give_one_panel_or_are_refused():
    source = public_source()
    accepted = set()
    for spelling in EIGHT_SPELLINGS:
        try:
            accepted.add(algo.normalise_public_value(source, spelling))
        except ValueError:
            continue
    assert accepted == {"483"}
    for wrong in ("4831", "48", "4.8.3", "4\t8\t3", "483\n"):
        with pytest.raises(ValueError):
            algo.normalise_public_value(source, wrong)
    # Through the platform: the refused spellings record nothing; the first accepted wins.
    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(10)
    sup = supervisor()
    draw, mine, theirs = _frozen(challenge, officer, sup)
    services.draw_reveal(draw=draw, by=officer, party="bureau", secret=mine)
    services.draw_reveal(draw=draw, by=sup, party="supervisor", secret=theirs)
    for spelling in EIGHT_SPELLINGS[5:]:
        with pytest.raises(ActionRefused, match="3 ASCII digits"):
            services.draw_set_public_value(draw=draw, by=officer, value=spelling)
    draw = services.draw_set_public_value(draw=draw, by=officer, value=" 4-8-3 ")
    assert (draw.status, draw.public_value) == (DrawStatus.COMPLETED, "483")
    data = services.bundle(draw)
    assert algo.verify(data) == []
    data["public_value"] = "4 8 3"  # another spelling in the bundle: not the normal form
    assert "public value is not written in its normal form" in algo.verify(data)


# --- 4. context binding -----------------------------------------------------------------


@pytest.fixture
def v3_bundle():
    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(12)
    draw = run_draw(challenge, officer)
    data = services.bundle(draw)
    assert data["algorithm"] == algo.V3
    assert algo.verify(data) == []
    return data


@pytest.mark.parametrize(
    "relabel",
    [
        pytest.param(lambda b: b.update(challenge="ocds-jbgs-2026-999999"), id="challenge"),
        pytest.param(lambda b: b.update(draw=b["draw"] + 1), id="draw-id"),
        pytest.param(lambda b: b.update(purpose="acceptance"), id="purpose"),
        pytest.param(lambda b: b["params"].update(alternates=3), id="params"),
        pytest.param(lambda b: b["params"].update(max_per_employer=2), id="params-employer"),
        pytest.param(lambda b: b.update(public_value_source="cwl-3d:2099-01-01"), id="source"),
        pytest.param(lambda b: b.update(redraw_reason="x"), id="redraw-reason"),
    ],
)
def test_relabelled_bundle_fails_verification(v3_bundle, relabel):
    relabel(v3_bundle)
    v3_bundle["context_id"] = algo.context_id(algo.context(v3_bundle))  # a careful forger
    problems = algo.verify(v3_bundle)
    assert "seed does not match the reveals" in problems
    assert "bureau reveal does not match its commitment for this draw" in problems


def test_bundle_with_another_pool_fails_even_when_rehashed(v3_bundle):
    v3_bundle["pool"] = v3_bundle["pool"][1:]
    v3_bundle["pool_hash"] = algo.pool_hash(v3_bundle["pool"])
    assert "seed does not match the reveals" in algo.verify(v3_bundle)


def test_commitments_from_another_draw_fail():
    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(14)
    sup = supervisor()
    first = run_draw(challenge, officer, sup)
    mine, theirs = first.test_secrets
    # In a bundle: the other draw's commitments and reveals do not verify here.
    other = _open(challenge, officer, redraw_reason="复核")
    data = services.bundle(first)
    data["draw"] = other.pk
    data["redraw_reason"] = "复核"
    data["context_id"] = algo.context_id(algo.context(data))
    assert "bureau reveal does not match its commitment for this draw" in algo.verify(data)
    # On the platform: a commitment made for the first draw cannot be revealed in the second.
    services.draw_commit(draw=other, by=officer, party="bureau", commitment=first.bureau_commitment)
    _commit(other, sup, "supervisor", secrets.token_hex(16))
    services.draw_freeze(draw=other, by=officer)
    with pytest.raises(ActionRefused, match="does not match the commitment"):
        services.draw_reveal(draw=other, by=officer, party="bureau", secret=mine)
    assert theirs  # the first draw's supervisor secret is just as useless here


def test_typed_words_are_refused_as_secrets():
    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(10)
    sup = supervisor()
    draw = _open(challenge, officer)
    _commit(draw, officer, "bureau", "officer-secret")  # a commitment hides its secret...
    _commit(draw, sup, "supervisor", "c" * 32)
    services.draw_freeze(draw=draw, by=officer)
    with pytest.raises(ActionRefused, match="32 to 64 lowercase hexadecimal"):
        services.draw_reveal(draw=draw, by=officer, party="bureau", secret="officer-secret")
    draw.refresh_from_db()
    assert draw.bureau_reveal == ""  # ...but the word can never be revealed


def test_demo_draws_are_v3_with_random_secrets():
    from review.demo_draw import demo_draw_complete, demo_public_source

    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(10)
    draw = services.draw_create(
        challenge=challenge, by=officer, public_value_source=demo_public_source()
    )
    draw = demo_draw_complete(draw, officer, supervisor())
    draw.refresh_from_db()
    assert draw.algorithm == algo.V3
    assert draw.status == DrawStatus.COMPLETED
    for secret in (draw.bureau_reveal, draw.supervisor_reveal):
        assert re.fullmatch(r"[0-9a-f]{64}", secret)
    assert draw.bureau_reveal != draw.supervisor_reveal
    assert algo.verify(services.bundle(draw)) == []


def test_pages_open_a_v3_draw_and_give_the_browser_the_commitment_prefix(client):
    from datetime import timedelta

    from django.utils import timezone

    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(10)
    client.force_login(officer)
    page = client.get(f"/review/challenges/{challenge.ocid}/draws/").content.decode()
    assert 'for="id_public_value_lottery"' in page
    assert 'for="id_public_value_date"' in page
    assert 'for="id_redraw_reason"' in page
    day = timezone.localdate() + timedelta(days=2)
    response = client.post(
        f"/review/challenges/{challenge.ocid}/draws/new/",
        {
            "size": 5,
            "alternates": 2,
            "public_value_lottery": "sports-lottery-pl5",
            "public_value_date": day.isoformat(),
        },
    )
    draw = Draw.objects.get(challenge=challenge)
    assert response.url == draw.get_absolute_url()
    assert draw.public_value_source == f"sports-lottery-pl5:{day.isoformat()}"
    detail = client.get(draw.get_absolute_url()).content.decode()
    prefix = commit_prefix(draw, "bureau")
    assert prefix == f"{algo.V3}\n{algo.context_id(services.draw_context(draw))}\nbureau\n"
    assert f'data-prefix="{prefix}"' in detail
    assert "readonly" in detail
    # A lottery without a date is refused by the form; nothing is created.
    client.post(
        f"/review/challenges/{challenge.ocid}/draws/new/",
        {"size": 5, "alternates": 2, "public_value_lottery": "cwl-3d"},
    )
    assert Draw.objects.filter(challenge=challenge).count() == 1
