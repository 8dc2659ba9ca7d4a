"""The certificates the platform knows (its own CA, signing and time-stamping certificates,
and each organisation's: issued by the platform CA or uploaded as a PKCS#12) and the signed
revisions of documents (each signature is an incremental update of the same PDF).
Imported by ``documents/models.py``; tables stay in the ``documents`` app."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CertificateRole(models.TextChoices):
    ROOT = "root", _("Platform root CA")
    PLATFORM = "platform", _("Platform document signing")
    TSA = "tsa", _("Platform time-stamping authority")
    ORGANIZATION = "organization", _("Organisation signing")


class CertificateSource(models.TextChoices):
    ISSUED = "issued", _("Issued by the platform CA")
    UPLOADED = "uploaded", _("Uploaded by the organisation (PKCS#12)")


PLATFORM_ROLES = (CertificateRole.ROOT, CertificateRole.PLATFORM, CertificateRole.TSA)


class Certificate(models.Model):
    role = models.CharField(_("use"), max_length=20, choices=CertificateRole.choices)
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=CertificateSource.choices,
        default=CertificateSource.ISSUED,
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_certificates",
    )
    subject = models.CharField(_("certificate subject"), max_length=300)
    serial = models.CharField(_("serial number"), max_length=64, db_index=True)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    der = models.BinaryField()
    # Issued: the private key as PKCS#8 PEM encrypted under settings.PKI_KEY.
    key_pem = models.BinaryField(blank=True, default=b"")
    # Uploaded: the PKCS#12 as uploaded (its passphrase is entered at each signing), sealed
    # with AES-GCM under a key derived from settings.PKI_KEY.
    pkcs12 = models.BinaryField(blank=True, default=b"")
    chain = models.JSONField(default=list, blank=True)  # base64 DER of the issuers
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    revocation_reason = models.CharField(_("revocation reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One live certificate per platform role: two workers creating the CA at once
            # cannot both succeed.
            models.UniqueConstraint(
                fields=["role"],
                condition=Q(role__in=["root", "platform", "tsa"], revoked_at__isnull=True),
                name="uniq_live_platform_certificate",
            )
        ]

    def __str__(self):
        return f"{self.subject} ({self.serial[:12]})"

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def is_uploaded(self):
        return self.source == CertificateSource.UPLOADED


def signed_upload_to(instance, filename):
    return f"signed/{instance.sha256[:2]}/{instance.sha256}.pdf"


class SignedStep(models.TextChoices):
    TEAM = "team", _("Winning team (lead unit)")
    ISSUER = "issuer", _("Issuing enterprise")
    BUREAU = "bureau", _("Science and technology bureau")
    TIMESTAMP = "timestamp", _("Platform document time-stamp")


class SignedRevision(models.Model):
    """One signed state of a generated document: the previous state (the rendered PDF for
    revision 1) with one more signature appended. The newest revision is the document as
    the parties hold it."""

    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="signed_revisions"
    )
    revision = models.PositiveSmallIntegerField()
    step = models.CharField(max_length=10, choices=SignedStep.choices)
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=signed_upload_to)
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signed revision")
        verbose_name_plural = _("signed revisions")
        ordering = ["document", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["document", "revision"], name="uniq_signed_revision")
        ]

    def __str__(self):
        return f"{self.document.number} r{self.revision}"
