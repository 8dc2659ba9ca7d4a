"""Who may do what with people and organisations. Small pure predicates; one place.

Object grants live in django-guardian and are given only by services. Checks
read the grants themselves (``has_grant``), not ``user.has_perm``, because
``has_perm`` says yes to every superuser: a superuser must not read a sealed
bid or another organisation's private pages through the site.
"""

from guardian.shortcuts import get_user_perms

from .models import (
    GOVERNMENT_KINDS,
    Membership,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Role,
)


def _roles_by_org(user) -> dict[int, set[str]]:
    """{organisation id: roles} over the user's verified organisations, cached on the user."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_jiebang_roles", None)
    if cached is None:
        cached = {}
        for org_id, role in Membership.objects.filter(
            user=user, organization__status=OrganizationStatus.VERIFIED
        ).values_list("organization_id", "role"):
            cached.setdefault(org_id, set()).add(role)
        user._jiebang_roles = cached
    return cached


def user_roles(user) -> set[str]:
    """Roles the user holds in any verified organisation."""
    return set().union(*_roles_by_org(user).values()) if user.is_authenticated else set()


def organization_ids_with_role(user, role) -> list[int]:
    """Ids of the verified organisations where the user holds ``role``."""
    return [org_id for org_id, roles in _roles_by_org(user).items() if role in roles]


def belongs_to(user, organization) -> bool:
    """Member of this verified organisation in any role (no query after the first)."""
    return organization.pk in _roles_by_org(user)


def belongs_to_id(user, organization_id) -> bool:
    return organization_id in _roles_by_org(user)


def has_role_in(user, organization, role) -> bool:
    return role in _roles_by_org(user).get(organization.pk, ())


def is_bureau_officer(user) -> bool:
    return Role.BUREAU in user_roles(user)


def is_district_officer(user) -> bool:
    """An officer of a verified district bureau (辖市区科技局)."""
    return Role.DISTRICT in user_roles(user)


def district_ids(user) -> list[int]:
    """The verified district bureaus whose officer the user is: their jurisdictions."""
    return organization_ids_with_role(user, Role.DISTRICT)


def has_grant(user, codename: str, obj) -> bool:
    """True when the user holds the object permission ``codename`` on ``obj`` directly."""
    return user.is_authenticated and codename in get_user_perms(user, obj)


def is_member(user, organization: Organization) -> bool:
    return has_grant(user, "view_organization", organization)


def can_view_organization(user, organization: Organization) -> bool:
    return is_member(user, organization) or is_bureau_officer(user)


def can_manage_organization(user, organization: Organization) -> bool:
    return has_grant(user, "manage_organization", organization)


def can_invite_to_organization(user, organization: Organization) -> bool:
    return can_manage_organization(user, organization) and organization.status != (
        OrganizationStatus.REJECTED
    )


def can_decide_organization(user, organization: Organization) -> bool:
    """Bureau officers decide verification, never for an organisation they belong to."""
    return (
        is_bureau_officer(user)
        and organization.status == OrganizationStatus.PENDING
        and not is_member(user, organization)
    )


def can_resubmit_organization(user, organization: Organization) -> bool:
    return (
        can_manage_organization(user, organization)
        and organization.status == OrganizationStatus.REJECTED
    )


def can_view_licence(user, organization: Organization) -> bool:
    return bool(organization.licence) and can_view_organization(user, organization)


def can_register_organization_kind(user, kind) -> bool:
    """Only an existing bureau officer may register another bureau or a district bureau."""
    return kind not in GOVERNMENT_KINDS or is_bureau_officer(user)


def can_set_organization_district(user, organization: Organization) -> bool:
    """An enterprise's administrators name its district (it recommends the enterprise's needs)."""
    return (
        organization.kind == OrganizationKind.ENTERPRISE
        and organization.status != OrganizationStatus.REJECTED
        and can_manage_organization(user, organization)
    )
