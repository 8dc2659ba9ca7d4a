"""Keys, certificates, revocation lists and PKCS#12 files — pure functions over
``cryptography``; nothing here touches the database.

Private keys are kept as PKCS#8 PEM encrypted under ``settings.PKI_KEY`` (from the
environment); uploaded PKCS#12 files are kept as uploaded (protected by their own
passphrase, entered at each signing) and additionally sealed with AES-GCM under a key derived
from the same setting."""

import base64
import hashlib
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

RSA_BITS = 2048


def _passphrase() -> bytes:
    return settings.PKI_KEY.encode()


def _aead() -> AESGCM:
    return AESGCM(hashlib.sha256(b"jiebang-pki-seal:" + _passphrase()).digest())


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)


def key_to_pem(key) -> bytes:
    """The key encrypted at rest (PKCS#8, under ``settings.PKI_KEY``)."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_passphrase()),
    )


def key_from_pem(pem: bytes):
    return serialization.load_pem_private_key(bytes(pem), password=_passphrase())


def seal(data: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + _aead().encrypt(nonce, data, b"pkcs12")


def unseal(blob: bytes) -> bytes:
    blob = bytes(blob)
    return _aead().decrypt(blob[:12], blob[12:], b"pkcs12")


def name(common_name: str, organization: str, *, serial: str = "") -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization[:64]),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
    ]
    if serial:  # the unified social credit code
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial[:64]))
    return x509.Name(attrs)


def _builder(subject, issuer, public_key, not_before, days):
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before - timedelta(minutes=5))  # clock skew between hosts
        .not_valid_after(not_before + timedelta(days=days))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def root_certificate(key, subject: x509.Name, *, now: datetime, days: int) -> x509.Certificate:
    builder = (
        _builder(subject, subject, key.public_key(), now, days)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    return builder.sign(key, hashes.SHA256())


def leaf_certificate(
    *,
    ca_key,
    ca_cert: x509.Certificate,
    public_key,
    subject: x509.Name,
    now: datetime,
    days: int,
    crl_url: str,
    timestamping: bool = False,
) -> x509.Certificate:
    """A certificate signed by the platform CA: a document signer's (non-repudiation) or,
    with ``timestamping``, the time-stamping authority's (critical EKU timeStamping)."""
    builder = (
        _builder(subject, ca_cert.subject, public_key, now, days)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not timestamping,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(crl_url)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    )
    if timestamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return builder.sign(ca_key, hashes.SHA256())


def revocation_list(*, ca_key, ca_cert, revoked, now: datetime, hours: int):
    """The CRL: ``revoked`` is [(serial int, revoked at)]."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now - timedelta(minutes=5))
        .next_update(now + timedelta(hours=hours))
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
    )
    for serial, at in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(at).build()
        )
    return builder.sign(ca_key, hashes.SHA256())


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def cert_der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def cert_from_der(der: bytes) -> x509.Certificate:
    return x509.load_der_x509_certificate(bytes(der))


def to_b64(der: bytes) -> str:
    return base64.b64encode(der).decode()


def from_b64(text: str) -> bytes:
    return base64.b64decode(text)


class BadPkcs12(ValueError):
    """The message says what is wrong (translated by the caller's gettext)."""


@dataclass
class Pkcs12Content:
    key: object
    cert: x509.Certificate
    chain: list


def read_pkcs12(data: bytes, passphrase: str, *, now: datetime) -> Pkcs12Content:
    """Open a PKCS#12 and check what it holds: a private key, its certificate (valid now,
    allowed to sign) and the matching public key. Raise ``BadPkcs12`` with a reason code."""
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(
            data, passphrase.encode() if passphrase else None
        )
    except ValueError as exc:
        # cryptography says "Invalid password or PKCS12 data" for both.
        raise BadPkcs12("unreadable") from exc
    if key is None or cert is None:
        raise BadPkcs12("incomplete")
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise BadPkcs12("algorithm")
    if key.public_key().public_numbers() != cert.public_key().public_numbers():
        raise BadPkcs12("mismatch")
    if not (cert.not_valid_before_utc <= now <= cert.not_valid_after_utc):
        raise BadPkcs12("expired")
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        raise BadPkcs12("usage")
    return Pkcs12Content(key=key, cert=cert, chain=list(chain or []))
