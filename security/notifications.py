from django.utils.translation import gettext_lazy as _

from notifications.registry import register

# Security alerts: always e-mailed at once, never muted (registry: mandatory).
register(
    "security.new_device",
    title=_("New sign-in to your account"),
    body=_(
        "Your account signed in from a device it had not used before: %(device)s, "
        "address %(ip)s, at %(time)s. If this was not you, change your password now and "
        "tell the security administrator."
    ),
    mandatory=True,
)
register(
    "security.password_changed",
    title=_("Your password was changed"),
    body=_(
        "The password of your account was changed at %(time)s. If you did not do this, "
        "reset your password at once and tell the security administrator."
    ),
    mandatory=True,
)
register(
    "security.second_factor_enabled",
    title=_("Two-factor log-in is on"),
    body=_("Two-factor log-in was turned on for your account at %(time)s."),
    mandatory=True,
)
register(
    "security.second_factor_disabled",
    title=_("Two-factor log-in is off"),
    body=_("Two-factor log-in was turned off for your account at %(time)s."),
    mandatory=True,
)
register(
    "security.second_factor_reset",
    title=_("Your two-factor log-in was reset"),
    body=_(
        "The security administrator reset the two-factor log-in of your account at "
        "%(time)s. At your next log-in you will set up an authenticator app again. If you "
        "did not ask for this, tell the security administrator."
    ),
    mandatory=True,
)
