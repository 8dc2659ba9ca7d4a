"""Templates, the generation pipeline and verification — one for every kind of document.

Generation runs in the background (django-q2) in three steps so that a worker that crashes,
times out or runs the same task twice can never leave a half-written or duplicate document:

1. *claim* (short transaction, row lock): queued → rendering with a fresh claim token;
   a render started less than ``DOCUMENT_RENDER_STALE_SECONDS`` ago is left alone.
2. *render* outside any transaction, into memory.
3. *store* (short transaction, row lock): only the attempt holding the current claim may
   store; the file is written under its SHA-256 (atomically, by the storage's temp-and-
   rename) and the row becomes ready in the same transaction. A crash between the file
   and the commit leaves an unreferenced file, never a row pointing at a partial one.

A render that never comes back is failed by the ``documents-fail-stale`` schedule with a
reason; the user (or the bureau) retries it and it appears exactly once.
"""

import logging
import os
import tempfile
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template import TemplateSyntaxError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_q.tasks import async_task

from accounts.exceptions import ActionRefused
from accounts.selectors import bureau_officers
from audit.services import audit_record
from common.dbtime import db_now
from common.hashing import sha256_hex
from notifications.services import notify

from . import permissions as perms
from .models import (
    KIND_CODES,
    Document,
    DocumentKind,
    DocumentStatus,
    DocumentTemplate,
    Signature,
    TemplateStatus,
)
from .rendering import compile_template, render_pdf, verify_url
from .signing.stamping import platform_sign
from .signing.verification import signed_revision_for

log = logging.getLogger(__name__)


# --- Templates ----------------------------------------------------------------------------


def template_current(kind) -> DocumentTemplate:
    template = (
        DocumentTemplate.objects.filter(kind=kind, status=TemplateStatus.PUBLISHED)
        .order_by("-version")
        .first()
    )
    if template is None:
        raise ActionRefused(_("No published template for this kind of document."))
    return template


def template_check(body: str) -> str | None:
    """The error message of a template that does not compile, or None."""
    try:
        compile_template(body)
    except TemplateSyntaxError as exc:
        return str(exc)
    return None


def template_new_version(*, kind, by) -> DocumentTemplate:
    """A new draft version of ``kind``, starting from the newest version (or an open
    draft, which is returned as it is: one draft per kind at a time)."""
    if not perms.can_manage_templates(by):
        raise ActionRefused(_("Only bureau officers manage document templates."))
    with transaction.atomic():
        latest = (
            DocumentTemplate.objects.select_for_update().filter(kind=kind).order_by("-version")
        ).first()
        if latest is not None and latest.status == TemplateStatus.DRAFT:
            return latest
        template = DocumentTemplate.objects.create(
            kind=kind,
            version=(latest.version + 1) if latest else 1,
            body=latest.body if latest else "",
            css=latest.css if latest else "",
            created_by=by,
        )
        audit_record(actor=by, action="template.create", obj=template)
    return template


def template_update(*, template, by, body, css, note):
    if not perms.can_manage_templates(by):
        raise ActionRefused(_("Only bureau officers manage document templates."))
    with transaction.atomic():
        template = DocumentTemplate.objects.select_for_update().get(pk=template.pk)
        if template.is_published:
            raise ActionRefused(
                _("A published template version cannot be changed; create a new version.")
            )
        template.body, template.css, template.note = body, css, note
        template.save()
        audit_record(
            actor=by,
            action="template.update",
            obj=template,
            payload={
                "body_sha256": sha256_hex(body.encode()),
                "css_sha256": sha256_hex(css.encode()),
            },
        )
    return template


def template_publish(*, template, by):
    if not perms.can_manage_templates(by):
        raise ActionRefused(_("Only bureau officers manage document templates."))
    with transaction.atomic():
        template = DocumentTemplate.objects.select_for_update().get(pk=template.pk)
        if template.is_published:
            raise ActionRefused(_("This version is already published."))
        error = template_check(template.body)
        if error:
            raise ActionRefused(_("The template has an error: %(error)s") % {"error": error})
        template.publish(by=by, at=db_now())
        template.save()
        audit_record(
            actor=by,
            action="template.publish",
            obj=template,
            to_state=template.status,
            payload={
                "body_sha256": sha256_hex(template.body.encode()),
                "css_sha256": sha256_hex(template.css.encode()),
            },
        )
    return template


