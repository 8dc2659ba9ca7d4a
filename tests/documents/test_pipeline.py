"""The generation pipeline: crash and retry exactly once, verification, templates, other
documents through the same service."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.exceptions import ActionRefused
from accounts.models import Role
from common.hashing import sha256_hex
from documents import services
from documents.models import Document, DocumentKind, DocumentStatus, DocumentTemplate
from tests.documents.helpers import awarded_contract, pdf_text
from tests.factories import OrganizationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _stored_files(settings):
    return sorted(p for p in Path(settings.MEDIA_ROOT, "documents").rglob("*") if p.is_file())


def test_worker_killed_mid_render_then_retried_stores_exactly_one_version(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    contract, officer = awarded_contract(render=False)
    doc = contract.current_documents()[0]
    real_render = services._render

    def killed(document):
        raise SystemExit("worker killed")  # not an Exception: nothing in the task catches it

    monkeypatch.setattr(services, "_render", killed)
    with pytest.raises(SystemExit):
        services.document_render(doc.pk)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.RENDERING
    assert not doc.file
    assert not _stored_files(settings)
    # A second delivery of the same task while the first is presumed alive does nothing.
    monkeypatch.setattr(services, "_render", real_render)
    assert services.document_render(doc.pk) == "skipped"
    # The sweep fails it with a reason once it is stale; the page offers a retry.
    Document.objects.filter(pk=doc.pk).update(started_at=timezone.now() - timedelta(hours=1))
    assert services.documents_fail_stale() == 1
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.FAILED
    assert doc.error
    with django_capture_on_commit_callbacks(execute=True):
        services.document_retry(document=doc, by=officer)  # sync queue: renders on commit
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.READY
    assert doc.attempts == 2
    assert Document.objects.filter(series=doc.series).count() == 1
    assert len(_stored_files(settings)) == 1
    assert services.document_render(doc.pk) == "skipped"  # a late duplicate changes nothing
    # Retrying a ready document is refused.
    with pytest.raises(ActionRefused):
        services.document_retry(document=doc, by=officer)


def test_a_presumed_dead_attempt_that_finishes_late_is_discarded(settings, monkeypatch):
    contract, _officer = awarded_contract(render=False)
    doc = contract.current_documents()[0]
    first = services._claim(doc.pk)
    assert first is not None
    Document.objects.filter(pk=doc.pk).update(started_at=timezone.now() - timedelta(hours=1))
    assert services.document_render(doc.pk) == "stored"  # the second attempt takes over
    _document, token = first
    assert services._store(doc.pk, token, b"%PDF-late", 1) == "discarded"
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.READY
    assert doc.attempts == 2
    assert len(_stored_files(settings)) == 1


def test_a_template_error_fails_with_its_reason():
    contract, _officer = awarded_contract(render=False)
    doc = contract.current_documents()[0]
    DocumentTemplate.objects.filter(pk=doc.template_id).update(
        body="{{ contract.number|date:'Y'|nosuchfilter }}"
    )
    assert services.document_render(doc.pk) == "failed"
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.FAILED
    assert "nosuchfilter" in doc.error


def test_verification_by_upload_and_by_hash(client, tmp_path):
    contract, _officer = awarded_contract()
    doc = contract.current_documents()[0]
    data = Path(doc.file.path).read_bytes()
    url = reverse("documents:verify")
    page = client.post(url, {"file": SimpleUploadedFile("c.pdf", data)})
    body = page.content.decode()
    assert page.status_code == 200
    assert "真实有效" in body
    assert doc.number in body
    assert contract.project.bid.lead.name not in body  # no content is shown
    # One byte changed: not authentic.
    tampered = bytearray(data)
    tampered[len(tampered) // 2] ^= 0x01
    page = client.post(url, {"file": SimpleUploadedFile("c.pdf", bytes(tampered))})
    assert "未找到" in page.content.decode()
    assert services.verify_hash(sha256_hex(bytes(tampered))) == {"found": False}
    # By hash, from the QR code's page.
    page = client.post(
        reverse("documents:verify_number", args=[doc.number]), {"sha256": doc.sha256.upper()}
    )
    assert "当前版本" in page.content.decode()
    assert client.get(reverse("documents:verify_number", args=["HT-NOPE-V1"])).status_code == 404
    bad = client.post(url, {"sha256": "xyz"})
    assert "64" in bad.content.decode()


def test_superseded_version_is_reported_as_not_current():
    contract, officer = awarded_contract()
    old = contract.current_documents()[0]
    from documents.contracts import contract_regenerate

    for new in contract_regenerate(contract=contract, by=officer):
        services.document_render(new.pk)
    result = services.verify_hash(old.sha256)
    assert result["found"]
    assert not result["current"]
    assert result["newer"].version == 2


def test_templates_are_versioned_and_a_published_version_is_immutable(client):
    from tests.factories import bureau_officer

    officer = bureau_officer()
    v1 = DocumentTemplate.objects.get(kind=DocumentKind.TASK_BOOK, version=1)
    v1.body = "changed"
    with pytest.raises(ValueError, match="immutable"):
        v1.save()
    draft = services.template_new_version(kind=DocumentKind.TASK_BOOK, by=officer)
    assert draft.version == 2
    assert not draft.is_published
    assert services.template_new_version(kind=DocumentKind.TASK_BOOK, by=officer) == draft
    client.force_login(officer)
    edit = reverse("documents:template_edit", args=[draft.pk])
    broken = client.post(edit, {"body": "{% if %}", "css": "", "note": "x"})
    assert broken.status_code == 400
    assert "{% if %}" in broken.content.decode()
    body = draft.body.replace("项目任务书", "项目任务书（第二版）", 1)
    assert client.post(edit, {"body": body, "css": draft.css, "note": "标题"}).status_code == 302
    preview = client.get(reverse("documents:template_preview", args=[draft.pk]))
    assert preview.status_code == 200
    assert preview.content.startswith(b"%PDF")
    assert client.post(reverse("documents:template_publish", args=[draft.pk])).status_code == 302
    draft.refresh_from_db()
    assert draft.is_published
    with pytest.raises(ActionRefused):
        services.template_update(template=draft, by=officer, body="x", css="", note="")
    assert services.template_current(DocumentKind.TASK_BOOK).version == 2
    # Templates are the bureau's: others do not know the screens exist.
    client.force_login(UserFactory())
    assert client.get(reverse("documents:templates")).status_code == 404


def test_receipt_goes_through_the_same_pipeline(client, django_capture_on_commit_callbacks):
    from bounty.bids import services as bid_services
    from tests.bounty.bids.helpers import complete_bid
    from tests.bounty.helpers import published

    challenge = published()
    bid = complete_bid(challenge)
    version = bid_services.bid_submit(bid=bid, by=bid.created_by)
    url = reverse("documents:of", args=["receipt", version.pk])
    outsider = member_of(OrganizationFactory(verified=True), Role.BIDDER)
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(bid.created_by)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url)  # generated on first request (sync queue: on commit)
    assert first.status_code == 200  # the status page ("being generated")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    receipt = Document.objects.get(kind=DocumentKind.RECEIPT)
    assert version.content_sha256 in pdf_text(receipt.file.path)
    client.get(url)  # unchanged data: the same document, no new version
    assert Document.objects.filter(kind=DocumentKind.RECEIPT).count() == 1
    assert services.verify_hash(receipt.sha256)["document"] == receipt


def test_sample_contract_command(tmp_path):
    awarded_contract(render=False)
    out = tmp_path / "c.pdf"
    call_command("sample_contract", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    sample = tmp_path / "s.pdf"
    call_command("sample_contract", str(sample), "--sample", "--kind", "tri_party")
    assert "三方协议" in pdf_text(sample)


def test_public_notice_pdf_is_public_once_the_notice_runs(
    client, django_capture_on_commit_callbacks
):
    contract, _officer = awarded_contract(render=False)
    challenge = contract.project.challenge
    url = reverse("documents:of", args=["notice", challenge.pk])
    from bounty.models import Challenge
    from tests.bounty.helpers import published

    never = published()
    assert client.get(reverse("documents:of", args=["notice", never.pk])).status_code == 404
    Challenge.objects.filter(pk=challenge.pk).update(
        notice_ends_at=timezone.now() - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)  # anonymous: a notice is public
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    notice = Document.objects.get(kind=DocumentKind.NOTICE)
    text = pdf_text(notice.file.path)
    assert contract.project.bid.lead.name in text
    assert "人民币捌佰万元整" in text
