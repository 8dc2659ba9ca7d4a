from django.utils.translation import gettext_lazy as _


class ActionRefused(Exception):
    """A user asked for something the rules do not allow; the message says why."""

    default_message = _("This action is not allowed.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class StaleState(ActionRefused):
    default_message = _(
        "Someone else changed this item a moment ago. Reload the page to see its current state."
    )