def template_preview(template, sample: dict) -> bytes:
    """Render a template version from sample data of its kind (``previews.sample_for``)."""
    pdf, _pages = render_pdf(template.body, template.css, sample)
    return pdf


# --- Generation ---------------------------------------------------------------------------


# Records the platform issues are signed with its own certificate as they are rendered; the
# contract documents and 补充协议 are signed by the parties (documents/signing/stamping.py).
PLATFORM_SIGNED_KINDS = frozenset(DocumentKind) - {
    DocumentKind.TASK_BOOK,
    DocumentKind.TRI_PARTY,
    DocumentKind.SUPPLEMENT,
}


# kind → callables ``hook(document)`` run inside the transaction that stores a document of
# that kind as READY (registered in DocumentsConfig.ready(): e.g. a 补充协议 in force makes
# the continuation tranche due).
READY_HOOKS: dict = {}


def document_request(*, kind, subject, series, public_label, snapshot, by=None):
    """Queue a new version of the document ``series`` (call inside the caller's transaction;
    the render is enqueued when it commits). Returns the queued ``Document``."""
    template = template_current(kind)
    # The caller holds the lock of the subject (or contract); the unique (series, version)
    # constraint refuses a duplicate all the same.
    last = Document.objects.filter(series=series).aggregate(v=Max("version"))["v"]
    meta = doc_meta(
        kind=kind, series=series, version=(last or 0) + 1, template_version=template.version
    )
    document = Document.objects.create(
        kind=kind,
        series=series,
        version=meta["version"],
        number=meta["number"],
        public_label=public_label[:300],
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        template=template,
        snapshot={**snapshot, "doc": meta},
        requested_by=by,
    )
    audit_record(
        actor=by,
        action="document.request",
        obj=document,
        to_state=document.status,
        payload={"template": f"{kind} v{template.version}"},
    )
    transaction.on_commit(lambda: _enqueue(document.pk))
    return document


def _enqueue(document_id):
    async_task("documents.tasks.render_document", document_id, group="documents")


def series_code(kind, stem) -> str:
    return f"{stem}-{KIND_CODES[kind]}"


def document_render(document_id) -> str:
    """The background task body. Returns what happened (for logs and tests)."""
    claim = _claim(document_id)
    if claim is None:
        return "skipped"
    document, token = claim
    try:
        pdf, pages = _render(document)
        if document.kind in PLATFORM_SIGNED_KINDS:
            pdf = platform_sign(pdf)
    except Exception as exc:  # any error of the template, the renderer or the signer
        log.exception("Rendering %s failed", document.number)
        _fail(document.pk, token, f"{type(exc).__name__}: {exc}")
        return "failed"
    return _store(document.pk, token, pdf, pages)


def _render(document):
    """Separate so tests can simulate a crash or a hang mid-render."""
    return render_pdf(document.template.body, document.template.css, document.snapshot)


def _claim(document_id):
    stale = timedelta(seconds=settings.JIEBANG["DOCUMENT_RENDER_STALE_SECONDS"])
    with transaction.atomic():
        document = (
            Document.objects.select_for_update(of=("self",))
            .select_related("template")
            .filter(pk=document_id)
            .first()
        )
        if document is None:
            return None
        now = db_now()
        if document.status == DocumentStatus.RENDERING and now - document.started_at < stale:
            return None  # another attempt is at it
        if document.status not in (DocumentStatus.QUEUED, DocumentStatus.RENDERING):
            return None  # ready, failed or superseded: nothing to do
        document.start(at=now)
        document.save()
        return document, document.claim


def _fail(document_id, token, reason):
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.claim == token and document.status == DocumentStatus.RENDERING:
            _mark_failed(document, reason)


def _mark_failed(document, reason):
    """Inside the caller's transaction, with the row locked: fail, audit, tell the requester
    (or the bureau, for documents the system asked for) that a retry is needed."""
    document.fail(reason=reason)
    document.save()
    audit_record(
        actor=None,
        action="document.fail",
        obj=document,
        from_state=DocumentStatus.RENDERING,
        to_state=document.status,
        payload={"reason": reason[:300]},
    )
    notify(
        recipients=[document.requested_by] if document.requested_by else bureau_officers(),
        kind="document.failed",
        params={"number": document.number, "reason": reason[:300]},
        url=document.get_absolute_url(),
    )


