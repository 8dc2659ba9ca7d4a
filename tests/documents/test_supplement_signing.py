"""Issue 17 point 5: the 补充协议 of an approved change is generated through the document
pipeline and signed by the three parties in the contract's order (team → issuer → bureau);
the change is in force at the last signature. The horse race's continuation agreement is
signed the same way (its tranche falls due at the last signature)."""

import importlib

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.exceptions import ActionRefused
from accounts.models import Role
from bounty.models import ChangeDecision, ChangeKind, TrancheStatus
from bounty.projects import change_services as changes
from bounty.projects import closing
from documents.models import (
    DocumentKind,
    DocumentStatus,
    DocumentTemplate,
    Party,
    Supplement,
    SupplementStatus,
)
from documents.services import document_render
from documents.supplement_signing import supplement_sign
from notifications.models import Notification
from tests.bounty.projects.test_horse_race import horse_race
from tests.bounty.projects.test_services import active_project
from tests.documents.helpers import pdf_text
from tests.factories import (
    OrganizationFactory,
    UserFactory,
    bureau_officer,
    make_meeting,
    member_of,
)

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def approved_pi_change(render=True):
    project, team, issuer, officer = active_project()
    new_pi = member_of(project.bid.lead, Role.BIDDER, user=UserFactory(full_name="钱新负责人"))
    change = changes.change_request(
        project=project,
        by=team,
        kind=ChangeKind.PI,
        description="原负责人调离",
        data={"pi": new_pi.pk},
    )
    changes.change_decide(change=change, by=officer, approve=True, comment="同意")
    supplement = Supplement.objects.get(change=change)
    change.refresh_from_db()
    if render:
        document_render(supplement.current_document().pk)
    return supplement, change, (team, issuer, officer), new_pi


def sign(supplement, party, user, **kwargs):
    kwargs.setdefault("method", "online")
    kwargs.setdefault("password", PASSWORD)
    return supplement_sign(supplement=supplement, party=party, by=user, **kwargs)


def test_the_supplement_pdf_is_generated_with_the_change_before_and_after():
    supplement, change, _users, _new_pi = approved_pi_change()
    document = supplement.current_document()
    assert document.kind == DocumentKind.SUPPLEMENT
    assert document.status == DocumentStatus.READY
    assert len(document.sha256) == 64
    assert document.subject == supplement.contract
    assert document.series == supplement.series
    text = pdf_text(document.file.path)
    assert "变更事项" in text
    assert "钱新负责人" in text
    assert supplement.status == SupplementStatus.SIGNING
    assert change.decision == ChangeDecision.APPROVED


def test_three_parties_sign_in_order_and_the_change_is_in_force():
    supplement, change, (team, issuer, officer), _ = approved_pi_change()
    with pytest.raises(ActionRefused, match="in order"):  # the issuer may not go first
        sign(supplement, Party.ISSUER, issuer)
    with pytest.raises(ActionRefused, match="in order"):  # nor the bureau
        sign(supplement, Party.BUREAU, officer)
    signature = sign(supplement, Party.TEAM, team)
    assert signature.document_sha256 == supplement.current_document().sha256
    with pytest.raises(ActionRefused):  # the team once only
        sign(supplement, Party.TEAM, team)
    assert Notification.objects.filter(recipient=issuer, kind="supplement.to_sign").exists()
    sign(supplement, Party.ISSUER, issuer)
    change.refresh_from_db()
    assert change.decision == ChangeDecision.APPROVED  # awaiting the bureau's signature
    scan = SimpleUploadedFile("签章页.pdf", b"%PDF-1.4 sealed", content_type="application/pdf")
    sign(supplement, Party.BUREAU, officer, method="scan", password="", scan=scan)
    supplement.refresh_from_db()
    change.refresh_from_db()
    assert supplement.status == SupplementStatus.SIGNED
    assert change.decision == ChangeDecision.IN_FORCE
    assert change.in_force_at is not None
    assert supplement.signatures.get(party=Party.BUREAU).scan_sha256
    assert Notification.objects.filter(recipient=team, kind="project.change_in_force").exists()


def test_non_party_cannot_sign():
    supplement, _change, (team, issuer, _officer), _ = approved_pi_change()
    stranger = member_of(OrganizationFactory(verified=True), Role.BIDDER)
    with pytest.raises(ActionRefused, match="cannot sign"):
        sign(supplement, Party.TEAM, stranger)
    with pytest.raises(ActionRefused, match="cannot sign"):  # an issuer signs for no team
        sign(supplement, Party.TEAM, issuer)
    with pytest.raises(ActionRefused, match="cannot sign"):
        sign(supplement, Party.TEAM, bureau_officer())
    with pytest.raises(ActionRefused, match="password"):
        sign(supplement, Party.TEAM, team, password="wrong")
    assert not supplement.signatures.exists()


def test_nothing_is_signed_before_the_document_is_ready():
    supplement, _change, (team, *_), _ = approved_pi_change(render=False)
    assert supplement.current_document().status == DocumentStatus.QUEUED
    with pytest.raises(ActionRefused, match="not generated"):
        sign(supplement, Party.TEAM, team)


