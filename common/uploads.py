"""Upload checks by content, not by name: the first bytes must say what the file is."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# kind → (magic prefixes, label). Office files: OOXML is a ZIP, legacy is OLE2.
SIGNATURES = {
    "pdf": ((b"%PDF-",), "PDF"),
    "png": ((b"\x89PNG\r\n\x1a\n",), "PNG"),
    "jpeg": ((b"\xff\xd8\xff",), "JPEG"),
    "ooxml": ((b"PK\x03\x04",), "Word/Excel (.docx/.xlsx)"),
    "ole2": ((b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",), "Word/Excel (.doc/.xls)"),
}


def sniff(upload) -> str | None:
    """Return the detected kind of an uploaded file, or None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for kind, (prefixes, _label) in SIGNATURES.items():
        if any(head.startswith(p) for p in prefixes):
            return kind
    return None


def validate_document_upload(upload, *, allowed, max_bytes=None):
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
        )
    kind = sniff(upload)
    if kind not in allowed:
        raise ValidationError(
            _("The file's content is not an accepted type (%(types)s), whatever its name says."),
            code="content_type",
            params={"types": ", ".join(SIGNATURES[k][1] for k in allowed)},
        )
    return kind


def store_upload(field_file, name, upload):
    """Write an upload to storage. A storage failure (disk full, permissions, a lost network
    share: any ``OSError``) becomes a ``ValidationError`` with a message for the user, so
    the service's transaction rolls back and the page says what happened instead of a 500."""
    try:
        field_file.save(name, upload, save=False)
    except OSError as exc:
        logger.error("upload not stored (%s): %s", getattr(upload, "name", "?"), exc)
        raise ValidationError(
            _(
                "The file could not be stored: the server's storage is full or failing. "
                "Nothing was changed; try again later, and tell the platform's operators "
                "if it happens again."
            ),
            code="storage",
        ) from exc
