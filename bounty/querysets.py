from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Now


class ChallengeQuerySet(models.QuerySet):
    def public(self):
        """What anyone may see: published and every later public state."""
        from .models import PUBLIC_STATUSES

        return self.filter(status__in=PUBLIC_STATUSES)

    def open_for_bids(self):
        """Published and before the deadline — by the database's clock, not the web host's."""
        from .models import ChallengeStatus

        return self.filter(status=ChallengeStatus.PUBLISHED, bid_deadline__gt=Now())

    def past_deadline(self):
        from .models import ChallengeStatus

        return self.filter(status=ChallengeStatus.PUBLISHED, bid_deadline__lte=Now())

    def with_display_status(self):
        """Annotate ``shown_status``: a published challenge past its deadline shows as closed."""
        from .models import ChallengeStatus

        return self.annotate(
            shown_status=Case(
                When(
                    status=ChallengeStatus.PUBLISHED,
                    bid_deadline__lte=Now(),
                    then=Value(ChallengeStatus.CLOSED.value),
                ),
                default="status",
                output_field=models.CharField(),
            )
        )

    def for_organization(self, organization):
        return self.filter(issuer=organization)

    def search(self, text):
        text = (text or "").strip()
        if not text:
            return self
        q = Q()
        for word in text.split()[:5]:
            # search_text is stored lowercased: a plain LIKE can use the trigram index.
            q &= Q(search_text__contains=word.lower())
        return self.filter(q)
