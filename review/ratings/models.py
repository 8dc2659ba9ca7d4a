"""Expert ratings and removals (DOMAIN §7 "added": expert ratings are kept per review; an
expert is removed from the pool only through due process).

``ExpertRating``: after a panel has finished, the bureau rates each expert who served on it
(timeliness and quality, 1–5, and a short note): one rating per expert per panel. Ratings
are the bureau's own record; experts, teams and issuers never see them.

``ExpertRemoval``: the effect of a final EXPERT_REMOVAL due-process decision. It excludes
the expert from every draw frozen afterwards; panels already drawn keep their seats.

Re-exported from ``review.models``; references are by name (this module imports nothing of
review, so that ``review.models`` can import it)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

SCORE_RANGE = range(1, 6)
NOTE_MAX = 300
LOW_SCORE = 2  # a score this low or lower is flagged on the pool page


class ExpertRating(models.Model):
    """The bureau's rating of one expert's work on one panel (a draw's seat)."""

    seat = models.OneToOneField(
        "review.Seat", on_delete=models.PROTECT, related_name="rating", verbose_name=_("seat")
    )
    # The seat's draw and expert, kept here for the constraint and the pool's averages.
    draw = models.ForeignKey("review.Draw", on_delete=models.PROTECT, related_name="ratings")
    expert = models.ForeignKey("review.Expert", on_delete=models.PROTECT, related_name="ratings")
    timeliness = models.PositiveSmallIntegerField(_("timeliness"))
    quality = models.PositiveSmallIntegerField(_("quality"))
    note = models.CharField(_("note"), max_length=NOTE_MAX)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("expert rating")
        verbose_name_plural = _("expert ratings")
        ordering = ["-rated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "expert"], name="one_rating_per_expert_per_panel"
            ),
            models.CheckConstraint(
                condition=Q(timeliness__gte=1, timeliness__lte=5),
                name="rating_timeliness_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(quality__gte=1, quality__lte=5), name="rating_quality_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.expert_id}@{self.draw_id}: {self.timeliness}/{self.quality}"

    @property
    def is_low(self) -> bool:
        """The pool page offers to open a removal case from a low rating."""
        return min(self.timeliness, self.quality) <= LOW_SCORE


class ExpertRemoval(models.Model):
    """An expert excluded from future draws by a final due-process decision."""

    expert = models.OneToOneField("review.Expert", on_delete=models.PROTECT, related_name="removal")
    case = models.OneToOneField("bounty.DueProcessCase", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    removed_at = models.DateTimeField(_("removed on"))

    class Meta:
        verbose_name = _("expert removal")
        verbose_name_plural = _("expert removals")

    def __str__(self):
        return f"{self.expert_id} removed {self.removed_at:%Y-%m-%d}"
