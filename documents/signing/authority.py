"""The platform as a small certificate authority (for a deployment that has no other).

* ``platform_pki()``: the root CA, the platform's document-signing certificate and its
  time-stamping authority (TSA) — created by ``manage.py pki_init`` or at first need.
* ``organization_certificate_issue()``: a certificate for a verified organisation, issued when
  the bureau verifies it (``on_organization_transition``) or at its first signature.
* ``organization_pkcs12_upload()``: an organisation with its own certificate uploads a PKCS#12;
  the passphrase is not kept (it is entered at each signing).
* ``certificate_revoke()``: by the bureau, audited; ``crl_der()`` is the revocation list
  published at ``documents:pki_crl``.
"""

import logging
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.exceptions import ActionRefused
from accounts.models import Organization, OrganizationStatus
from accounts.permissions import can_manage_organization, is_bureau_officer
from audit.services import audit_record

from . import crypto
from .models import Certificate, CertificateRole, CertificateSource

log = logging.getLogger(__name__)

BAD_PKCS12 = {
    "unreadable": _(
        "The file could not be opened: it is not a PKCS#12 file, or the passphrase is wrong."
    ),
    "incomplete": _("The PKCS#12 file must hold both a private key and its certificate."),
    "algorithm": _("Only RSA and elliptic-curve keys can sign documents."),
    "mismatch": _("The private key does not belong to the certificate in the file."),
    "expired": _("The certificate in the file is not valid now (expired or not yet valid)."),
    "usage": _("The certificate in the file is not allowed to sign documents."),
}


@dataclass
class PlatformPki:
    root: Certificate
    root_cert: object
    root_key: object
    signing: Certificate
    signing_cert: object
    signing_key: object
    tsa: Certificate
    tsa_cert: object
    tsa_key: object


_cache: dict = {}  # fingerprints → PlatformPki: decrypting the keys once per process


def crl_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("documents:pki_crl")


def _store(cert, *, role, key=None, organization=None, by=None, chain=(), source=None, p12=b""):
    return Certificate.objects.create(
        role=role,
        source=source or CertificateSource.ISSUED,
        organization=organization,
        subject=cert.subject.rfc4514_string()[:300],
        serial=format(cert.serial_number, "x"),
        fingerprint=crypto.fingerprint(cert),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        der=crypto.cert_der(cert),
        key_pem=crypto.key_to_pem(key) if key is not None else b"",
        pkcs12=crypto.seal(p12) if p12 else b"",
        chain=[crypto.to_b64(crypto.cert_der(c)) for c in chain],
        created_by=by,
    )


def _live(role):
    return Certificate.objects.filter(role=role, revoked_at__isnull=True).first()


def pki_init(*, by=None) -> tuple[PlatformPki, bool]:
    """Create the platform's root CA, signing and TSA certificates when missing. Returns
    (pki, created). Safe to run twice or in two processes at once."""
    if all(
        _live(role)
        for role in (CertificateRole.ROOT, CertificateRole.PLATFORM, CertificateRole.TSA)
    ):
        return platform_pki(), False
    conf = settings.PKI
    now = timezone.now()
    try:
        with transaction.atomic():
            root = _live(CertificateRole.ROOT)
            if root is None:
                root_key = crypto.new_key()
                root_cert = crypto.root_certificate(
                    root_key,
                    crypto.name(f"{conf['CA_NAME']} 根证书", conf["CA_NAME"]),
                    now=now,
                    days=conf["CA_DAYS"],
                )
                root = _store(root_cert, role=CertificateRole.ROOT, key=root_key, by=by)
            else:
                root_key = crypto.key_from_pem(root.key_pem)
                root_cert = crypto.cert_from_der(root.der)
            for role, label, tsa in (
                (CertificateRole.PLATFORM, "文件签章", False),
                (CertificateRole.TSA, "时间戳服务", True),
            ):
                if _live(role) is not None:
                    continue
                key = crypto.new_key()
                cert = crypto.leaf_certificate(
                    ca_key=root_key,
                    ca_cert=root_cert,
                    public_key=key.public_key(),
                    subject=crypto.name(f"{conf['CA_NAME']} {label}", conf["CA_NAME"]),
                    now=now,
                    days=conf["CA_DAYS"],
                    crl_url=crl_url(),
                    timestamping=tsa,
                )
                _store(cert, role=role, key=key, by=by, chain=[root_cert])
            audit_record(
                actor=by,
                action="pki.init",
                obj=root,
                payload={"root_fingerprint": root.fingerprint},
            )
    except IntegrityError:  # another process created them first
        return platform_pki(), False
    return platform_pki(), True