def _store(document_id, token, pdf, pages) -> str:
    digest = sha256_hex(pdf)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.claim != token or document.status != DocumentStatus.RENDERING:
            return "discarded"  # a newer attempt owns it (this one was presumed dead)
        document.finish(sha256=digest, size=len(pdf), pages=pages, at=db_now())
        document.file.name = _write_once(document, pdf)
        document.save()
        older = Document.objects.select_for_update().filter(
            series=document.series, status=DocumentStatus.READY, version__lt=document.version
        )
        for previous in older:
            previous.supersede()
            previous.save()
        if Document.objects.filter(
            series=document.series, status=DocumentStatus.READY, version__gt=document.version
        ).exists():
            document.supersede()  # a newer version finished first
            document.save()
        audit_record(
            actor=None,
            action="document.ready",
            obj=document,
            from_state=DocumentStatus.RENDERING,
            to_state=document.status,
            payload={"sha256": digest, "size": len(pdf), "pages": pages},
        )
        if document.status == DocumentStatus.READY:
            for hook in READY_HOOKS.get(document.kind, ()):
                hook(document)
    return "stored"


def _write_once(document, data: bytes) -> str:
    """Write the PDF under its content address, atomically (temp file + rename), so a
    reader or a later attempt never sees a partial file. Returns the storage name."""
    storage = document.file.storage
    name = document.file.field.generate_filename(document, "")
    try:
        path = storage.path(name)
    except NotImplementedError:  # a remote storage: its save() is atomic per object
        if not storage.exists(name):
            storage.save(name, ContentFile(data))
        return name
    if os.path.exists(path):
        with open(path, "rb") as existing:
            if sha256_hex(existing.read()) == document.sha256:
                return name  # identical bytes from an attempt that never committed
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".partial-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return name


def document_retry(*, document, by):
    if not perms.can_view_document(by, document):
        raise ActionRefused(_("You cannot retry this document."))
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if not document.can_retry:
            raise ActionRefused(_("Only a failed document can be generated again."))
        document.retry()
        document.save()
        audit_record(actor=by, action="document.retry", obj=document, to_state=document.status)
        transaction.on_commit(lambda: _enqueue(document.pk))
    return document


def documents_fail_stale() -> int:
    """Scheduled: renders that have not finished in time (worker killed or hung) fail
    with a reason, so the page shows it and offers a retry."""
    stale = timedelta(seconds=settings.JIEBANG["DOCUMENT_RENDER_STALE_SECONDS"])
    failed = 0
    with transaction.atomic():
        cutoff = db_now() - stale
        reason = str(_("The background worker stopped or timed out while rendering; retry."))
        for document in Document.objects.select_for_update().filter(
            status=DocumentStatus.RENDERING, started_at__lt=cutoff
        ):
            _mark_failed(document, reason)
            failed += 1
    return failed


# --- Verification -------------------------------------------------------------------------


def verify_hash(sha256: str) -> dict:
    """What the platform knows of a file with this SHA-256, without its content:
    ``{"found": False}`` or the document (or signed scan) it is and whether it is current."""
    sha256 = sha256.strip().lower()
    if len(sha256) != 64:
        return {"found": False}
    document = Document.objects.filter(sha256=sha256).first()
    if document is not None:
        newest = (
            Document.objects.filter(series=document.series, status=DocumentStatus.READY)
            .exclude(pk=document.pk)
            .filter(version__gt=document.version)
            .order_by("-version")
            .first()
        )
        return {
            "found": True,
            "what": "document",
            "document": document,
            "current": document.status == DocumentStatus.READY,
            "newer": newest,
        }
    revision, newest = signed_revision_for(sha256)
    if revision is not None:
        return {
            "found": True,
            "what": "signed",
            "document": revision.document,
            "revision": revision,
            "current": newest and revision.document.status == DocumentStatus.READY,
        }
    signature = Signature.objects.select_related("contract").filter(scan_sha256=sha256).first()
    if signature is not None:
        return {"found": True, "what": "scan", "signature": signature, "current": True}
    return {"found": False}


def cn_date(day) -> str:
    """2026-12-01 → "2026年12月1日" (documents are in Chinese whatever the reader's language)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def doc_meta(*, kind, series, version, template_version, generated_on=None) -> dict:
    """The ``doc`` part of every snapshot: what a document says about itself."""
    number = f"{series}-V{version}"
    with translation.override("zh-hans"):
        kind_label = str(DocumentKind(kind).label)
    return {
        "number": number,
        "series": series,
        "kind_label": kind_label,
        "version": version,
        "generated_on": cn_date(generated_on or timezone.localdate()),
        "verify_url": verify_url(number),
        "template_version": template_version,
    }
