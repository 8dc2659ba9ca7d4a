"""SHA-256 of bytes and of uploaded or stored files (receipts, documents, signed scans)."""

import hashlib


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(fileobj) -> str:
    """Hash a file object in 1 MB chunks, leaving it at its start."""
    digest = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()
