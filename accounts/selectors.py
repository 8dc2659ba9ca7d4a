from .models import Organization, OrganizationKind, OrganizationStatus, Role, User


def bureau_officers(role=Role.BUREAU):
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=role,
            memberships__organization__kind=OrganizationKind.BUREAU,
            memberships__organization__status=OrganizationStatus.VERIFIED,
        ).distinct()
    )


def supervisors():
    """The bureau's supervisors (纪检监督): they co-sign every expert draw."""
    return bureau_officers(role=Role.SUPERVISOR)


def bureau_organization():
    """The city's science and technology bureau: the third party of contracts.

    The verified bureau marked ``is_city_bureau``; where none is marked (an installation
    bootstrapped before the marker), the first verified bureau by pk."""
    return (
        Organization.objects.filter(
            kind=OrganizationKind.BUREAU, status=OrganizationStatus.VERIFIED
        )
        .order_by("-is_city_bureau", "pk")
        .first()
    )


def district_bureaus():
    """Verified district bureaus (辖市区科技局), by division code: the districts an
    enterprise may choose."""
    return Organization.objects.filter(
        kind=OrganizationKind.DISTRICT_BUREAU, status=OrganizationStatus.VERIFIED
    ).order_by("region_code", "name")


def district_officers(district):
    """The officers of one verified district bureau (they recommend its enterprises' needs)."""
    if district is None or not district.is_verified:
        return []
    return organization_staff(district, role=Role.DISTRICT)


def organization_staff(organization, *, role=None, admins_only=False):
    # One filter() call: the conditions must hold for the SAME membership row
    # (chained filters would join memberships twice and match across organisations).
    conditions = {"memberships__organization": organization}
    if role:
        conditions["memberships__role"] = role
    if admins_only:
        conditions["memberships__is_admin"] = True
    return list(User.objects.filter(is_active=True, **conditions).distinct())
