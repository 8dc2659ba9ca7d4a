"""The signatures put on documents.

* A party signs a contract document or a 补充协议 with its organisation's certificate
  (``party_sign``): each signature is an incremental update of the newest signed state of
  the PDF, stored as a ``SignedRevision``, with a signature time-stamp from the platform TSA.
* When the last party has signed, the platform appends a document time-stamp
  (``document_timestamp``): the final PDF carries the three signatures and the time-stamp.
* Receipts, panel reports and the other records the platform issues are signed by the
  platform's own certificate as they are rendered (``platform_sign``)."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import translation

from common.hashing import sha256_hex

from . import pades
from .authority import organization_certificate, platform_pki, signing_material
from .models import SignedRevision, SignedStep

FIELD_NAMES = {
    SignedStep.TEAM: "Sig1_Team",
    SignedStep.ISSUER: "Sig2_Issuer",
    SignedStep.BUREAU: "Sig3_Bureau",
}


def _timestamper():
    pki = platform_pki()
    return pades.local_timestamper(pki.tsa_key, pki.tsa_cert, [pki.root_cert])


def current_bytes(document) -> bytes:
    """The newest signed state of ``document`` (the rendered PDF before any signature)."""
    latest = document.signed_revisions.order_by("-revision").first()
    source = latest.file if latest is not None else document.file
    with source.open("rb") as fh:
        return fh.read()


def _store(document, *, pdf, step, certificate, by) -> SignedRevision:
    last = (
        document.signed_revisions.order_by("-revision").values_list("revision", flat=True).first()
    )
    digest = sha256_hex(pdf)
    revision = SignedRevision(
        document=document,
        revision=(last or 0) + 1,
        step=step,
        certificate=certificate,
        sha256=digest,
        size=len(pdf),
        signed_by=by,
    )
    revision.file.save("signed.pdf", ContentFile(pdf), save=False)
    revision.save()
    return revision


def party_sign(documents, *, organization, party, by, passphrase="") -> list[SignedRevision]:
    """Sign each of ``documents`` for ``party`` with ``organization``'s certificate. The
    caller holds the lock of the contract (or supplement) and checked the order."""
    certificate = organization_certificate(organization, by=by)
    key, cert, chain = signing_material(certificate, passphrase=passphrase)
    signer = pades.make_signer(key, cert, chain)
    timestamper = _timestamper()
    with translation.override("zh-hans"):
        reason = str(SignedStep(party).label)
    revisions = []
    for document in documents:
        pdf = pades.sign_pdf(
            current_bytes(document),
            signer,
            field_name=FIELD_NAMES[party],
            reason=reason,
            signer_name=organization.name,
            timestamper=timestamper,
        )
        revisions.append(_store(document, pdf=pdf, step=party, certificate=certificate, by=by))
    return revisions


def document_timestamp(documents, *, by=None) -> list[SignedRevision]:
    """Append the platform's document time-stamp to each of ``documents``."""
    pki = platform_pki()
    timestamper = _timestamper()
    return [
        _store(
            document,
            pdf=pades.timestamp_pdf(current_bytes(document), timestamper),
            step=SignedStep.TIMESTAMP,
            certificate=pki.tsa,
            by=by,
        )
        for document in documents
    ]


def platform_sign(pdf: bytes) -> bytes:
    """Sign a record the platform issues (receipt, panel report, notice…) with the
    platform's certificate, time-stamped by its TSA."""
    pki = platform_pki()
    signer = pades.make_signer(pki.signing_key, pki.signing_cert, [pki.root_cert])
    return pades.sign_pdf(
        pdf,
        signer,
        field_name="Sig_Platform",
        reason="平台签发",
        signer_name=settings.PKI["CA_NAME"],
        timestamper=_timestamper(),
    )
