"""An expert's page (bureau or the expert) and their own profile with declared relationships."""

from html import unescape

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from review.models import Relationship
from tests.factories import UserFactory, bureau_officer
from tests.review.pool.helpers import credit_code, make_expert, wrong_check

pytestmark = pytest.mark.django_db

MY_PROFILE = reverse("review:my_profile")


def english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def owner():
    return english(UserFactory())


@pytest.fixture
def expert(owner):
    return make_expert("EX1", user=owner, keywords="碳化硅", phone="010-1", email="ex1@example.cn")


def management(prefix="rel", total=1, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def profile_post(relationships=(), *, initial=0, **profile):
    data = {"keywords": "碳化硅、外延", "phone": "139", "email": "new@example.cn", **profile}
    data.update(management(total=len(relationships), initial=initial))
    for index, rel in enumerate(relationships):
        for key, value in rel.items():
            data[f"rel-{index}-{key}"] = value
    return data


# --- expert_detail ------------------------------------------------------------------------


def test_the_bureau_sees_any_expert_with_the_status_form(client, expert):
    client.force_login(english(bureau_officer()))

    response = client.get(expert.get_absolute_url())

    assert response.status_code == 200
    assert response.context["status_form"] is not None
    assert "碳化硅" in response.content.decode()


def test_an_expert_sees_their_own_page_without_the_status_form(client, expert, owner):
    Relationship.objects.create(expert=expert, kind="relative", person_name="配偶甲")
    client.force_login(owner)

    response = client.get(expert.get_absolute_url())

    assert response.status_code == 200
    assert response.context["status_form"] is None
    assert "配偶甲" in response.content.decode()


def test_another_users_expert_page_is_404(client, expert):
    client.force_login(UserFactory())
    assert client.get(expert.get_absolute_url()).status_code == 404
    other = make_expert("EX2", user=UserFactory())
    client.force_login(other.user)
    assert client.get(expert.get_absolute_url()).status_code == 404
    assert client.get(reverse("review:expert_detail", args=["NOPE"])).status_code == 404


def test_the_bureau_changes_the_status_through_the_audited_service(client, expert):
    officer = english(bureau_officer())
    client.force_login(officer)

    response = client.post(expert.get_absolute_url(), {"status": "suspended"})

    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.status == "suspended"
    event = AuditEvent.objects.get(action="expert.status")
    assert (event.actor, event.from_state, event.to_state) == (officer, "active", "suspended")
    assert event.object_id == str(expert.pk)


def test_an_expert_cannot_change_their_own_status(client, expert, owner):
    client.force_login(owner)
    assert client.post(expert.get_absolute_url(), {"status": "withdrawn"}).status_code == 404
    expert.refresh_from_db()
    assert expert.status == "active"


def test_an_unknown_status_is_a_form_error(client, expert):
    client.force_login(english(bureau_officer()))
    assert client.post(expert.get_absolute_url(), {"status": "deleted"}).status_code == 400
    expert.refresh_from_db()
    assert expert.status == "active"


# --- my_profile ---------------------------------------------------------------------------


def test_my_profile_is_404_without_an_expert_profile(client):
    assert client.get(MY_PROFILE).status_code == 302  # to the log-in page
    client.force_login(UserFactory())
    assert client.get(MY_PROFILE).status_code == 404


def test_my_profile_saves_contact_and_relationships_and_audits(client, expert, owner):
    advisor = UserFactory(email="advisor@example.cn", full_name="导师乙")
    company = credit_code()
    client.force_login(owner)

    response = client.post(
        MY_PROFILE,
        profile_post(
            [
                {
                    "kind": "advisor",
                    "person_email": "ADVISOR@example.cn",
                    "starts_on": "2015-09-01",
                },
                {
                    "kind": "directorship",
                    "organization_name": "某某科技有限公司",
                    "organization_code": company.lower(),
                    "starts_on": "2022-01-01",
                    "ends_on": "2024-06-30",
                    "note": "独立董事",
                },
            ]
        ),
    )

    assert response.status_code == 302
    expert.refresh_from_db()
    assert (expert.keywords, expert.phone, expert.email) == (
        "碳化硅、外延",
        "139",
        "new@example.cn",
    )
    declared = {r.kind: r for r in expert.relationships.all()}
    assert declared["advisor"].person == advisor
    assert declared["advisor"].person_name == "导师乙"
    assert declared["directorship"].organization_code == company
    assert str(declared["directorship"].ends_on) == "2024-06-30"
    event = AuditEvent.objects.get(action="expert.profile_update")
    assert event.actor == owner
    assert event.payload == {
        "fields": ["keywords", "phone", "email"],
        "relationships": {"added": 2, "updated": 0, "removed": 0},
    }
    assert "139" not in str(event.payload)  # field names, not personal data


def test_a_bad_credit_code_is_explained_and_nothing_is_saved(client, expert, owner):
    bad = wrong_check(credit_code())
    client.force_login(owner)

    response = client.post(
        MY_PROFILE,
        profile_post(
            [{"kind": "employment", "organization_name": "某研究院", "organization_code": bad}],
            keywords="新的关键词",
        ),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "The check character (the 18th)" in html
    # What was typed is still there.
    assert "新的关键词" in html
    assert bad in html
    assert "某研究院" in html
    expert.refresh_from_db()
    assert expert.keywords == "碳化硅"
    assert not expert.relationships.exists()
    assert not AuditEvent.objects.filter(action="expert.profile_update").exists()


@pytest.mark.parametrize(
    ("relationship", "message"),
    [
        (
            {"kind": "employment", "organization_name": "某研究院"},
            "Give the organisation's credit code",
        ),
        ({"kind": "coauthor"}, "Name the person"),
        ({"kind": "relative", "person_email": "nobody@example.cn"}, "No account uses this email"),
        (
            {
                "kind": "relative",
                "person_name": "甲",
                "starts_on": "2020-01-02",
                "ends_on": "2019-01-01",
            },
            "The end date is before the start date.",
        ),
    ],
)
def test_relationship_rules(client, expert, owner, relationship, message):
    client.force_login(owner)

    response = client.post(MY_PROFILE, profile_post([relationship]))

    assert response.status_code == 400
    assert message in unescape(response.content.decode())
    assert not expert.relationships.exists()


def test_declaring_oneself_is_refused(client, expert, owner):
    client.force_login(owner)
    response = client.post(
        MY_PROFILE, profile_post([{"kind": "coauthor", "person_email": owner.email}])
    )
    assert response.status_code == 400
    assert "This is your own account." in response.content.decode()


def test_relationships_are_edited_and_removed(client, expert, owner):
    kept = Relationship.objects.create(expert=expert, kind="relative", person_name="甲")
    gone = Relationship.objects.create(expert=expert, kind="coauthor", person_name="乙")
    client.force_login(owner)

    response = client.post(
        MY_PROFILE,
        profile_post(
            [
                {"id": kept.pk, "kind": "relative", "person_name": "甲（配偶）"},
                {"id": gone.pk, "kind": "coauthor", "person_name": "乙", "DELETE": "on"},
            ],
            initial=2,
        ),
    )

    assert response.status_code == 302
    assert list(expert.relationships.values_list("person_name", flat=True)) == ["甲（配偶）"]
    event = AuditEvent.objects.get(action="expert.profile_update")
    assert event.payload["relationships"] == {"added": 0, "updated": 1, "removed": 1}


def test_another_experts_relationship_cannot_be_edited_or_removed_through_my_form(
    client, expert, owner
):
    other = make_expert("EX9", user=UserFactory())
    theirs = Relationship.objects.create(expert=other, kind="relative", person_name="丙")
    client.force_login(owner)

    client.post(
        MY_PROFILE,
        profile_post([{"id": theirs.pk, "kind": "relative", "person_name": "改"}], initial=1),
    )
    client.post(
        MY_PROFILE,
        profile_post(
            [{"id": theirs.pk, "kind": "relative", "person_name": "丙", "DELETE": "on"}],
            initial=1,
        ),
    )

    theirs.refresh_from_db()
    assert (theirs.expert, theirs.person_name) == (other, "丙")
    # A foreign id is treated as a new row of one's own, as Django's model formsets do.
    assert list(expert.relationships.values_list("person_name", flat=True)) == ["改"]


def test_the_form_shows_existing_relationships_with_the_linked_email(client, expert, owner):
    person = UserFactory(email="kin@example.cn")
    Relationship.objects.create(expert=expert, kind="relative", person=person, person_name="丁")
    client.force_login(owner)

    html = client.get(MY_PROFILE).content.decode()

    assert 'value="kin@example.cn"' in html
    assert "js/formset.js" in html
