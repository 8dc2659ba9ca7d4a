"""Each role's home, on a desktop and on a 390 px phone, saved under
``test-artifacts/e2e/homes/``: the public board, a research team, an issuer, an expert and a
bureau officer. Each page is audited like every journey page (axe-core, no horizontal scroll).

The database only sets the scene (``# SETUP:``): a challenge past its deadline with two
checked bids and a drawn panel, and a second challenge open for bids, so that every home has
something on it.
"""

import pytest
from playwright.sync_api import expect

from tests.bounty.helpers import published
from tests.e2e.audit import PHONE
from tests.factories import UserFactory
from tests.review.draw.helpers import (
    closed_challenge_with_bids,
    formal_check_done,
    make_expert,
    run_draw,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP = {"width": 1280, "height": 900}


def test_each_roles_home_on_a_desktop_and_a_phone(journey):
    # SETUP: a challenge with two bids checked and its panel drawn; another open for bids.
    challenge, bids, officer = closed_challenge_with_bids()
    formal_check_done(challenge, officer)
    for _ in range(12):
        make_expert(user=UserFactory())
    draw = run_draw(challenge, officer)
    seat = draw.seats.filter(on_panel=True).select_related("expert__user").first()
    issuer = challenge.created_by
    published(issuer, challenge.issuer, officer, title="高镍正极材料表面包覆工艺")

    j = journey("homes")
    people = [
        ("public", None, "/"),
        ("public-board", None, "/challenges/"),
        ("team", bids[0].created_by, None),
        ("issuer", issuer, None),
        ("expert", seat.expert.user, None),
        ("bureau-officer", officer, None),
    ]
    for role, user, path in people:
        page = j.actor(user)
        if path is not None:
            page.goto(path)
        expect(page.locator("main h1").first).to_be_visible()
        j.shot(page, f"{role}-desktop")
        page.set_viewport_size(PHONE)
        j.shot(page, f"{role}-phone")
        page.set_viewport_size(DESKTOP)
        page.context.close()
