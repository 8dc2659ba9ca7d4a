import itertools

import factory

from accounts.credit_code import make_credit_code
from accounts.models import Organization, OrganizationKind, OrganizationStatus, Role, User
from accounts.services import bureau_bootstrap, membership_add

_codes = itertools.count(1)


def next_credit_code(authority_category="91"):
    return make_credit_code(f"{authority_category}320400{next(_codes):09d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("pw-for-tests-1")
    language = "zh-hans"


class OrganizationFactory(factory.django.DjangoModelFactory):
    """``verified=True`` creates the organisation already verified (test shortcut)."""

    class Meta:
        model = Organization

    class Params:
        verified = factory.Trait(status=OrganizationStatus.VERIFIED)

    name = factory.Sequence(lambda n: f"测试单位{n}")
    credit_code = factory.LazyFunction(next_credit_code)
    kind = OrganizationKind.ENTERPRISE


def member_of(org, role, *, user=None, is_admin=False):
    user = user or UserFactory()
    membership_add(organization=org, user=user, role=role, is_admin=is_admin)
    return user


def bureau_officer(user=None):
    user = user or UserFactory()
    org = Organization.objects.filter(kind=OrganizationKind.BUREAU).first()
    if org is None:
        bureau_bootstrap(name="测试科技局", credit_code=next_credit_code("11"), officer=user)
    else:
        membership_add(organization=org, user=user, role=Role.BUREAU)
    return user


__all__ = ["OrganizationFactory", "UserFactory", "bureau_officer", "member_of"]


def administrator(duty):
    """An account holding one of the three administrator duties (三员), no business role."""
    from security.duties import duty_grant

    user = UserFactory()
    duty_grant(user=user, duty=duty)
    user.refresh_from_db()
    return user


def make_meeting(*, by, held_on=None, resolution="会议研究决定：同意。"):
    """A recorded collective decision (集体决策) of the bureau, ready to be cited."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from bounty.meetings.services import meeting_record

    return meeting_record(
        by=by,
        body="局长办公会",
        held_on=held_on or timezone.localdate(),
        attendees="局长、分管副局长、成果转化处处长",
        resolution=resolution,
        minutes=SimpleUploadedFile(
            "minutes.pdf", b"%PDF-1.4 meeting minutes", content_type="application/pdf"
        ),
    )