def test_after_a_lead_change_the_new_lead_signs_for_the_team():
    project, team, _issuer, officer = active_project()
    new_lead = OrganizationFactory(verified=True)
    new_team = member_of(new_lead, Role.BIDDER)
    change = changes.change_request(
        project=project,
        by=team,
        kind=ChangeKind.LEAD,
        description="转制",
        data={"lead": new_lead.pk},
    )
    changes.change_decide(change=change, by=officer, approve=True, comment="同意")
    supplement = Supplement.objects.get(change=change)
    document_render(supplement.current_document().pk)
    with pytest.raises(ActionRefused):
        sign(supplement, Party.TEAM, team)  # the old lead is no longer the party
    sign(supplement, Party.TEAM, new_team)
    assert supplement.signatures.get().organization_name == new_lead.name


def test_contract_page_shows_the_supplement_and_signs_it(client):
    supplement, _change, (team, _issuer, _officer), _ = approved_pi_change()
    contract = supplement.contract
    client.force_login(team)
    page = client.get(contract.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert supplement.current_document().number in html
    assert reverse("documents:supplement_sign", args=[supplement.pk]) in html
    url = reverse("documents:supplement_sign", args=[supplement.pk])
    prefix = f"s{supplement.pk}"
    refused = client.post(
        url,
        {
            "party": "team",
            f"{prefix}-method": "online",
            f"{prefix}-confirm": "on",
            f"{prefix}-password": "wrong",
        },
    )
    assert refused.status_code == 400
    assert not supplement.signatures.exists()
    ok = client.post(
        url,
        {
            "party": "team",
            f"{prefix}-method": "online",
            f"{prefix}-confirm": "on",
            f"{prefix}-password": PASSWORD,
        },
    )
    assert ok.status_code == 302
    assert supplement.signatures.get().party == Party.TEAM
    client.force_login(member_of(OrganizationFactory(verified=True), Role.BIDDER))
    assert client.post(url, {"party": "issuer"}).status_code == 404


def test_horse_race_continuation_is_due_only_once_its_supplement_is_signed():
    (loser, survivor), officer = horse_race()
    closing.project_terminate(
        project=loser,
        by=officer,
        outcome="eliminated",
        reason="淘汰",
        meeting=make_meeting(by=officer),
    )
    tranche = survivor.tranches.get(continuation=True)
    supplement = Supplement.objects.get(contract__project=survivor)
    assert supplement.change is None
    document_render(supplement.current_document().pk)
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.PENDING  # generated is not yet in force
    team, issuer = survivor.bid.created_by, survivor.challenge.created_by
    for party, user in ((Party.TEAM, team), (Party.ISSUER, issuer), (Party.BUREAU, officer)):
        sign(supplement, party, user)
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.ELIGIBLE


def test_migration_publishes_a_new_supplement_template_version_when_the_file_changed():
    migration = importlib.import_module("documents.migrations.0011_supplement_signing")
    DocumentTemplate.objects.filter(kind="supplement").update(body="<p>旧版</p>")
    migration.publish(apps, None)
    versions = list(
        DocumentTemplate.objects.filter(kind="supplement")
        .order_by("version")
        .values_list("version", "status")
    )
    assert versions == [(1, "published"), (2, "published")]
    migration.publish(apps, None)  # idempotent
    assert DocumentTemplate.objects.filter(kind="supplement").count() == 2


def test_contract_page_queries_do_not_grow_with_the_supplements(client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    supplement, _change, (team, _issuer, officer), _ = approved_pi_change()
    contract = supplement.contract
    client.force_login(officer)
    with CaptureQueriesContext(connection) as one:
        assert client.get(contract.get_absolute_url()).status_code == 200
    project = contract.project
    project.refresh_from_db()
    indicator = project.challenge.indicators.first()
    change = changes.change_request(
        project=project,
        by=team,
        kind=ChangeKind.INDICATORS,
        description="再调整",
        data={"indicators": [{"indicator": indicator.pk, "committed": "99"}]},
    )
    changes.change_decide(change=change, by=officer, approve=True, comment="同意")
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(contract.get_absolute_url()).status_code == 200


def test_demo_changes_leave_a_filing_acknowledged_and_a_change_in_force():
    from documents.demo_changes import changes_demo

    project, team, issuer, officer = active_project()
    users = {Party.TEAM: team, Party.ISSUER: issuer, Party.BUREAU: officer}
    changes_demo(project.contract, lambda _contract, party: users[party], password=PASSWORD)
    assert project.changes.get(kind=ChangeKind.ROUTE).decision == ChangeDecision.ACKNOWLEDGED
    in_force = project.changes.get(kind=ChangeKind.INDICATORS)
    assert in_force.decision == ChangeDecision.IN_FORCE
    assert in_force.supplement.status == SupplementStatus.SIGNED
    assert in_force.supplement.signatures.count() == 3
