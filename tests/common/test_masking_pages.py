"""A person's phone and e-mail are masked in lists and whole only on the pages that need them
(PIPL): the bureau calls an expert from the expert's page, not from the pool list."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.services import invitation_create
from bounty.models import ChallengeStatus
from review.models import Objection
from tests.bounty.factories import make_challenge
from tests.factories import OrganizationFactory, UserFactory, bureau_officer, member_of
from tests.review.pool.helpers import make_expert

pytestmark = pytest.mark.django_db

PHONE = "13812341234"
EMAIL = "zhang.san@example.cn"


@pytest.fixture
def officer_client(client):
    # The officer's default language: activating another one would outlive the test.
    client.force_login(bureau_officer())
    return client


def test_pool_list_never_shows_an_experts_phone_or_email(officer_client):
    make_expert("P1", name="张三", phone=PHONE, email=EMAIL)

    html = officer_client.get(reverse("review:pool")).content.decode()

    assert "张三" in html
    assert PHONE not in html
    assert "38123412" not in html  # nor the middle digits in any other form
    assert EMAIL not in html


def test_expert_detail_shows_the_whole_phone_and_email_to_the_bureau(officer_client):
    make_expert("P1", phone=PHONE, email=EMAIL)

    html = officer_client.get(reverse("review:expert_detail", args=["P1"])).content.decode()

    assert PHONE in html
    assert EMAIL in html
    assert "138****1234" not in html


def test_expert_sees_their_own_phone_and_email_whole(client):
    user = UserFactory()
    make_expert("P1", user=user, phone=PHONE, email=EMAIL)
    client.force_login(user)

    html = client.get(reverse("review:expert_detail", args=["P1"])).content.decode()

    assert PHONE in html
    assert EMAIL in html


def test_open_invitations_list_masks_the_invitees_email(client):
    org = OrganizationFactory(verified=True, contact_phone="0519-86001234")
    admin = member_of(org, "issuer", is_admin=True)
    invitation_create(organization=org, by=admin, email=EMAIL, role="bidder")
    client.force_login(admin)

    html = client.get(org.get_absolute_url()).content.decode()

    assert "z***@example.cn" in html
    assert EMAIL not in html


def test_organisation_detail_shows_the_whole_contact_phone_to_the_bureau(officer_client):
    # A company's switchboard, not a person's number; the bureau calls it when verifying.
    org = OrganizationFactory(contact_phone="0519-86001234")

    html = officer_client.get(org.get_absolute_url()).content.decode()

    assert "0519-86001234" in html


def test_objections_list_masks_the_objectors_email_for_the_bureau(officer_client):
    challenge = make_challenge(status=ChallengeStatus.IN_NOTICE, deadline_in=-timedelta(days=20))
    objector = UserFactory(full_name="王实名", email=EMAIL)
    Objection.objects.create(
        challenge=challenge, author=objector, text="有异议", evidence="x.pdf", evidence_name="e.pdf"
    )

    html = officer_client.get(reverse("review:notice", args=[challenge.ocid])).content.decode()

    assert "王实名" in html  # real-name objections: the bureau knows who objected
    assert "z***@example.cn" in html
    assert EMAIL not in html
