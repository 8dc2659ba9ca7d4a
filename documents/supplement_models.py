"""补充协议 (supplementary agreements) signed by the three parties, in the contract's order
(team → issuer → bureau). One ``Supplement`` per agreement: an approved change of a project
(bounty ``ChangeRequest`` of an approval kind) or a horse race's continuation. Its document
is the newest version of its ``series`` (kind SUPPLEMENT; the document's subject is the
contract). Imported by ``documents/models.py`` so Django finds the models."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from bounty.models import ChangeRequest

from .models import Contract, Document, Party, Signature


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
    supplement = models.ForeignKey(
        Supplement, on_delete=models.PROTECT, related_name="signatures"
    )
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
