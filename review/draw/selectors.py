"""Reads of draws for pages."""

from review.models import Draw, DrawPurpose


def public_draws(challenge):
    """Every bid-review draw of ``challenge``, oldest first, with what the public page shows
    (never the pool, the salt or the seats)."""
    return list(
        Draw.objects.filter(challenge=challenge, purpose=DrawPurpose.BID_REVIEW)
        .select_related("challenge")
        .defer("pool", "ranked", "salt")
        .order_by("created_at", "pk")
    )
