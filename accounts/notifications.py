from django.utils.translation import gettext_lazy as _

from notifications.registry import register

register(
    "organization.pending",
    title=_("Organisation awaiting verification: %(name)s"),
    body=_("%(name)s (%(code)s) registered and waits for the bureau's verification."),
)
register(
    "organization.verify",
    title=_("%(name)s is verified"),
    body=_("The bureau verified %(name)s. Its members can now act in their roles. %(comment)s"),
)
register(
    "organization.reject",
    title=_("%(name)s was not verified"),
    body=_("The bureau did not verify %(name)s. Reason: %(comment)s"),
)
register(
    "invitation.accepted",
    title=_("%(user)s joined %(organization)s"),
    body=_("%(user)s accepted your invitation to %(organization)s."),
)
