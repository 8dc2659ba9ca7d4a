import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from .credit_code import normalize_credit_code, validate_credit_code


class User(AbstractUser):
    """A person. Roles come from memberships in organisations, never from flags here."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    email = models.EmailField(_("email address"), unique=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or self.username


class OrganizationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    UNIVERSITY = "university", _("University")
    INSTITUTE = "institute", _("Research institute")
    NEW_RD = "new_rd", _("New-type R&D institute")
    BUREAU = "bureau", _("Science and technology bureau")
    DISTRICT_BUREAU = "district_bureau", _("District science and technology bureau")


# Organisations of the government side: registered only by a bureau officer.
GOVERNMENT_KINDS = (OrganizationKind.BUREAU, OrganizationKind.DISTRICT_BUREAU)


class OrganizationStatus(models.TextChoices):
    PENDING = "pending", _("Pending verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


def licence_upload_to(instance, filename):
    # A random name: the original may leak information and is kept separately.
    return f"licences/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


class Organization(FSMModelMixin, models.Model):
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, as printed on the business licence."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    # A district bureau's jurisdiction (辖区): its name and administrative division code.
    jurisdiction = models.CharField(_("jurisdiction"), max_length=100, blank=True)
    region_code = models.CharField(
        _("administrative division code"),
        max_length=6,
        blank=True,
        validators=[
            RegexValidator(r"^\d{6}$", _("The administrative division code has six digits."))
        ],
        help_text=_("Six digits, e.g. 320412 for 武进区 (a district bureau's jurisdiction)."),
    )
    # The district bureau in whose jurisdiction an enterprise is (it recommends its needs).
    district = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        limit_choices_to={"kind": "district_bureau"},
        verbose_name=_("district"),
    )
    # The city's own science and technology bureau (the third party of contracts, the OCDS
    # buyer). Other bureau-kind organisations (the supervisors' 纪检监察组) are not it.
    is_city_bureau = models.BooleanField(_("city bureau"), default=False, editable=False)
    licence = models.FileField(_("business licence"), upload_to=licence_upload_to, blank=True)
    licence_name = models.CharField(max_length=255, blank=True, editable=False)
    status = FSMField(
        _("status"),
        default=OrganizationStatus.PENDING,
        choices=OrganizationStatus.choices,
        protected=True,
    )
    decision_comment = models.TextField(_("decision comment"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        permissions = [("manage_organization", _("Can manage members of the organisation"))]
        constraints = [
            models.UniqueConstraint(
                fields=["is_city_bureau"],
                condition=models.Q(is_city_bureau=True),
                name="organization_one_city_bureau",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.credit_code = normalize_credit_code(self.credit_code)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("accounts:organization_detail", args=[self.pk])

    def clean(self):
        if self.kind == OrganizationKind.DISTRICT_BUREAU:
            missing = {
                name: _("A district bureau names its jurisdiction and its division code.")
                for name in ("jurisdiction", "region_code")
                if not getattr(self, name)
            }
            if missing:
                raise ValidationError(missing)
        if self.district_id and self.kind != OrganizationKind.ENTERPRISE:
            raise ValidationError(
                {"district": _("Only an enterprise belongs to a district for its needs.")}
            )

    @property
    def is_verified(self):
        return self.status == OrganizationStatus.VERIFIED

    # --- Verification state machine: pending → verified | rejected; rejected → pending.
    @transition(field=status, source=OrganizationStatus.PENDING, target=OrganizationStatus.VERIFIED)
    def verify(self, *, by, comment=""):
        self.decided_by, self.decided_at, self.decision_comment = by, timezone.now(), comment

    @transition(field=status, source=OrganizationStatus.PENDING, target=OrganizationStatus.REJECTED)
    def reject(self, *, by, comment):
        self.decided_by, self.decided_at, self.decision_comment = by, timezone.now(), comment

    @transition(
        field=status,
        source=OrganizationStatus.REJECTED,
        target=OrganizationStatus.PENDING,
        conditions=[lambda org: bool(org.licence)],
    )
    def resubmit(self):
        self.decision_comment = ""


class Role(models.TextChoices):
    ISSUER = "issuer", _("Issuer staff")
    BIDDER = "bidder", _("Bidder staff")
    BUREAU = "bureau", _("Bureau officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    DISTRICT = "district", _("District officer")


# Which roles an organisation of each kind can give its members.
ROLES_BY_KIND = {
    OrganizationKind.ENTERPRISE: (Role.ISSUER, Role.BIDDER),
    OrganizationKind.UNIVERSITY: (Role.BIDDER,),
    OrganizationKind.INSTITUTE: (Role.BIDDER,),
    OrganizationKind.NEW_RD: (Role.BIDDER,),
    OrganizationKind.BUREAU: (Role.BUREAU, Role.SUPERVISOR),
    OrganizationKind.DISTRICT_BUREAU: (Role.DISTRICT,),
}


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_admin = models.BooleanField(
        _("organisation administrator"),
        default=False,
        help_text=_("May invite colleagues and manage the organisation's profile."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="unique_membership_role"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.organization} · {self.get_role_display()}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_admin = models.BooleanField(_("organisation administrator"), default=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organization}"

    @property
    def is_open(self):
        return self.accepted_at is None and self.expires_at > timezone.now()
