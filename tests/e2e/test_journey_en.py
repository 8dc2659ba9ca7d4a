"""A shorter journey in English: a team member switches the language with the switcher in the
page header, finds a challenge on the board by searching, drafts and submits a bid with an
attachment, and reads the receipt. Every page must be English apart from the data."""

import hashlib
import re

import pytest
from playwright.sync_api import expect

from bounty.challenges import services
from tests.bounty.helpers import INDICATORS, complete_data
from tests.e2e.browser import click, nav, pdf_file
from tests.factories import OrganizationFactory, bureau_officer, member_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Chinese that belongs in an English page: the brand mark, the language's own name in the
# switcher, and the terms of art the English UI keeps beside their translation.
ALLOWED_CJK = ("揭榜挂帅", "揭榜", "包干制", "榜", "简体中文")
CJK = re.compile(r"[\u3400-\u9fff]+")


def assert_english(page):
    text = page.locator("body").inner_text()
    for allowed in ALLOWED_CJK:
        text = text.replace(allowed, "")
    assert CJK.findall(text) == [], page.url


def test_en_journey(journey, tmp_path):
    # SETUP: a published challenge (created through the services, as the zh journey does
    # through the UI) and a verified university with one bidder whose account is in Chinese.
    issuer_org = OrganizationFactory(kind="enterprise", verified=True, name="Riverside Battery Co.")
    issuer = member_of(issuer_org, "issuer", is_admin=True)
    criteria = [  # DOMAIN §5's default rubric, named in English
        {"code": "technical", "name": "Technical route", "weight": 35, "minimum": None},
        {"code": "feasibility", "name": "Feasibility and risk", "weight": 20, "minimum": None},
        {"code": "team", "name": "Team and PI", "weight": 20, "minimum": None},
        {"code": "schedule", "name": "Milestones", "weight": 10, "minimum": None},
        {"code": "budget", "name": "Budget", "weight": 10, "minimum": None},
        {"code": "benefit", "name": "Industrial benefit", "weight": 5, "minimum": None},
    ]
    challenge = services.challenge_create(
        by=issuer,
        issuer=issuer_org,
        data=complete_data(
            title="Solid-state electrolyte with high ionic conductivity",
            problem="Sulphide electrolytes lose conductivity in humid air.",
            deliverable="Process package and 1 kg of powder",
            eligibility="Universities, institutes and enterprises",
            contact_name="Ms Wang",
        ),
        indicators=[
            {
                **INDICATORS[0],
                "name": "Ionic conductivity",
                "unit": "mS/cm",
                "test_method": "EIS, 25 °C",
            },
            {**INDICATORS[1], "name": "Air stability", "unit": "h", "test_method": "40 % RH"},
        ],
        criteria=criteria,
    )
    officer = bureau_officer()
    services.challenge_submit(challenge=challenge, by=issuer)
    for decision in ("start_vetting", "approve", "publish"):
        services.challenge_decide(challenge=challenge, by=officer, decision=decision)
    org = OrganizationFactory(kind="university", verified=True, name="Lakeside University")
    bidder = member_of(org, "bidder", is_admin=True)
    bidder.full_name = "Li Ming"
    bidder.save(update_fields=["full_name"])

    j = journey("en")
    page = j.actor(bidder)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    j.shot(page, "signed-in-chinese")

    # 1. Switch to English with the header's language switcher (saved on the account).
    page.locator(".langswitch").get_by_role("button", name="English").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_english(page)
    j.shot(page, "switched-to-english")

    # 2. Browse the board and search.
    nav(page, "Challenge board")
    expect(page.locator("h1")).to_have_text("Challenge board")
    page.fill("[name=q]", "electrolyte")
    click(page, "Search")
    results = page.get_by_role("link", name="Solid-state electrolyte with high ionic conductivity")
    expect(results).to_have_count(1)
    assert_english(page)
    j.shot(page, "board-search")

    # 3. Open the challenge and start a bid.
    results.click()
    expect(page.locator("h1 .status")).to_have_text("Open for bids")
    assert_english(page)
    j.shot(page, "challenge")
    click(page, "Bid for this challenge (揭榜)")
    expect(page.locator("h1")).to_contain_text("Edit bid")

    # 4. Draft the bid; save; attach the plan.
    page.get_by_label("PI's account (email)").fill(bidder.email)
    page.get_by_label("PI's title").fill("Professor")
    page.get_by_label("Summary").fill("Halide-doped sulphide with a polymer coating")
    page.get_by_label("Technical approach and route").fill(
        "Cl doping, core-shell coating, dry-room process."
    )
    page.fill("[name=resp-0-committed_value]", "92")
    page.fill("[name=resp-1-committed_value]", "215")
    page.fill("[name=ms-0-title]", "Lab scale")
    page.fill("[name=ms-0-due_month]", "9")
    page.fill("[name=ms-0-deliverables]", "100 g samples")
    page.fill("[name=ms-0-tranche_share]", "100")
    page.fill("[name=budget-0-government_amount]", "200")  # the government part
    page.fill("[name=budget-0-self_raised_amount]", "600")  # = the bounty, 800
    page.get_by_label("Risks and how they are handled").fill(
        "Moisture: dry-room handling throughout."
    )
    page.get_by_label("Expected results and IP").fill("Two invention patents.")
    assert_english(page)
    j.shot(page, "bid-form")
    click(page, "Save draft")
    expect(page.locator(".messages")).to_contain_text("Draft saved.")
    plan = pdf_file(tmp_path, "implementation-plan.pdf", "Implementation plan")
    page.get_by_label("Document").select_option(label="Implementation plan")
    page.get_by_label("File").set_input_files(plan)
    click(page, "Upload")
    expect(page.locator("#sec-attachments")).to_contain_text("implementation-plan.pdf")
    expect(page.locator(".completeness")).to_contain_text("Everything needed is there")
    j.shot(page, "bid-attachment")

    # 5. Review and submit; the receipt shows the file's SHA-256 as computed here.
    click(page, "Save and review before submitting")
    expect(page.locator("h1")).to_contain_text("Submit bid")
    j.shot(page, "bid-review")
    click(page, "Submit now")
    expect(page.locator(".messages")).to_contain_text("Bid submitted. Keep your receipt.")
    expect(page.locator("h1")).to_have_text("Bid submission receipt")
    expect(page.locator("main")).to_contain_text(hashlib.sha256(plan.read_bytes()).hexdigest())
    assert_english(page)
    j.shot(page, "receipt")

    # 6. The bid is listed as submitted under "My bids".
    nav(page, "My bids")
    expect(page.locator("main")).to_contain_text("Solid-state electrolyte")
    expect(page.locator("main")).to_contain_text("Submitted")
    assert_english(page)
    j.shot(page, "my-bids")
