import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Membership, Organization, OrganizationStatus
from tests.factories import OrganizationFactory, UserFactory, bureau_officer, member_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "揭榜挂帅平台"), ("en", "Bid Platform")],
)
def test_home_renders_in_chinese_and_english(client, language, expected):
    client.cookies["django_language"] = language
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html
    assert f'lang="{"zh-CN" if language == "zh-hans" else "en"}"' in html


def test_default_language_is_chinese(client):
    html = client.get(reverse("home")).content.decode()
    assert "登录" in html


def test_pages_reference_no_outside_hosts(client):
    html = client.get(reverse("home")).content.decode()
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_login_and_logout(client):
    user = UserFactory(username="zhang", language="en")
    response = client.post(
        reverse("accounts:login"), {"username": "zhang", "password": "pw-for-tests-1"}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).context["user"] == user
    client.post(reverse("accounts:logout"))
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_wrong_password_keeps_username_and_says_why(client):
    UserFactory(username="zhang", language="en")
    response = client.post(reverse("accounts:login"), {"username": "zhang", "password": "nope"})
    assert response.status_code == 200
    assert 'value="zhang"' in response.content.decode()
    assert response.context["form"].non_field_errors()


def test_signup_logs_in_and_keeps_input_on_error(client):
    data = {
        "username": "li",
        "full_name": "李四",
        "email": "li@example.cn",
        "phone": "",
        "language": "zh-hans",
        "password1": "a-Long-pass-2026",
        "password2": "different-2026",
    }
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 200
    assert "李四" in response.content.decode()
    data["password2"] = data["password1"]
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_user_of_one_organisation_cannot_see_anothers_page(client):
    org_a, org_b = OrganizationFactory(verified=True), OrganizationFactory(verified=True)
    user_a = member_of(org_a, "issuer", is_admin=True)
    client.force_login(user_a)
    assert client.get(org_a.get_absolute_url()).status_code == 200
    for name in ("organization_detail", "organization_licence"):
        assert client.get(reverse(f"accounts:{name}", args=[org_b.pk])).status_code == 404
    for name in ("organization_invite", "organization_decide", "organization_resubmit"):
        assert client.post(reverse(f"accounts:{name}", args=[org_b.pk])).status_code == 404


def test_anonymous_and_superuser_get_404_on_private_organisation_page(client):
    org = OrganizationFactory(verified=True)
    assert client.get(org.get_absolute_url()).status_code == 404
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(org.get_absolute_url()).status_code == 404


def test_bureau_sees_and_decides_pending_organisation(client):
    officer = bureau_officer()
    org = OrganizationFactory(licence=SimpleUploadedFile("l.pdf", b"%PDF-1.4 x"))
    client.force_login(officer)
    queue = client.get(reverse("accounts:bureau_queue"))
    assert org.name in queue.content.decode()
    assert client.get(reverse("accounts:organization_licence", args=[org.pk])).status_code == 200
    client.post(reverse("accounts:organization_decide", args=[org.pk]), {"decision": "verify"})
    org.refresh_from_db()
    assert org.status == OrganizationStatus.VERIFIED


