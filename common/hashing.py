"""Digests of bytes and of uploaded or stored files (receipts, documents, signed scans).

Two algorithms are supported: SHA-256 (the default) and SM3 (GB/T 32905, the national
standard; Python's ``hashlib`` provides it through OpenSSL). ``settings.HASH_ALGORITHM``
chooses the one new audit links and new bid receipts use; each stores the name of the
algorithm it was made with, so records made before a change keep verifying.
"""

import hashlib

from django.conf import settings

HASH_ALGORITHMS = ("sha256", "sm3")


def hash_algorithm() -> str:
    """The algorithm new audit links and receipts use (``settings.HASH_ALGORITHM``)."""
    return getattr(settings, "HASH_ALGORITHM", "sha256")


def _new(algorithm: str):
    if algorithm not in HASH_ALGORITHMS:
        raise ValueError(f"unsupported hash algorithm: {algorithm!r}")
    return hashlib.new(algorithm)


def digest_hex(data: bytes, algorithm: str = "sha256") -> str:
    digest = _new(algorithm)
    digest.update(data)
    return digest.hexdigest()


def file_digest(fileobj, algorithm: str = "sha256") -> str:
    """Hash a file object in 1 MB chunks, leaving it at its start."""
    digest = _new(algorithm)
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def sha256_hex(data: bytes) -> str:
    return digest_hex(data, "sha256")


def file_sha256(fileobj) -> str:
    return file_digest(fileobj, "sha256")
