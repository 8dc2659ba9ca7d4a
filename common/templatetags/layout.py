"""Layout helpers that keep templates free of inline ``style=""`` (the Content-Security-Policy
allows no inline style): a percentage becomes a class from static/css/site.css."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def pct(value):
    """A percentage as a whole number from 0 to 100, for the ``w-N`` (width) and ``at-N``
    (left position) classes of site.css. Anything that is not a number gives 0."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return 0
    if not number.is_finite():
        return 0
    return max(0, min(100, int(number.to_integral_value())))