def test_bureau_queue_is_hidden_from_others(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:bureau_queue")).status_code == 404


def test_bureau_queue_query_count_is_constant(client, django_assert_max_num_queries):
    officer = bureau_officer()
    for _ in range(30):
        OrganizationFactory()
    client.force_login(officer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("accounts:bureau_queue"))
    assert len(response.context["page"].object_list) == 20


def test_register_organisation_with_licence(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:organization_register"),
        {
            "name": "常州某某科技有限公司",
            "credit_code": "91350100m000100y43",
            "kind": "enterprise",
            "role": "issuer",
            "licence": SimpleUploadedFile("licence.pdf", b"%PDF-1.7 scan"),
        },
    )
    org = Organization.objects.get(credit_code="91350100M000100Y43")
    assert response.status_code == 302
    assert org.status == OrganizationStatus.PENDING
    assert Membership.objects.get(user=user, organization=org).is_admin


def test_bad_credit_code_and_fake_pdf_keep_the_input(client):
    client.force_login(UserFactory(language="en"))
    response = client.post(
        reverse("accounts:organization_register"),
        {
            "name": "常州某某科技有限公司",
            "credit_code": "91350100M000100Y44",
            "kind": "enterprise",
            "role": "issuer",
            "licence": SimpleUploadedFile("licence.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "常州某某科技有限公司" in html
    assert "should be “3”" in html
    assert "not an accepted type" in html
    assert not Organization.objects.exists()


def test_role_must_fit_organisation_kind(client):
    client.force_login(UserFactory(language="en"))
    response = client.post(
        reverse("accounts:organization_register"),
        {
            "name": "某大学",
            "credit_code": "91350100M000100Y43",
            "kind": "university",
            "role": "issuer",
            "licence": SimpleUploadedFile("l.pdf", b"%PDF-1.4"),
        },
    )
    assert response.status_code == 200
    assert "cannot have the role" in response.content.decode()


def test_invitation_flow(client, django_capture_on_commit_callbacks):
    org = OrganizationFactory(verified=True)
    admin = member_of(org, "issuer", is_admin=True)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:organization_invite", args=[org.pk]),
            {"email": "new@example.cn", "role": "bidder"},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"(/accounts/invitations/[^/\s]+/)", mail.outbox[0].body).group(1)
    invitee = UserFactory(email="new@example.cn")
    client.force_login(invitee)
    assert client.get(link).status_code == 200
    client.post(link)
    assert Membership.objects.filter(user=invitee, organization=org, role="bidder").exists()
    assert client.get(org.get_absolute_url()).status_code == 200
    # The same link cannot be used twice.
    client.force_login(UserFactory())
    client.post(link)
    assert org.memberships.count() == 2


def test_plain_member_cannot_invite(client):
    org = OrganizationFactory(verified=True)
    client.force_login(member_of(org, "issuer"))
    client.post(
        reverse("accounts:organization_invite", args=[org.pk]),
        {"email": "x@example.cn", "role": "issuer"},
    )
    assert not org.invitations.exists()


def test_password_reset_by_email(client):
    user = UserFactory(email="reset@example.cn")
    client.post(reverse("accounts:password_reset"), {"email": "reset@example.cn"})
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    client.post(
        form_url, {"new_password1": "Brand-new-pass-1", "new_password2": "Brand-new-pass-1"}
    )
    user.refresh_from_db()
    assert user.check_password("Brand-new-pass-1")


def test_language_switch_is_remembered_on_the_account(client):
    user = UserFactory(language="zh-hans")
    client.force_login(user)
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
    assert "Log out" in client.get(reverse("home")).content.decode()


def test_admin_belongs_to_the_administrators_not_to_a_superuser(client):
    from tests.factories import administrator

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse("admin:index")).status_code == 302  # installation only
    client.force_login(administrator("audit"))
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    # Organisations are business data: not in the admin at all.
    assert client.get("/admin/accounts/organization/").status_code == 404


def test_invitation_link_is_useless_to_another_account(client, django_capture_on_commit_callbacks):
    org = OrganizationFactory(verified=True)
    admin = member_of(org, "issuer", is_admin=True)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:organization_invite", args=[org.pk]),
            {"email": "right@example.cn", "role": "issuer"},
        )
    link = re.search(r"(/accounts/invitations/[^/\s]+/)", mail.outbox[0].body).group(1)
    client.force_login(UserFactory(email="wrong@example.cn"))
    client.post(link)
    assert org.memberships.count() == 1


def test_admin_audit_list_hides_bid_events(client):
    from bounty.bids import services as bid_services
    from tests.bounty.bids.helpers import team
    from tests.bounty.helpers import published

    user, org = team(name="保密研究院")
    bid_services.bid_create(challenge=published(), by=user, lead=org)
    from tests.factories import administrator

    client.force_login(administrator("audit"))
    response = client.get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code == 200
    assert "bid.create" not in response.content.decode()
    assert client.get("/admin/notifications/notification/").status_code == 404
