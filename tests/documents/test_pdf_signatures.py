"""Real PDF signatures (issue 18): each party signs with its own certificate in the signing
order, the final contract carries the three signatures and the platform's document
time-stamp, and the file validates with pyHanko's validator and poppler's ``pdfsig``."""

import pytest
from cryptography import x509
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from accounts.exceptions import ActionRefused
from accounts.models import OrganizationStatus, Role
from audit.models import AuditEvent
from documents import contracts
from documents.models import (
    Certificate,
    CertificateRole,
    CertificateSource,
    DocumentKind,
    Party,
    Signature,
    SignedRevision,
    SignedStep,
)
from documents.signing import authority
from documents.signing.stamping import current_bytes
from documents.signing.verification import signatures_check
from tests.documents.helpers import awarded_contract
from tests.documents.pki_helpers import (
    PASSWORD,
    expired_pkcs12,
    make_pkcs12,
    pdfsig,
    sign_all,
)
from tests.factories import OrganizationFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english(english):
    with translation.override("en"):
        yield


def _final(contract, kind=DocumentKind.TRI_PARTY):
    return next(d for d in contract.current_documents() if d.kind == kind)


def test_signed_contract_validates_with_pyhanko_and_pdfsig(tmp_path):
    contract, officer = awarded_contract()
    sign_all(contract, officer)
    lead = contract.project.bid.lead.name
    issuer = contract.project.challenge.issuer.name
    bureau = Signature.objects.get(contract=contract, party=Party.BUREAU).organization_name
    for document in contract.current_documents():
        pdf = current_bytes(document)
        check = signatures_check(pdf)
        assert check["all_valid"], check
        assert check["timestamped"]
        kinds = [c.kind for c in check["checks"]]
        assert kinds == ["signature", "signature", "signature", "timestamp"]
        assert [c.organization for c in check["checks"][:3]] == [lead, issuer, bureau]
        assert all(c.timestamped for c in check["checks"])  # each signature time-stamped too
        assert check["checks"][-1].whole_document
        # A standard PDF reader: poppler's pdfsig.
        path = tmp_path / f"{document.number}.pdf"
        path.write_bytes(pdf)
        report = pdfsig(path)
        assert len(report) == 4
        for entry in report[:3]:
            assert entry["type"] == "ETSI.CAdES.detached"
            assert entry["validation"] == "Signature is Valid."
            assert not entry["total"]
        # The last is the document time-stamp covering the whole file (poppler 22 does not
        # validate RFC 3161 time-stamps; pyHanko did above).
        assert report[-1]["total"]
        assert report[-1]["field"] == check["checks"][-1].field


def test_every_signature_is_an_incremental_update_and_earlier_states_stay_valid():
    contract, officer = awarded_contract()
    sign_all(contract, officer)
    document = _final(contract)
    revisions = list(document.signed_revisions.order_by("revision"))
    assert [r.step for r in revisions] == [
        SignedStep.TEAM,
        SignedStep.ISSUER,
        SignedStep.BUREAU,
        SignedStep.TIMESTAMP,
    ]
    previous = document.file.open("rb").read()
    for count, revision in enumerate(revisions, start=1):
        data = revision.file.open("rb").read()
        assert data.startswith(previous)  # appended, never rewritten
        check = signatures_check(data)
        assert len(check["checks"]) == count
        assert check["all_valid"]
        previous = data
    signatures = Signature.objects.filter(contract=contract).order_by("signed_at")
    assert [s.documents[1]["signed_sha256"] for s in signatures] == [
        revisions[0].sha256,
        revisions[1].sha256,
        revisions[3].sha256,  # the bureau's entry names the final, time-stamped file
    ]


