from .models import OrganizationKind, OrganizationStatus, Role, User


def bureau_officers():
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Role.BUREAU,
            memberships__organization__kind=OrganizationKind.BUREAU,
            memberships__organization__status=OrganizationStatus.VERIFIED,
        ).distinct()
    )


def organization_staff(organization, *, role=None, admins_only=False):
    qs = User.objects.filter(is_active=True, memberships__organization=organization)
    if role:
        qs = qs.filter(memberships__role=role)
    if admins_only:
        qs = qs.filter(memberships__is_admin=True)
    return list(qs.distinct())
