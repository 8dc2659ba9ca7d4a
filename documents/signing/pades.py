"""Signing, time-stamping and validating PDF bytes with pyHanko (PAdES).

Every signature is an incremental update: the bytes signed before stay as they were, so
earlier signatures keep validating. Nothing here fetches anything from outside: the
time-stamping authority is the platform's own (``local_timestamper``), and validation uses
the platform CA as its only trust root with the revocation list passed in."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from io import BytesIO

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

MD = "sha256"


def _off_loop(fn, *args, **kwargs):
    """Call one of pyHanko's synchronous entry points, which run ``asyncio.run`` inside.

    That fails in a thread whose event loop is already running (an ASGI worker, or a test
    driving a browser through Playwright's sync API); there the call runs in a short-lived
    thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def asn1_cert(cert):
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def asn1_key(key):
    return asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def make_signer(key, cert, chain=()) -> signers.SimpleSigner:
    return signers.SimpleSigner(
        signing_cert=asn1_cert(cert),
        signing_key=asn1_key(key),
        cert_registry=SimpleCertificateStore.from_certs([asn1_cert(c) for c in chain]),
    )


class PlatformTimeStamper(DummyTimeStamper):
    """The platform's own RFC 3161 time-stamping authority, answering in process (no
    request leaves the host). pyHanko ships it for tests; what it produces is a genuine
    time-stamp token signed by the TSA certificate the platform CA issued."""


def local_timestamper(key, cert, chain=()) -> PlatformTimeStamper:
    return PlatformTimeStamper(
        tsa_cert=asn1_cert(cert),
        tsa_key=asn1_key(key),
        certs_to_embed=SimpleCertificateStore.from_certs([asn1_cert(c) for c in chain]),
    )


def sign_pdf(
    pdf: bytes,
    signer,
    *,
    field_name: str,
    reason: str = "",
    location: str = "",
    signer_name: str = "",
    timestamper=None,
) -> bytes:
    """Append one signature (an invisible field named ``field_name``) to ``pdf``."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=MD,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=signer_name or None,
    )
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper)
    out = _off_loop(pdf_signer.sign_pdf, writer)
    return out.getvalue()


def timestamp_pdf(pdf: bytes, timestamper) -> bytes:
    """Append a document time-stamp (ETSI.RFC3161) covering everything before it."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    out = _off_loop(signers.PdfTimeStamper(timestamper).timestamp_pdf, writer, MD)
    return out.getvalue()


@dataclass
class SignatureCheck:
    """What a reader of the verification page sees of one embedded signature."""

    field: str
    kind: str  # "signature" or "timestamp"
    signer: str = ""
    organization: str = ""
    serial: str = ""
    signed_at: object = None  # datetime (the time-stamp's when there is one)
    timestamped: bool = False
    intact: bool = False  # the bytes it covers are unchanged
    trusted: bool = False  # the certificate chains to the platform CA and is not revoked
    revoked: bool = False
    whole_document: bool = False  # covers the file up to its end
    modified_after: bool = False  # later revisions change more than signatures add
    error: str = ""
    details: list = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.intact and self.trusted and not self.modified_after and not self.error


def _subject(cert):
    native = cert.subject.native if cert is not None else {}
    return native.get("common_name", ""), native.get("organization_name", "")


def validation_context(*, roots, crls=(), other_certs=()) -> ValidationContext:
    return ValidationContext(
        trust_roots=[asn1_cert(c) for c in roots],
        other_certs=[asn1_cert(c) for c in other_certs],
        crls=[asn1_crl.CertificateList.load(c) for c in crls],
        allow_fetching=False,
        # The platform's CRL is always passed in, so its certificates are checked against it;
        # "soft-fail" lets a certificate of another trusted CA (whose CRL would have to be
        # fetched) pass without one, while a revoked serial in a CRL given still fails.
        revocation_mode="soft-fail",
    )


def validate_pdf(pdf: bytes, *, roots, crls=()) -> list[SignatureCheck]:
    """Check every signature and document time-stamp of ``pdf`` against ``roots`` (the
    platform CA) and ``crls`` (DER). Raises ``ValueError`` when the file is no PDF."""
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # pyHanko raises several kinds for a file that is no PDF
        raise ValueError(str(exc)) from exc
    checks = []
    for sig in embedded:
        is_ts = sig.sig_object.get("/Type") == "/DocTimeStamp"
        check = SignatureCheck(field=sig.field_name, kind="timestamp" if is_ts else "signature")
        try:
            context = validation_context(roots=roots, crls=crls)
            if is_ts:
                status = _off_loop(validate_pdf_timestamp, sig, validation_context=context)
                check.signed_at = status.timestamp
                check.timestamped = True
            else:
                status = _off_loop(validate_pdf_signature, sig, context)
                ts = status.timestamp_validity
                check.timestamped = ts is not None and ts.valid
                check.signed_at = ts.timestamp if check.timestamped else status.signer_reported_dt
            cert = status.signing_cert
            check.signer, check.organization = _subject(cert)
            check.serial = format(cert.serial_number, "x") if cert is not None else ""
            check.intact = bool(status.intact and status.valid)
            check.trusted = bool(status.trusted)
            check.revoked = bool(getattr(status, "revoked", False))
            check.whole_document = status.coverage.name == "ENTIRE_FILE"
            modification = getattr(status, "modification_level", None)
            check.modified_after = modification is not None and modification.name not in (
                "NONE",
                "LTA_UPDATES",
                "FORM_FILLING",  # the later parties' signature fields
            )
        except Exception as exc:  # a malformed signature is reported, never a crash
            check.error = f"{type(exc).__name__}: {exc}"[:300]
        checks.append(check)
    return checks