def test_tampering_one_byte_after_signing_fails_validation(tmp_path):
    contract, officer = awarded_contract()
    sign_all(contract, officer)
    pdf = bytearray(current_bytes(_final(contract)))
    pdf[len(pdf) // 3] ^= 0x01  # inside the content every signature covers
    check = signatures_check(bytes(pdf))
    assert not check["all_valid"]
    assert not any(c.intact for c in check["checks"])
    path = tmp_path / "tampered.pdf"
    path.write_bytes(bytes(pdf))
    assert all(e["validation"] != "Signature is Valid." for e in pdfsig(path))


def test_signing_order_is_kept():
    contract, officer = awarded_contract()
    team = contract.project.bid.created_by
    issuer = contract.project.challenge.created_by
    with pytest.raises(ActionRefused, match="Parties sign in order"):
        contracts.contract_sign(
            contract=contract, party=Party.ISSUER, by=issuer, method="online", password=PASSWORD
        )
    assert not SignedRevision.objects.exists()  # a refusal signs no PDF
    contracts.contract_sign(
        contract=contract, party=Party.TEAM, by=team, method="online", password=PASSWORD
    )
    with pytest.raises(ActionRefused, match="Parties sign in order"):
        contracts.contract_sign(
            contract=contract, party=Party.BUREAU, by=officer, method="online", password=PASSWORD
        )
    assert SignedRevision.objects.count() == 2  # the team's signature on both documents
    contracts.contract_sign(
        contract=contract, party=Party.ISSUER, by=issuer, method="online", password=PASSWORD
    )
    contracts.contract_sign(
        contract=contract, party=Party.BUREAU, by=officer, method="online", password=PASSWORD
    )
    fields = [c.field for c in signatures_check(current_bytes(_final(contract)))["checks"]]
    assert fields[:3] == ["Sig1_Team", "Sig2_Issuer", "Sig3_Bureau"]


def test_revoked_certificate_cannot_sign_and_is_in_the_crl(client):
    contract, officer = awarded_contract()
    team = contract.project.bid.created_by
    lead = contract.project.bid.lead
    certificate = authority.organization_certificate(lead)
    # Only the bureau revokes, with a reason; the revocation is audited.
    with pytest.raises(ActionRefused):
        authority.certificate_revoke(certificate=certificate, by=team, reason="lost")
    client.force_login(officer)
    response = client.post(
        reverse("documents:pki_certificate_revoke", args=[certificate.pk]),
        {"reason": "The key was lost"},
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.is_revoked
    event = AuditEvent.objects.get(action="certificate.revoke")
    assert event.payload["serial"] == certificate.serial
    assert event.actor == officer
    # The revocation list, public, names the serial.
    client.logout()
    crl = x509.load_der_x509_crl(client.get(reverse("documents:pki_crl")).content)
    root = x509.load_der_x509_certificate(client.get(reverse("documents:pki_ca")).content)
    assert crl.is_signature_valid(root.public_key())
    assert crl.get_revoked_certificate_by_serial_number(int(certificate.serial, 16)) is not None
    # The team cannot sign with it, and no new certificate is issued behind the bureau's back.
    with pytest.raises(ActionRefused, match="no valid signing certificate"):
        contracts.contract_sign(
            contract=contract, party=Party.TEAM, by=team, method="online", password=PASSWORD
        )
    assert not Signature.objects.exists()
    assert not SignedRevision.objects.exists()
    # The bureau issues a new one; then the team signs.
    client.force_login(officer)
    client.post(reverse("documents:pki_certificate_issue", args=[lead.pk]))
    contracts.contract_sign(
        contract=contract, party=Party.TEAM, by=team, method="online", password=PASSWORD
    )
    revision = SignedRevision.objects.filter(step=SignedStep.TEAM).first()
    assert revision.certificate != certificate
    assert not revision.certificate.is_revoked


def test_a_document_signed_before_a_revocation_no_longer_validates_as_trusted():
    contract, officer = awarded_contract()
    team = contract.project.bid.created_by
    contracts.contract_sign(
        contract=contract, party=Party.TEAM, by=team, method="online", password=PASSWORD
    )
    pdf = current_bytes(_final(contract))
    assert signatures_check(pdf)["all_valid"]
    certificate = authority.organization_certificate(contract.project.bid.lead)
    authority.certificate_revoke(certificate=certificate, by=officer, reason="compromised")
    check = signatures_check(pdf)
    assert not check["all_valid"]
    assert check["checks"][0].intact
    assert not check["checks"][0].trusted


def _upload(client, org, data, passphrase):
    return client.post(
        reverse("documents:pki_upload"),
        {
            "organization": org.pk,
            "passphrase": passphrase,
            "file": SimpleUploadedFile("own.p12", data, content_type="application/x-pkcs12"),
        },
    )


def test_bad_pkcs12_upload_is_refused_cleanly_keeping_what_was_typed(client):
    org = OrganizationFactory(verified=True)
    admin = member_of(org, Role.BIDDER, is_admin=True)
    client.force_login(admin)
    good, _cert, _ca = make_pkcs12("right passphrase")
    cases = [
        (b"not a pkcs12 file at all", "x", "not a PKCS#12 file"),
        (good, "wrong passphrase", "the passphrase is wrong"),
        (expired_pkcs12("p"), "p", "not valid now"),
    ]
    for data, passphrase, message in cases:
        response = _upload(client, org, data, passphrase)
        assert response.status_code == 400
        page = response.content.decode()
        assert message in page
        # The organisation chosen stays chosen.
        assert f'<option value="{org.pk}" selected>' in page
    assert not Certificate.objects.filter(source=CertificateSource.UPLOADED).exists()
    # A member who is not an administrator does not see the page.
    client.force_login(member_of(org, Role.BIDDER))
    assert client.get(reverse("documents:pki_upload")).status_code == 404


def test_uploaded_pkcs12_signs_with_its_passphrase(client, settings, tmp_path):
    contract, _officer = awarded_contract()
    team = contract.project.bid.created_by
    lead = contract.project.bid.lead
    admin = member_of(lead, Role.BIDDER, is_admin=True)
    data, cert, own_ca = make_pkcs12("s3cret phrase", org=lead.name)
    client.force_login(admin)
    assert _upload(client, lead, data, "s3cret phrase").status_code == 302
    uploaded = Certificate.objects.get(source=CertificateSource.UPLOADED)
    assert bytes(uploaded.pkcs12) != data  # kept sealed
    assert AuditEvent.objects.filter(action="certificate.upload").exists()
    with pytest.raises(ActionRefused, match="enter its passphrase"):
        contracts.contract_sign(
            contract=contract, party=Party.TEAM, by=team, method="online", password=PASSWORD
        )
    with pytest.raises(ActionRefused, match=r"passphrase .* not correct"):
        contracts.contract_sign(
            contract=contract,
            party=Party.TEAM,
            by=team,
            method="online",
            password=PASSWORD,
            passphrase="guess",
        )
    contracts.contract_sign(
        contract=contract,
        party=Party.TEAM,
        by=team,
        method="online",
        password=PASSWORD,
        passphrase="s3cret phrase",
    )
    pdf = current_bytes(_final(contract))
    (check,) = signatures_check(pdf)["checks"]
    assert check.intact
    assert check.serial == format(cert.serial_number, "x")
    assert not check.trusted  # its CA is not the platform's…
    pem = tmp_path / "own-ca.pem"
    pem.write_bytes(own_ca.public_bytes(serialization_pem()))
    settings.PKI = {**settings.PKI, "TRUSTED_ROOTS": [str(pem)]}
    assert signatures_check(pdf)["all_valid"]  # …until the deployment trusts it


def serialization_pem():
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.PEM


def test_verifying_an_organisation_issues_its_certificate(django_capture_on_commit_callbacks):
    from accounts.services import organization_verify
    from tests.factories import bureau_officer

    officer = bureau_officer()
    org = OrganizationFactory(status=OrganizationStatus.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        organization_verify(organization=org, by=officer)
    certificate = Certificate.objects.get(organization=org)
    assert certificate.role == CertificateRole.ORGANIZATION
    assert org.credit_code in certificate.subject
    assert bytes(certificate.key_pem).startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert AuditEvent.objects.filter(action="certificate.issue").exists()


def test_pki_init_command_is_idempotent():
    from io import StringIO

    out = StringIO()
    call_command("pki_init", stdout=out)
    assert "created" in out.getvalue()
    out = StringIO()
    call_command("pki_init", stdout=out)
    assert "already present" in out.getvalue()
    assert Certificate.objects.filter(role=CertificateRole.ROOT).count() == 1


def test_verification_page_shows_each_signer_and_catches_a_tampered_upload(client):
    contract, officer = awarded_contract()
    sign_all(contract, officer)
    document = _final(contract)
    pdf = current_bytes(document)
    url = reverse("documents:verify_number", args=[document.number])
    with translation.override("en"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Every digital signature is valid" in page
    assert contract.project.bid.lead.name in page
    assert "Document time-stamp" in page
    response = client.post(
        url, {"file": SimpleUploadedFile("c.pdf", pdf)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.content.decode()
    assert "the signed document as it stands" in body
    assert "Every digital signature is valid" in body
    tampered = bytearray(pdf)
    tampered[len(pdf) // 3] ^= 0x01
    body = client.post(
        url, {"file": SimpleUploadedFile("c.pdf", bytes(tampered))}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Not found" in body
    assert "At least one digital signature is not valid" in body
    # The parties download the signed file.
    client.force_login(officer)
    download = client.get(reverse("documents:download", args=[document.number]))
    assert b"".join(download.streaming_content) == pdf
    assert download["X-Content-SHA256"] == document.signed_revisions.last().sha256


def test_receipt_is_signed_by_the_platform(client, django_capture_on_commit_callbacks):
    from bounty.bids import services as bid_services
    from documents.models import Document
    from tests.bounty.bids.helpers import complete_bid
    from tests.bounty.helpers import published

    bid = complete_bid(published())
    version = bid_services.bid_submit(bid=bid, by=bid.created_by)
    client.force_login(bid.created_by)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("documents:of", args=["receipt", version.pk]))
    receipt = Document.objects.get(kind=DocumentKind.RECEIPT)
    check = signatures_check(receipt.file.open("rb").read())
    assert check["all_valid"]
    (signature,) = check["checks"]
    assert signature.serial == authority.platform_pki().signing.serial
    assert signature.timestamped


def test_a_signed_supplement_carries_the_three_signatures_and_a_time_stamp(tmp_path):
    from tests.documents.test_supplement_signing import approved_pi_change, sign

    supplement, _change, (team, issuer, officer), _ = approved_pi_change()
    for party, user in ((Party.TEAM, team), (Party.ISSUER, issuer), (Party.BUREAU, officer)):
        sign(supplement, party, user)
    document = supplement.current_document()
    pdf = current_bytes(document)
    check = signatures_check(pdf)
    assert check["all_valid"]
    assert check["timestamped"]
    assert [c.field for c in check["checks"][:3]] == ["Sig1_Team", "Sig2_Issuer", "Sig3_Bureau"]
    path = tmp_path / "supplement.pdf"
    path.write_bytes(pdf)
    report = pdfsig(path)
    assert [e["validation"] for e in report[:3]] == ["Signature is Valid."] * 3
    assert report[-1]["total"]
