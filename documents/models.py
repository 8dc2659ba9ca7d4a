"""Generated documents (DOMAIN §6): versioned templates, every rendered PDF stored once with
its SHA-256 and the snapshot it came from, contracts and their signatures in order."""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from bounty.models import ChangeRequest, Project


class DocumentKind(models.TextChoices):
    TASK_BOOK = "task_book", _("Task book")
    TRI_PARTY = "tri_party", _("Tri-party agreement")
    RECEIPT = "receipt", _("Submission receipt")
    PANEL_REPORT = "panel_report", _("Panel report")
    DRAW_RECORD = "draw_record", _("Draw record")
    NOTICE = "notice", _("Public notice")
    # The public notice of a project's acceptance result.
    ACCEPTANCE = "acceptance", _("Acceptance result notice")
    # 赛马制: the amendment giving the continuation funds to a surviving team.
    SUPPLEMENT = "supplement", _("Supplementary agreement")
    # 开标解密: the record of a challenge's bid-opening ceremony.
    OPENING = "opening", _("Bid opening record")
    # 发榜公告: the announcement of a call's whole published list (issue 19).
    CALL_NOTICE = "call_notice", _("Call list announcement")


# The short code each kind puts in its document numbers.
KIND_CODES = {
    DocumentKind.TASK_BOOK: "RW",
    DocumentKind.TRI_PARTY: "XY",
    DocumentKind.RECEIPT: "HZ",
    DocumentKind.PANEL_REPORT: "PS",
    DocumentKind.DRAW_RECORD: "CQ",
    DocumentKind.NOTICE: "GS",
    DocumentKind.ACCEPTANCE: "YS",
    DocumentKind.SUPPLEMENT: "BC",
    DocumentKind.OPENING: "KB",
    DocumentKind.CALL_NOTICE: "FB",
}
CONTRACT_KINDS = (DocumentKind.TASK_BOOK, DocumentKind.TRI_PARTY)


class TemplateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class DocumentTemplate(FSMModelMixin, models.Model):
    """One version of the template of a kind of document: a Django template rendered from
    the document's snapshot (see documents/builtin/SCHEMA.md) plus its print stylesheet.
    A published version never changes; the newest published version of a kind is used."""

    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    version = models.PositiveIntegerField(_("version"), editable=False)
    body = models.TextField(_("template (HTML)"))
    css = models.TextField(_("stylesheet (CSS)"), blank=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    status = FSMField(
        _("status"), default=TemplateStatus.DRAFT, choices=TemplateStatus.choices, protected=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="uniq_template_version")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version}"

    def save(self, *args, **kwargs):
        stored = getattr(self, "_stored", None)
        if stored and stored[0] == TemplateStatus.PUBLISHED and stored[1:] != (self.body, self.css):
            raise ValueError("A published template version is immutable.")
        super().save(*args, **kwargs)
        self._stored = (self.status, self.body, self.css)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        fields = instance.__dict__
        instance._stored = (fields.get("status"), fields.get("body"), fields.get("css"))
        return instance

    @property
    def is_published(self):
        return self.status == TemplateStatus.PUBLISHED

    @transition(field=status, source=TemplateStatus.DRAFT, target=TemplateStatus.PUBLISHED)
    def publish(self, *, by, at):
        self.published_by = by
        self.published_at = at


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", pgettext_lazy("document", "Failed")
    SUPERSEDED = "superseded", _("Superseded")


def document_upload_to(instance, filename):
    # Content-addressed: writing the same bytes twice is harmless; a file that no row
    # points to was never committed.
    return f"documents/{instance.sha256[:2]}/{instance.sha256}.pdf"


