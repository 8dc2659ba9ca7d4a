import itertools

from django.db import connections, models
from django.db.models import Case, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Now

from bounty.challenges.statuses import PUBLIC_STATUSES, ChallengeStatus


def bigrams(text: str) -> str:
    """Every pair of adjacent letters/digits, space-separated: lets PostgreSQL index
    two-character Chinese words, which trigrams cannot."""
    chars = [c for c in (text or "").lower() if not c.isspace()]
    pairs = {a + b for a, b in itertools.pairwise(chars) if a.isalnum() and b.isalnum()}
    return " ".join(sorted(pairs))


class ChallengeQuerySet(models.QuerySet):
    def public(self):
        """What anyone may see: published and every later public state."""
        return self.filter(status__in=PUBLIC_STATUSES)

    def open_for_bids(self):
        """Published and before the deadline — by the database's clock, not the web host's."""
        return self.filter(status=ChallengeStatus.PUBLISHED, bid_deadline__gt=Now())

    def past_deadline(self):
        return self.filter(status=ChallengeStatus.PUBLISHED, bid_deadline__lte=Now())

    def with_display_status(self):
        """Annotate ``shown_status``: a published challenge past its deadline shows as closed."""
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
        words = text.lower().split()[:5]
        # The bigram index helps only when no longer word can use the trigram index
        # (measured in benchmarks/: combining both makes PostgreSQL recheck more rows).
        use_bigrams = connections[self.db].vendor == "postgresql" and all(
            len(w) <= 2 for w in words
        )
        qs = self
        for word in words:
            if use_bigrams and len(word) == 2:
                # Two characters: the bigram full-text index finds the rows (trigrams can't).
                qs = qs.filter(
                    RawSQL(
                        "search_vec @@ plainto_tsquery('simple', %s)",
                        (word,),
                        output_field=models.BooleanField(),
                    )
                )
            # search_text is stored lowercased: a plain LIKE can use the trigram index.
            qs = qs.filter(search_text__contains=word)
        return qs
