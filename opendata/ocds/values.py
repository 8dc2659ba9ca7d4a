"""What every part of a release is written with: the language of its texts and the converters
to OCDS values (RFC 3339 dates in the site's time zone; amounts stored in 万元 published as
Values in CNY, exact to the fen)."""

from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.dateparse import parse_datetime

CURRENCY = "CNY"
LANGUAGE = "zh"
INDUSTRY_SCHEME = "x_jiebangIndustry"  # a challenge's industry (bounty.Industry.code)
TEN_THOUSAND = Decimal(10000)


def _dt(value) -> str | None:
    """An aware datetime (or ISO string) → RFC 3339 in the site's time zone."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    return timezone.localtime(value).isoformat()


def _day(value) -> str | None:
    """A date (or ISO date string) → the start of that day in the site's time zone."""
    if value is None:
        return None
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return datetime.combine(value, time.min, tzinfo=timezone.get_default_timezone()).isoformat()


def _number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def value_cny(wan) -> dict:
    """万元 (Decimal or string) → an OCDS Value in CNY, exact to the fen."""
    amount = (Decimal(str(wan)) * TEN_THOUSAND).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return {"amount": _number(amount), "currency": CURRENCY}