class Document(FSMModelMixin, models.Model):
    """One version of one generated document. ``series`` is stable across versions (the
    document number without its version); ``number`` is printed on the PDF and its QR code."""

    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    series = models.CharField(max_length=60, db_index=True, editable=False)
    version = models.PositiveSmallIntegerField(_("version"), editable=False)
    number = models.CharField(_("document number"), max_length=70, unique=True, editable=False)
    # What the document is about, described for the public verification page.
    public_label = models.CharField(max_length=300, blank=True)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")  # a contract's: the Contract
    template = models.ForeignKey(DocumentTemplate, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField()
    status = FSMField(
        _("status"), default=DocumentStatus.QUEUED, choices=DocumentStatus.choices, protected=True
    )
    error = models.TextField(_("reason"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claim = models.CharField(max_length=32, blank=True)  # the render attempt that may store
    file = models.FileField(upload_to=document_upload_to, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["series", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["series", "version"], name="uniq_document_version"),
            models.UniqueConstraint(
                fields=["sha256"], condition=~Q(sha256=""), name="uniq_document_sha256"
            ),
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id", "kind"])]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("documents:download", args=[self.number])

    @property
    def verify_path(self):
        return reverse("documents:verify_number", args=[self.number])

    @property
    def is_ready(self):
        return self.status == DocumentStatus.READY

    @property
    def can_retry(self):
        return self.status == DocumentStatus.FAILED

    @transition(
        field=status,
        source=[DocumentStatus.QUEUED, DocumentStatus.RENDERING],
        target=DocumentStatus.RENDERING,
    )
    def start(self, *, at):
        self.attempts += 1
        self.claim = secrets.token_hex(16)
        self.started_at = at
        self.error = ""

    @transition(field=status, source=DocumentStatus.RENDERING, target=DocumentStatus.READY)
    def finish(self, *, sha256, size, pages, at):
        self.sha256, self.size, self.pages, self.ready_at = sha256, size, pages, at
        self.claim = ""

    @transition(
        field=status,
        source=[DocumentStatus.QUEUED, DocumentStatus.RENDERING],
        target=DocumentStatus.FAILED,
    )
    def fail(self, *, reason):
        self.error = reason[:2000]
        self.claim = ""

    @transition(field=status, source=DocumentStatus.FAILED, target=DocumentStatus.QUEUED)
    def retry(self):
        self.error = ""

    @transition(field=status, source=DocumentStatus.READY, target=DocumentStatus.SUPERSEDED)
    def supersede(self):
        pass

    @classmethod
    def for_subject(cls, obj):
        return cls.objects.filter(
            subject_type=ContentType.objects.get_for_model(obj), subject_id=obj.pk
        )


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    SIGNING = "signing", _("Being signed")
    SIGNED = "signed", _("Signed")
    # The team let the signing deadline pass; kept, never deleted (review/award/exits.py).
    VOID = "void", _("Void (not signed in time)")


class Party(models.TextChoices):
    """Signing order is the order here (DOMAIN §6: team → issuer → bureau)."""

    TEAM = "team", _("Winning team (lead unit)")
    ISSUER = "issuer", _("Issuing enterprise")
    BUREAU = "bureau", _("Science and technology bureau")


SIGNING_ORDER = [Party.TEAM, Party.ISSUER, Party.BUREAU]


class Contract(FSMModelMixin, models.Model):
    """The tri-party contract of one project: its terms, its documents (task book and
    tri-party agreement, each versioned) and the parties' signatures."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="contract")
    number = models.CharField(_("contract number"), max_length=40, unique=True, editable=False)
    start_date = models.DateField(
        _("planned start date"),
        help_text=_("Milestone and payment dates are counted from this date."),
    )
    first_payment_percent = models.DecimalField(
        _("first payment (percent of the government share)"), max_digits=5, decimal_places=2
    )
    dispute_body = models.CharField(_("dispute resolution body"), max_length=200)
    sign_place = models.CharField(_("place of signing"), max_length=100)
    status = FSMField(
        _("status"), default=ContractStatus.DRAFT, choices=ContractStatus.choices, protected=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    documents = GenericRelation(
        Document, content_type_field="subject_type", object_id_field="subject_id"
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-created_at"]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("documents:contract", args=[self.number])

    @transition(field=status, source=ContractStatus.DRAFT, target=ContractStatus.SIGNING)
    def open_signing(self):
        """The first signature freezes the documents."""

    @transition(field=status, source=ContractStatus.SIGNING, target=ContractStatus.SIGNED)
    def complete(self, *, at):
        self.signed_at = at

    @transition(field=status, source=ContractStatus.DRAFT, target=ContractStatus.VOID)
    def void(self):
        """The signing deadline passed without the team's signature (the team signs first:
        a contract being signed is never voided)."""

    def current_documents(self, documents=None):
        """The newest version of each contract document (any status), in kind order; from
        ``documents`` when the caller already loaded them."""
        if documents is None:
            documents = self.documents.order_by("kind", "-version")
        latest = {}
        for doc in sorted(documents, key=lambda d: -d.version):
            latest.setdefault(doc.kind, doc)
        return [latest[k] for k in CONTRACT_KINDS if k in latest]


def scan_upload_to(instance, filename):
    return f"signatures/{instance.contract_id}/{secrets.token_hex(16)}.pdf"


class Signature(models.Model):
    class Method(models.TextChoices):
        ONLINE = "online", _("Signed on the platform")
        SCAN = "scan", _("Sealed scan uploaded")

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="signatures")
    party = models.CharField(_("party"), max_length=10, choices=Party.choices)
    organization_name = models.CharField(max_length=200)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    signed_at = models.DateTimeField()
    # The exact documents signed: [{"number", "sha256"}].
    documents = models.JSONField()
    scan = models.FileField(upload_to=scan_upload_to, blank=True)
    scan_name = models.CharField(max_length=255, blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    scan_size = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["contract", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "party"], name="uniq_signature_party")
        ]

    def __str__(self):
        return f"{self.contract} / {self.party}"


# --- 补充协议 (issue 17) ---------------------------------------------------------------------
# Supplementary agreements signed by the three parties, in the contract's order (team →
# issuer → bureau). One ``Supplement`` per agreement: an approved change of a project (bounty
# ``ChangeRequest`` of an approval kind) or a horse race's continuation. Its document is the
# newest version of its ``series`` (kind SUPPLEMENT; the document's subject is the contract).
# Use cases: documents/supplement_signing.py.


class SupplementStatus(models.TextChoices):
    SIGNING = "signing", _("Awaiting signatures")
    SIGNED = "signed", _("Signed by the three parties (in force)")


class Supplement(FSMModelMixin, models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="supplements")
    # The approved change this agreement puts in writing; empty for a horse race's
    # continuation (bounty/projects/horse_race.py).
    change = models.OneToOneField(
        ChangeRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplement",
    )
    series = models.CharField(max_length=60, unique=True, editable=False)
    status = FSMField(
        _("status"),
        default=SupplementStatus.SIGNING,
        choices=SupplementStatus.choices,
        protected=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("supplementary agreement")
        verbose_name_plural = _("supplementary agreements")
        ordering = ["contract", "created_at", "pk"]

    def __str__(self):
        return self.series

    def current_document(self):
        return Document.objects.filter(series=self.series).order_by("-version").first()

    @transition(field=status, source=SupplementStatus.SIGNING, target=SupplementStatus.SIGNED)
    def complete(self, *, at):
        self.signed_at = at


def supplement_scan_upload_to(instance, filename):
    return f"signatures/supplements/{instance.supplement_id}/{secrets.token_hex(16)}.pdf"


class SupplementSignature(models.Model):
    supplement = models.ForeignKey(Supplement, on_delete=models.PROTECT, related_name="signatures")
    party = models.CharField(_("party"), max_length=10, choices=Party.choices)
    organization_name = models.CharField(max_length=200)
    method = models.CharField(_("method"), max_length=10, choices=Signature.Method.choices)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    signed_at = models.DateTimeField()
    # The exact document signed.
    document_number = models.CharField(max_length=70)
    document_sha256 = models.CharField(max_length=64)
    scan = models.FileField(upload_to=supplement_scan_upload_to, blank=True)
    scan_name = models.CharField(max_length=255, blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    scan_size = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("signature of a supplementary agreement")
        verbose_name_plural = _("signatures of supplementary agreements")
        ordering = ["supplement", "signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplement", "party"], name="uniq_supplement_signature_party"
            )
        ]

    def __str__(self):
        return f"{self.supplement} / {self.party}"


# --- PDF signatures (issue 18): certificates and signed revisions -----------------------------
from .signing.models import (  # noqa: E402, F401  (the models live in their own module)
    Certificate,
    CertificateRole,
    CertificateSource,
    SignedRevision,
    SignedStep,
)
