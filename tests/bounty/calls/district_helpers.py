"""A city with a district bureau: its officer, an enterprise of its jurisdiction, a need."""

from accounts.models import OrganizationKind, Role
from bounty.challenges import services
from tests.bounty.helpers import draft
from tests.factories import OrganizationFactory, bureau_officer, member_of


def district_bureau(*, jurisdiction="武进区", region_code="320412"):
    return OrganizationFactory(
        kind=OrganizationKind.DISTRICT_BUREAU,
        verified=True,
        name=f"常州市{jurisdiction}科学技术局",
        jurisdiction=jurisdiction,
        region_code=region_code,
    )


def district_world():
    """(city officer, district officer, district, issuer, issuer's organisation)."""
    city = bureau_officer()
    district = district_bureau()
    officer = member_of(district, Role.DISTRICT, is_admin=True)
    org = OrganizationFactory(kind=OrganizationKind.ENTERPRISE, verified=True, district=district)
    issuer = member_of(org, Role.ISSUER, is_admin=True)
    return city, officer, district, issuer, org


def submitted_need(issuer, org, **overrides):
    challenge = draft(issuer, org, **overrides)
    return services.challenge_submit(challenge=challenge, by=issuer)
