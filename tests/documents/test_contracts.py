"""Contracts: real PDFs checked by their text, fonts, pages and QR code; signing in order;
activation of the project; 404 for non-parties."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.exceptions import ActionRefused
from accounts.models import Role
from bounty.models import ChallengeStatus, ProjectStatus, TrancheStatus
from documents import contracts
from documents.capital import capital_wan
from documents.models import DocumentKind, DocumentStatus, Party, Signature
from notifications.models import Notification
from tests.documents.helpers import awarded_contract, pdf_fonts, pdf_pages, pdf_text, qr_codes
from tests.factories import OrganizationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _signers(contract):
    bid = contract.project.bid
    team = bid.created_by
    issuer = contract.project.challenge.created_by
    return team, issuer


def test_award_prepares_a_contract_whose_pdfs_carry_the_data(tmp_path, settings):
    contract, _officer = awarded_contract()
    docs = contract.current_documents()
    assert [d.kind for d in docs] == [DocumentKind.TASK_BOOK, DocumentKind.TRI_PARTY]
    assert all(d.status == DocumentStatus.READY for d in docs)
    challenge = contract.project.challenge
    bid = contract.project.bid
    for doc in docs:
        path = doc.file.path
        text = pdf_text(path)
        # Parties with their credit codes.
        assert challenge.issuer.name in text
        assert challenge.issuer.credit_code in text
        assert bid.lead.name in text
        assert bid.lead.credit_code in text
        assert contract.number in text
        # Amounts: 800 万元 = 600 enterprise + 200 government; 60 % first payment = 120.
        assert capital_wan(Decimal("800")) in text  # 人民币捌佰万元整
        assert "人民币捌佰万元整" in text
        # Page numbers in the official form; page count as stored.
        assert f"第1页共{doc.pages}页" in text
        assert pdf_pages(path) == doc.pages
        # Every font is an embedded CJK face, never the fallback.
        fonts = [line for line in pdf_fonts(path).splitlines()[2:] if line.strip()]
        assert fonts
        assert all("CJK" in line for line in fonts), fonts
        assert all(" yes " in line for line in fonts)  # embedded
    task_book = pdf_text(docs[0].file.path)
    assert "人民币陆佰万元整" in task_book
    assert "人民币贰佰万元整" in task_book
    assert "人民币壹佰贰拾万元整" in task_book  # first payment: 60 % of 200 万元
    # Committed indicator targets from the winning bid (published ≥ 90 %, committed ≥ 91 %).
    assert "≥91%" in task_book
    assert "≥90%" in task_book
    assert "尽职免责" in pdf_text(docs[1].file.path)
    # The QR code on page 1 decodes to the public verification URL of this version.
    for doc in docs:
        codes = qr_codes(doc.file.path, tmp_path / doc.kind)
        assert codes == [settings.SITE_URL + reverse("documents:verify_number", args=[doc.number])]


def test_snapshot_and_template_version_are_stored():
    contract, _officer = awarded_contract()
    doc = contract.current_documents()[0]
    assert doc.template.version == 1
    assert doc.template.is_published
    assert doc.snapshot["parties"]["team"]["representative"] == "李揭榜"
    assert doc.snapshot["doc"]["template_version"] == 1
    assert len(doc.sha256) == 64
    assert doc.size > 10_000
    tranches = doc.snapshot["tranches"]
    total = sum(Decimal(t["amount"]) for t in tranches)
    assert total == Decimal(doc.snapshot["funding"]["total"]) == Decimal("800")
    assert Decimal(tranches[0]["government_part"]) == Decimal("120")


def test_signing_in_order_activates_the_project(client):
    contract, officer = awarded_contract()
    team, issuer = _signers(contract)
    # Out of order: the issuer and the bureau cannot sign first.
    with pytest.raises(ActionRefused):
        contracts.contract_sign(
            contract=contract, party=Party.ISSUER, by=issuer, method="online", password=PASSWORD
        )
    with pytest.raises(ActionRefused):
        contracts.contract_sign(
            contract=contract, party=Party.BUREAU, by=officer, method="online", password=PASSWORD
        )
    # A party cannot sign for another.
    with pytest.raises(ActionRefused):
        contracts.contract_sign(
            contract=contract, party=Party.TEAM, by=issuer, method="online", password=PASSWORD
        )
    # A wrong password signs nothing.
    with pytest.raises(ActionRefused):
        contracts.contract_sign(
            contract=contract, party=Party.TEAM, by=team, method="online", password="nope"
        )
    assert not Signature.objects.exists()

    contracts.contract_sign(
        contract=contract, party=Party.TEAM, by=team, method="online", password=PASSWORD
    )
    assert Notification.objects.filter(recipient=issuer, kind="contract.to_sign").exists()
    # The first signature freezes the documents.
    with pytest.raises(ActionRefused):
        contracts.contract_regenerate(contract=contract, by=officer)
    # The issuer signs by uploading the sealed scan; a non-PDF is refused by content.
    with pytest.raises(ActionRefused):
        contracts.contract_sign(
            contract=contract,
            party=Party.ISSUER,
            by=issuer,
            method="scan",
            scan=SimpleUploadedFile("scan.pdf", b"GIF89a not a pdf"),
        )
    contracts.contract_sign(
        contract=contract,
        party=Party.ISSUER,
        by=issuer,
        method="scan",
        scan=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 signed and sealed scan"),
    )
    scan = Signature.objects.get(party=Party.ISSUER)
    assert len(scan.scan_sha256) == 64
    assert scan.documents[0]["sha256"] == contract.current_documents()[0].sha256

    contracts.contract_sign(
        contract=contract, party=Party.BUREAU, by=officer, method="online", password=PASSWORD
    )
    contract.refresh_from_db()
    project = contract.project
    project.refresh_from_db()
    assert contract.status == "signed"
    assert project.status == ProjectStatus.ACTIVE
    assert project.challenge.status == ChallengeStatus.CONTRACTED
    first, *others = list(project.tranches.order_by("number"))
    assert first.status == TrancheStatus.ELIGIBLE
    assert first.amount == Decimal("120")
    assert [t.status for t in others] == [TrancheStatus.PENDING] * 2
    assert sum(t.amount for t in [first, *others]) == Decimal("800")
    for user in (team, issuer, officer):
        assert Notification.objects.filter(recipient=user, kind="contract.signed").exists()
    with pytest.raises(ActionRefused):  # nothing left to sign
        contracts.contract_sign(
            contract=contract, party=Party.BUREAU, by=officer, method="online", password=PASSWORD
        )
    from audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="contract.sign").count() == 3


def test_contract_pages_and_downloads_are_for_the_parties_only(client):
    contract, officer = awarded_contract()
    team, issuer = _signers(contract)
    doc = contract.current_documents()[0]
    outsider = member_of(OrganizationFactory(verified=True), Role.BIDDER)
    other_issuer = member_of(OrganizationFactory(verified=True), Role.ISSUER)
    urls = [
        contract.get_absolute_url(),
        reverse("documents:download", args=[doc.number]),
    ]
    for user in (outsider, other_issuer, UserFactory()):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
    client.logout()
    assert client.get(urls[1]).status_code == 404
    for user in (team, issuer, officer):
        client.force_login(user)
        assert client.get(urls[0]).status_code == 200
        response = client.get(urls[1])
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_sign_through_the_page(client):
    contract, _officer = awarded_contract()
    team, _issuer = _signers(contract)
    client.force_login(team)
    page = client.get(contract.get_absolute_url())
    assert "签署合同" in page.content.decode()
    url = reverse("documents:contract_sign", args=[contract.number])
    # Without the confirmation the form comes back with an error; nothing is signed.
    response = client.post(url, {"party": "team", "method": "online", "password": PASSWORD})
    assert response.status_code == 400
    assert not Signature.objects.exists()
    response = client.post(
        url, {"party": "team", "method": "online", "password": PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 302
    assert Signature.objects.get().party == Party.TEAM


def test_terms_change_generates_new_versions_and_supersedes_the_old(client):
    contract, officer = awarded_contract()
    old = contract.current_documents()
    client.force_login(officer)
    url = reverse("documents:contract_terms", args=[contract.number])
    bad = client.post(
        url,
        {
            "start_date": "2027-01-01",
            "first_payment_percent": "40",
            "dispute_body": "x",
            "sign_place": "y",
        },
    )
    assert bad.status_code == 400
    assert "60" in bad.content.decode()
    ok = client.post(
        url,
        {
            "start_date": "2027-01-01",
            "first_payment_percent": "70",
            "dispute_body": "示范市仲裁委员会",
            "sign_place": "示范市",
        },
    )
    assert ok.status_code == 302
    from documents.services import document_render

    new = contract.current_documents()
    assert [d.version for d in new] == [2, 2]
    for d in new:
        document_render(d.pk)
    for d in old:
        d.refresh_from_db()
        assert d.status == DocumentStatus.SUPERSEDED
    new = contract.current_documents()
    assert new[0].snapshot["funding"]["first_payment"] == "140.0000"
    assert "2027年7月1日" in pdf_text(new[0].file.path)  # milestone 1: +6 months


def test_contract_page_query_count_is_pinned(client, django_assert_max_num_queries):
    contract, officer = awarded_contract()
    client.force_login(officer)
    # 12: issue 17 adds the contract's supplementary agreements (one query when there are
    # none; a constant number more when there are: tests/documents/test_supplement_signing.py).
    with django_assert_max_num_queries(12):
        assert client.get(contract.get_absolute_url()).status_code == 200


def test_online_signature_works_with_login_throttling_on(settings, tmp_path):
    """Found by seed_demo in CI: with django-axes on (every setting but the tests'), a
    password check through authenticate() without a request raised; signing re-checks the
    signer's own password instead."""
    settings.AXES_ENABLED = True
    settings.MEDIA_ROOT = tmp_path
    contract, _officer = awarded_contract()
    team = contract.project.bid.created_by
    with pytest.raises(ActionRefused):
        contracts.contract_sign(
            contract=contract, party=Party.TEAM, by=team, method="online", password="wrong"
        )
    contracts.contract_sign(
        contract=contract, party=Party.TEAM, by=team, method="online", password=PASSWORD
    )
    assert contract.signatures.filter(party=Party.TEAM).exists()
