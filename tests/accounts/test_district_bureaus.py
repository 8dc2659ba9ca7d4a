"""District bureaus in accounts: who registers them, their jurisdiction, an enterprise's
district, and the city bureau's marker (accounts.selectors.bureau_organization)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.exceptions import ActionRefused
from accounts.forms import OrganizationRegisterForm
from accounts.models import Organization, OrganizationKind, OrganizationStatus, Role
from accounts.selectors import bureau_organization
from accounts.services import organization_district_set, organization_register
from tests.factories import OrganizationFactory, UserFactory, bureau_officer, member_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _district_step_on(settings):
    settings.JIEBANG = {**settings.JIEBANG, "DISTRICT_RECOMMENDATION": True}


def _district(**fields):
    return OrganizationFactory(
        kind=OrganizationKind.DISTRICT_BUREAU,
        verified=True,
        jurisdiction=fields.pop("jurisdiction", "武进区"),
        region_code=fields.pop("region_code", "320412"),
        **fields,
    )


def _data(**overrides):
    data = {
        "name": "常州某区科技局",
        "credit_code": "",
        "kind": OrganizationKind.DISTRICT_BUREAU,
        "role": Role.DISTRICT,
        "jurisdiction": "新北区",
        "region_code": "320411",
    }
    data.update(overrides)
    return data


def _form(data, *, allow_bureau):
    from tests.factories import next_credit_code

    data = {**data, "credit_code": data["credit_code"] or next_credit_code("11")}
    files = {"licence": SimpleUploadedFile("l.pdf", PDF, content_type="application/pdf")}
    return OrganizationRegisterForm(data, files, allow_bureau=allow_bureau)


def test_only_a_bureau_officer_may_choose_the_district_bureau_kind():
    form = _form(_data(), allow_bureau=False)
    assert not form.is_valid()
    assert "kind" in form.errors
    assert "jurisdiction" not in form.fields


def test_service_refuses_a_district_bureau_from_anybody_else():
    with pytest.raises(ActionRefused):
        organization_register(
            by=UserFactory(),
            name="假冒区科技局",
            credit_code="",
            kind=OrganizationKind.DISTRICT_BUREAU,
            role=Role.DISTRICT,
        )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"jurisdiction": ""}, "jurisdiction"),
        ({"region_code": ""}, "region_code"),
        ({"region_code": "32041"}, "region_code"),
        ({"region_code": "32041x"}, "region_code"),
    ],
)
def test_district_bureau_needs_jurisdiction_and_six_digit_code(overrides, field):
    bureau_officer()
    form = _form(_data(**overrides), allow_bureau=True)
    assert not form.is_valid()
    assert field in form.errors


def test_bureau_officer_registers_a_district_bureau(client):
    officer = bureau_officer()
    client.force_login(officer)
    from tests.factories import next_credit_code

    response = client.post(
        reverse("accounts:organization_register"),
        {
            **_data(credit_code=next_credit_code("11")),
            "licence": SimpleUploadedFile("l.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    org = Organization.objects.get(kind=OrganizationKind.DISTRICT_BUREAU)
    assert (org.jurisdiction, org.region_code) == ("新北区", "320411")
    assert org.status == OrganizationStatus.PENDING


def test_enterprise_must_choose_a_district_when_districts_exist():
    district = _district()
    data = {"kind": OrganizationKind.ENTERPRISE, "role": Role.ISSUER, "name": "某企业"}
    form = _form({**data, "credit_code": ""}, allow_bureau=False)
    assert not form.is_valid()
    assert "district" in form.errors
    form = _form({**data, "credit_code": "", "district": district.pk}, allow_bureau=False)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["district"] == district


def test_district_optional_without_districts_or_without_the_setting(settings):
    data = {"kind": OrganizationKind.ENTERPRISE, "role": Role.ISSUER, "name": "某企业"}
    assert _form({**data, "credit_code": ""}, allow_bureau=False).is_valid()
    _district()
    settings.JIEBANG = {**settings.JIEBANG, "DISTRICT_RECOMMENDATION": False}
    assert _form({**data, "credit_code": ""}, allow_bureau=False).is_valid()


def test_a_university_belongs_to_no_district():
    district = _district()
    data = {"kind": OrganizationKind.UNIVERSITY, "role": Role.BIDDER, "name": "某大学"}
    form = _form({**data, "credit_code": "", "district": district.pk}, allow_bureau=False)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["district"] is None


def test_unverified_district_cannot_be_chosen():
    pending = _district(status=OrganizationStatus.PENDING)
    data = {"kind": OrganizationKind.ENTERPRISE, "role": Role.ISSUER, "name": "某企业"}
    form = _form({**data, "credit_code": "", "district": pending.pk}, allow_bureau=False)
    assert not form.is_valid()
    assert "district" in form.errors


def test_enterprise_admin_sets_its_district_on_its_page(client):
    district = _district()
    org = OrganizationFactory(kind=OrganizationKind.ENTERPRISE, verified=True)
    admin = member_of(org, Role.ISSUER, is_admin=True)
    client.force_login(admin)
    page = client.get(org.get_absolute_url()).content.decode()
    assert reverse("accounts:organization_district", args=[org.pk]) in page
    response = client.post(
        reverse("accounts:organization_district", args=[org.pk]), {"district": district.pk}
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.district == district
    assert district.name in client.get(org.get_absolute_url()).content.decode()


def test_a_member_who_is_not_admin_cannot_set_the_district(client):
    district = _district()
    org = OrganizationFactory(kind=OrganizationKind.ENTERPRISE, verified=True)
    member = member_of(org, Role.ISSUER)
    with pytest.raises(ActionRefused):
        organization_district_set(organization=org, district=district, by=member)
    client.force_login(member)
    response = client.post(
        reverse("accounts:organization_district", args=[org.pk]), {"district": district.pk}
    )
    assert response.status_code == 404
    org.refresh_from_db()
    assert org.district is None


def test_district_bureau_page_shows_its_jurisdiction(client):
    district = _district(jurisdiction="金坛区", region_code="320413")
    officer = member_of(district, Role.DISTRICT, is_admin=True)
    client.force_login(officer)
    html = client.get(district.get_absolute_url()).content.decode()
    assert "金坛区" in html
    assert "320413" in html


def test_city_bureau_is_the_marked_one_not_the_first_by_pk():
    oversight = OrganizationFactory(kind=OrganizationKind.BUREAU, verified=True)
    assert bureau_organization() == oversight  # nothing marked yet: the first by pk
    city = OrganizationFactory(kind=OrganizationKind.BUREAU, verified=True, is_city_bureau=True)
    assert bureau_organization() == city


def test_bootstrap_marks_the_first_bureau_only():
    from accounts.services import bureau_bootstrap
    from tests.factories import next_credit_code

    first = bureau_bootstrap(
        name="市科技局", credit_code=next_credit_code("11"), officer=UserFactory()
    )
    second = bureau_bootstrap(
        name="另一局", credit_code=next_credit_code("11"), officer=UserFactory()
    )
    assert first.is_city_bureau
    assert not second.is_city_bureau
    assert bureau_organization() == first