def platform_pki() -> PlatformPki:
    """The platform's keys and certificates, created at first need."""
    rows = {
        c.role: c
        for c in Certificate.objects.filter(
            role__in=[CertificateRole.ROOT, CertificateRole.PLATFORM, CertificateRole.TSA],
            revoked_at__isnull=True,
        )
    }
    if len(rows) < 3:
        return pki_init()[0]
    key = tuple(rows[r].fingerprint for r in sorted(rows))
    pki = _cache.get(key)
    if pki is None:
        loaded = {
            role: (row, crypto.cert_from_der(row.der), crypto.key_from_pem(row.key_pem))
            for role, row in rows.items()
        }
        pki = PlatformPki(
            *loaded[CertificateRole.ROOT],
            *loaded[CertificateRole.PLATFORM],
            *loaded[CertificateRole.TSA],
        )
        _cache.clear()
        _cache[key] = pki
    return pki


def trust_roots() -> list:
    """The platform CA, plus the CAs named in ``settings.PKI["TRUSTED_ROOTS"]``."""
    from cryptography import x509

    roots = [platform_pki().root_cert]
    for path in settings.PKI.get("TRUSTED_ROOTS") or ():
        with open(path, "rb") as fh:
            roots.extend(x509.load_pem_x509_certificates(fh.read()))
    return roots


def crl_der() -> bytes:
    """The current revocation list of the certificates the platform CA issued."""
    pki = platform_pki()
    revoked = [
        (int(c.serial, 16), c.revoked_at)
        for c in Certificate.objects.filter(
            source=CertificateSource.ISSUED, revoked_at__isnull=False
        ).exclude(role=CertificateRole.ROOT)
    ]
    crl = crypto.revocation_list(
        ca_key=pki.root_key,
        ca_cert=pki.root_cert,
        revoked=revoked,
        now=timezone.now(),
        hours=settings.PKI["CRL_HOURS"],
    )
    return crl.public_bytes(serialization.Encoding.DER)


# --- Organisations -------------------------------------------------------------------------


def organization_certificate_issue(*, organization, by=None) -> Certificate:
    """Issue a signing certificate to a verified organisation (its name and unified social
    credit code in the subject). The key is generated here and kept encrypted."""
    if organization.status != OrganizationStatus.VERIFIED:
        raise ActionRefused(_("Only a verified organisation receives a signing certificate."))
    pki = platform_pki()
    key = crypto.new_key()
    cert = crypto.leaf_certificate(
        ca_key=pki.root_key,
        ca_cert=pki.root_cert,
        public_key=key.public_key(),
        subject=crypto.name(organization.name, organization.name, serial=organization.credit_code),
        now=timezone.now(),
        days=settings.PKI["CERT_DAYS"],
        crl_url=crl_url(),
    )
    with transaction.atomic():
        row = _store(
            cert,
            role=CertificateRole.ORGANIZATION,
            key=key,
            organization=organization,
            by=by,
            chain=[pki.root_cert],
        )
        audit_record(
            actor=by,
            action="certificate.issue",
            obj=organization,
            payload={"serial": row.serial, "fingerprint": row.fingerprint},
        )
    return row


def organization_certificate(organization, *, by=None) -> Certificate:
    """The certificate ``organization`` signs with now: the newest one not revoked and valid
    now (an uploaded one before an issued one). An organisation that never had one gets one
    issued at its first signature; after a revocation only the bureau issues a new one."""
    now = timezone.now()
    usable = list(
        Certificate.objects.filter(
            organization=organization,
            role=CertificateRole.ORGANIZATION,
            revoked_at__isnull=True,
            not_before__lte=now,
            not_after__gt=now,
        )
    )
    usable.sort(key=lambda c: (c.is_uploaded, c.created_at, c.pk), reverse=True)
    if usable:
        return usable[0]
    if Certificate.objects.filter(organization=organization).exists():
        raise ActionRefused(
            _(
                "%(name)s has no valid signing certificate (it was revoked or has expired); "
                "ask the bureau to issue a new one, or upload your own."
            )
            % {"name": organization.name}
        )
    return organization_certificate_issue(organization=organization, by=by)


