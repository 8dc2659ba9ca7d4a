"""django-q2 entry points of the documents app."""

from .services import document_render, documents_fail_stale


def render_document(document_id):
    return document_render(document_id)


def fail_stale_renders():
    """Scheduled every few minutes (migration documents/0002)."""
    return documents_fail_stale()
