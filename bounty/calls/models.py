"""Calls (批次): the batch a city publishes its challenges in.

A call collects needs (需求征集) in one window, has them recommended by the district
bureaus and vetted by experts, and publishes the whole list at once with a 发榜公告; the
bid quotas count per call (DOMAIN §2 "added")."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    COLLECTING = "collecting", _("Collecting needs")
    VETTING = "vetting", _("Vetting needs")
    PUBLISHED = "published", _("List published")
    CLOSED = "closed", _("Closed")


# Calls the public sees (the list and its 发榜公告 exist from publication on).
PUBLIC_CALL_STATUSES = (CallStatus.PUBLISHED, CallStatus.CLOSED)


class ChainRole(models.TextChoices):
    CHAIN_LEADER = "chain_leader", _("Chain leader (链主)")
    LEADING = "leading", _("Leading enterprise (龙头)")
    SPECIALISED = "specialised", _("Specialised SME (专精特新)")
    OTHER = "other", _("Other")


class RdPlatform(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")
    NONE = "none", _("None")


class NeedQualification(models.Model):
    """A need's (challenge's) issuer qualification facts and its district recommendation."""

    # The issuer's qualification facts (需求征集表), checked at vetting against the
    # thresholds of settings.JIEBANG["NEED_*"].
    chain = models.CharField(_("industrial chain"), max_length=100, blank=True)
    chain_role = models.CharField(
        _("role in the chain"), max_length=20, choices=ChainRole.choices, blank=True
    )
    revenue = models.DecimalField(
        _("revenue last year (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    rd_ratio = models.DecimalField(
        _("R&D spending / revenue (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    rd_platform = models.CharField(
        _("own R&D platform"), max_length=20, choices=RdPlatform.choices, blank=True
    )
    rd_platform_name = models.CharField(_("R&D platform name"), max_length=200, blank=True)
    # The district bureau's recommendation (推荐) to the city.
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    recommended_at = models.DateTimeField(null=True, blank=True, editable=False)
    recommendation = models.TextField(_("district recommendation"), blank=True, editable=False)

    class Meta:
        abstract = True


def template_upload_to(instance, filename):
    return f"calls/{instance.year}-{instance.batch}/{filename}"


def _quota_default():
    return settings.JIEBANG["MAX_LEAD_BIDS_PER_CALL"]


def _pi_default():
    return settings.JIEBANG["PI_MAX_LEAD"]


class Call(FSMModelMixin, models.Model):
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    batch = models.PositiveSmallIntegerField(
        _("batch"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    needs_opens_at = models.DateTimeField(_("needs collection opens"))
    needs_closes_at = models.DateTimeField(_("needs collection closes"))
    bids_close_at = models.DateTimeField(
        _("bid deadline"),
        help_text=_("Every challenge of the call takes this deadline when the list is published."),
    )
    max_lead_bids = models.PositiveSmallIntegerField(
        _("bids per organisation"),
        default=_quota_default,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("How many bids one organisation may lead in this call."),
    )
    pi_max_lead = models.PositiveSmallIntegerField(
        _("bids or projects per principal investigator"),
        default=_pi_default,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("How many active bids or projects one PI may lead while bidding in this call."),
    )
    guide = models.TextField(
        _("application guide (申报指南)"),
        blank=True,
        help_text=_("Who may bid, what to submit, how bids are reviewed; shown with the list."),
    )
    application_template = models.FileField(
        _("application form template (申报书)"),
        upload_to=template_upload_to,
        blank=True,
        help_text=_("Leave empty to offer the platform's standard template."),
    )
    integrity_template = models.FileField(
        _("research integrity pledge template (科研诚信承诺书)"),
        upload_to=template_upload_to,
        blank=True,
        help_text=_("Leave empty to offer the platform's standard template."),
    )
    consortium_template = models.FileField(
        _("consortium agreement template (联合体协议)"),
        upload_to=template_upload_to,
        blank=True,
        help_text=_("Leave empty to offer the platform's standard template."),
    )
    status = FSMField(
        _("status"), default=CallStatus.DRAFT, choices=CallStatus.choices, protected=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-year", "-batch"]
        constraints = [
            models.UniqueConstraint(fields=["year", "batch"], name="call_unique_year_batch"),
            models.CheckConstraint(
                condition=models.Q(needs_closes_at__gt=models.F("needs_opens_at")),
                name="call_needs_window_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(bids_close_at__gt=models.F("needs_closes_at")),
                name="call_bids_after_needs",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("bounty:call", args=[self.year, self.batch])

    @property
    def code(self) -> str:
        return f"{self.year}-{self.batch}"

    @property
    def accepts_needs(self) -> bool:
        now = timezone.now()
        return (
            self.status == CallStatus.COLLECTING
            and self.needs_opens_at <= now < self.needs_closes_at
        )

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_CALL_STATUSES

    # --- State machine: draft → collecting → vetting → published → closed. Who may call
    # each transition, and what else happens with it, is in services.py.

    @transition(field=status, source=CallStatus.DRAFT, target=CallStatus.COLLECTING)
    def open_collection(self):
        pass

    @transition(field=status, source=CallStatus.COLLECTING, target=CallStatus.VETTING)
    def close_collection(self):
        pass

    @transition(field=status, source=CallStatus.VETTING, target=CallStatus.PUBLISHED)
    def publish(self):
        self.published_at = timezone.now()

    @transition(field=status, source=CallStatus.PUBLISHED, target=CallStatus.CLOSED)
    def close(self):
        self.closed_at = timezone.now()
