"""``{% load masking %}``: ``{{ person.phone|mask_phone }}`` and ``{{ person.email|mask_email }}``
for lists of people; detail pages that need the whole value show it unfiltered."""

from django import template

from common import masking

register = template.Library()


@register.filter
def mask_phone(value):
    """``13812341234`` → ``138****1234`` (see ``common.masking.mask_phone``)."""
    return masking.mask_phone(value)


@register.filter
def mask_email(value):
    """``zhang.san@example.cn`` → ``z***@example.cn`` (see ``common.masking.mask_email``)."""
    return masking.mask_email(value)