def on_organization_transition(sender, instance, name, source, target, **kwargs):
    """django-fsm ``post_transition`` of ``Organization``: issue its certificate once the
    bureau's verification commits (a failure is logged; the first signature retries)."""
    if target != OrganizationStatus.VERIFIED or instance.pk is None:
        return
    org_id = instance.pk

    def issue():
        org = Organization.objects.filter(pk=org_id, status=OrganizationStatus.VERIFIED).first()
        if org is None or Certificate.objects.filter(organization=org).exists():
            return
        try:
            organization_certificate_issue(organization=org)
        except Exception:
            log.exception("Issuing the certificate of organisation %s failed", org_id)

    transaction.on_commit(issue)


def organization_pkcs12_upload(*, organization, by, data: bytes, passphrase: str) -> Certificate:
    """Accept an organisation's own certificate (PKCS#12). The file is checked (a private
    key with its certificate, valid now, allowed to sign) and kept sealed; its passphrase is
    not kept."""
    if not can_manage_organization(by, organization):
        raise ActionRefused(
            _("Only an administrator of the organisation can upload its certificate.")
        )
    if organization.status != OrganizationStatus.VERIFIED:
        raise ActionRefused(_("Only a verified organisation can sign documents."))
    try:
        content = crypto.read_pkcs12(data, passphrase, now=timezone.now())
    except crypto.BadPkcs12 as exc:
        raise ActionRefused(BAD_PKCS12[str(exc)]) from exc
    fingerprint = crypto.fingerprint(content.cert)
    if Certificate.objects.filter(fingerprint=fingerprint).exists():
        raise ActionRefused(_("This certificate is already registered."))
    with transaction.atomic():
        row = _store(
            content.cert,
            role=CertificateRole.ORGANIZATION,
            source=CertificateSource.UPLOADED,
            organization=organization,
            by=by,
            chain=content.chain,
            p12=data,
        )
        audit_record(
            actor=by,
            action="certificate.upload",
            obj=organization,
            payload={"serial": row.serial, "fingerprint": row.fingerprint, "subject": row.subject},
        )
    return row


def certificate_revoke(*, certificate, by, reason) -> Certificate:
    if not is_bureau_officer(by):
        raise ActionRefused(_("Only a bureau officer revokes certificates."))
    if not (reason or "").strip():
        raise ActionRefused(_("Give the reason for the revocation."))
    with transaction.atomic():
        cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if cert.role != CertificateRole.ORGANIZATION:
            raise ActionRefused(_("Only organisations' certificates are revoked here."))
        if cert.is_revoked:
            raise ActionRefused(_("This certificate is already revoked."))
        cert.revoked_at = timezone.now()
        cert.revoked_by = by
        cert.revocation_reason = reason.strip()[:300]
        cert.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        audit_record(
            actor=by,
            action="certificate.revoke",
            obj=cert.organization,
            payload={
                "serial": cert.serial,
                "fingerprint": cert.fingerprint,
                "reason": cert.revocation_reason,
            },
        )
    return cert


def certificate_reissue(*, organization, by) -> Certificate:
    """The bureau issues a new certificate (after a revocation or an expiry)."""
    if not is_bureau_officer(by):
        raise ActionRefused(_("Only a bureau officer issues certificates."))
    return organization_certificate_issue(organization=organization, by=by)


# --- Keys for signing -------------------------------------------------------------------------


def signing_material(certificate, *, passphrase=""):
    """(key, cert, chain) of an organisation's certificate; an uploaded one is opened with
    ``passphrase``. Refused when revoked or not valid now."""
    now = timezone.now()
    if certificate.is_revoked:
        raise ActionRefused(_("This certificate was revoked; it can no longer sign."))
    if not (certificate.not_before <= now < certificate.not_after):
        raise ActionRefused(_("This certificate is not valid now."))
    chain = [crypto.cert_from_der(crypto.from_b64(c)) for c in certificate.chain]
    if certificate.is_uploaded:
        try:
            key, cert, _extra = pkcs12.load_key_and_certificates(
                crypto.unseal(certificate.pkcs12), passphrase.encode() if passphrase else None
            )
        except ValueError as exc:
            if not passphrase:
                raise ActionRefused(
                    _("Your organisation signs with its own certificate: enter its passphrase.")
                ) from exc
            raise ActionRefused(
                _(
                    "The passphrase of your organisation's certificate is not correct; "
                    "nothing was signed."
                )
            ) from exc
        return key, cert, chain
    return crypto.key_from_pem(certificate.key_pem), crypto.cert_from_der(certificate.der), chain
