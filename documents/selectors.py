"""Scoped reads: which contracts a user's lists show (the same parties as
``permissions.can_view_contract``)."""

from django.db.models import Q

from accounts.models import OrganizationStatus, Role
from accounts.permissions import is_bureau_officer

from .models import Contract


def visible_contracts(user, queryset=None):
    queryset = Contract.objects.all() if queryset is None else queryset
    if is_bureau_officer(user):
        return queryset
    memberships = user.memberships.filter(organization__status=OrganizationStatus.VERIFIED)
    bidder = memberships.filter(role=Role.BIDDER).values("organization")
    issuer = memberships.filter(role=Role.ISSUER).values("organization")
    return queryset.filter(
        Q(project__bid__lead__in=bidder) | Q(project__challenge__issuer__in=issuer)
    )
