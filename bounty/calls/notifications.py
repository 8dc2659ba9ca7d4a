"""Notification kinds of calls (批次); registered from BountyConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from notifications.registry import register

register(
    "call.collection_closed",
    title=_("Needs collection closed: %(call)s"),
    body=_(
        "The call “%(call)s” no longer collects needs. Your draft “%(title)s” was not "
        "submitted and will not be in its list."
    ),
)
