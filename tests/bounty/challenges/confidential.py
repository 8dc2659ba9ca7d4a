"""Restricted and confidential challenges built through the real services, and the readers
every test asks about (issue 16, point 4)."""

from bounty.challenges import access_services
from tests.bounty.bids.helpers import team
from tests.bounty.helpers import published
from tests.factories import OrganizationFactory, member_of

HIDDEN = "钴镍锰秘方"  # a word of the problem statement only
HIDDEN_DELIVERABLE = "保密样机图纸"
HIDDEN_ELIGIBILITY = "须具备军工保密资质"
HIDDEN_INDICATOR = "循环寿命容量保持率"  # tests/bounty/helpers.INDICATORS
SUMMARY = "面向动力电池正极材料的寿命提升需求"


def restricted(level="internal", **overrides):
    """A published restricted ("internal") or confidential ("secret") challenge."""
    data = {
        "confidentiality": level,
        "public_summary": SUMMARY,
        "problem": f"现有正极在高温下容量衰减过快，需突破{HIDDEN}。",
        "deliverable": HIDDEN_DELIVERABLE,
        "eligibility": HIDDEN_ELIGIBILITY,
    }
    data.update(overrides)
    return published(**data)


def unverified_member():
    return member_of(OrganizationFactory(kind="university", verified=False), "bidder")


def hidden_words():
    return (HIDDEN, HIDDEN_DELIVERABLE, HIDDEN_ELIGIBILITY, HIDDEN_INDICATOR)


def admitted_team(challenge):
    """A team the issuer admitted to a confidential challenge (NDA not yet accepted)."""
    user, org = team()
    item = access_services.access_request_create(
        challenge=challenge, by=user, organization=org, reason="我们做过同类材料"
    )
    access_services.access_request_decide(
        request=item, by=challenge.created_by, decision="admit", reason=""
    )
    return user, org


# Free texts and the contact person are details too (review of issue 16, M5).
HIDDEN_IP = "专利归属另行约定秘方条款"
HIDDEN_CONTACT = ("赵保密", "0519-86669999", "zhao.secret@example.cn")
PRIVATE_FACTS = {
    "ip_terms": "agreed",
    "ip_terms_detail": HIDDEN_IP,
    "contact_name": HIDDEN_CONTACT[0],
    "contact_phone": HIDDEN_CONTACT[1],
    "contact_email": HIDDEN_CONTACT[2],
}


def private_fact_words():
    return (HIDDEN_IP, *HIDDEN_CONTACT)
