"""The digests a submission receipt lists, all by one algorithm (``settings.HASH_ALGORITHM``).

An attachment is hashed when it is uploaded; if the setting changed since, it is hashed
again at submission so that the receipt names one algorithm for its content and its files.
"""

from common.hashing import file_digest


def receipt_attachments(bid, algorithm) -> list[dict]:
    """Caller holds the bid lock; ``bid.attachments`` still holds the plaintext files."""
    rows = []
    for attachment in bid.attachments.all():
        if attachment.hash_algorithm != algorithm:
            with attachment.file.open("rb") as stored:
                attachment.sha256 = file_digest(stored, algorithm)
            attachment.hash_algorithm = algorithm
            attachment.save(update_fields=["sha256", "hash_algorithm"])
        rows.append(
            {
                "name": attachment.original_name,
                "kind": attachment.kind,
                "size": attachment.size,
                "sha256": attachment.sha256,
            }
        )
    return rows
