"""Sealed bids (开标解密): the challenge's key pair, the shares of its private key, each
submission's envelope and the opening ceremony. Nothing here holds a private key or a
plaintext; see bounty/sealing/crypto.py and services.py."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bounty.bids.models import Attachment, Bid, BidVersion
from bounty.challenges.models import Challenge


class ChallengeKey(models.Model):
    """The public key a challenge's bids are sealed for (published with the challenge)."""

    challenge = models.OneToOneField(
        Challenge, on_delete=models.PROTECT, related_name="sealing_key"
    )
    suite = models.CharField(max_length=60)
    public_key = models.CharField(max_length=64)  # raw X25519, hex
    fingerprint = models.CharField(max_length=40)
    threshold = models.PositiveSmallIntegerField()
    holders = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.challenge.ocid} {self.fingerprint}"

    @property
    def public_bytes(self) -> bytes:
        return bytes.fromhex(self.public_key)


class ShareRole(models.TextChoices):
    BUREAU = "bureau", _("Bureau officer")
    SUPERVISOR = "supervisor", _("Supervisor")


class KeyShare(models.Model):
    """One share of the private key. ``pending`` holds it (encrypted under the server's
    secret) only until its holder takes it; then it is erased and only a digest is kept."""

    key = models.ForeignKey(ChallengeKey, on_delete=models.CASCADE, related_name="shares")
    index = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=20, choices=ShareRole.choices)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pending = models.TextField(blank=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["index"]
        constraints = [
            models.UniqueConstraint(fields=["key", "index"], name="one_share_per_index"),
            models.UniqueConstraint(
                fields=["key", "holder"],
                name="one_share_per_holder",
                condition=models.Q(holder__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.key.challenge.ocid} #{self.index}"


class SealState(models.TextChoices):
    SEALED = "sealed", _("Sealed")
    RESTORED = "restored", _("Restored by the team")
    DISCARDED = "discarded", _("Discarded by the team (fresh draft)")
    OPENED = "opened", _("Opened")
    FAILED = "failed", _("Opening check failed")


class SealedSubmission(models.Model):
    """The envelope of one submitted version: the data key wrapped for the challenge key
    (and for the team's passphrase) and the encrypted payload (content, restorable rows,
    attachment names). The version's receipt hashes stay in BidVersion."""

    version = models.OneToOneField(BidVersion, on_delete=models.PROTECT, related_name="sealed")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="sealed_submissions")
    wrapped_key = models.JSONField()
    team_key = models.JSONField(null=True, blank=True)
    payload = models.TextField()
    state = models.CharField(max_length=12, choices=SealState.choices, default=SealState.SEALED)
    outcome = models.JSONField(default=dict, blank=True)  # the check made when opened
    sealed_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.version} [{self.state}]"


class SealedFile(models.Model):
    """An attachment whose stored file is ciphertext (until the team restores it or the
    opening decrypts it)."""

    attachment = models.OneToOneField(Attachment, on_delete=models.CASCADE, related_name="sealed")
    submission = models.ForeignKey(SealedSubmission, on_delete=models.CASCADE, related_name="files")

    def __str__(self):
        return f"{self.attachment_id} in {self.submission_id}"


class BidOpening(models.Model):
    """The opening ceremony of a sealed challenge (开标): done once, after the deadline."""

    challenge = models.OneToOneField(Challenge, on_delete=models.PROTECT, related_name="opening")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    share_holders = models.JSONField(default=list)  # [{"index", "role", "name"}]
    results = models.JSONField(default=list)  # one row per bid, see services.opening_perform
    seconds = models.FloatField(default=0)

    def __str__(self):
        return f"{self.challenge.ocid} opened {self.opened_at:%Y-%m-%d %H:%M}"

    @property
    def problems(self):
        return [row for row in self.results if not row["ok"]]
