"""Notification kinds of calls (批次); registered from BountyConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from notifications.registry import register

register(
    "call.need_not_listed",
    title=_("Not in the published list: %(title)s"),
    body=_(
        "The list of the call “%(call)s” was published without your need “%(title)s”, which "
        "had not been approved. The bureau may return it to you, so that you may put it into "
        "a later call."
    ),
)

register(
    "call.collection_closed",
    title=_("Needs collection closed: %(call)s"),
    body=_(
        "The call “%(call)s” no longer collects needs. Your draft “%(title)s” was not "
        "submitted and will not be in its list."
    ),
)
