from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BountyConfig(AppConfig):
    name = "bounty"
    verbose_name = _("Challenges and bids")

    def ready(self):
        from bounty import notifications  # noqa: F401  (registers notification kinds)
        from bounty.bids import services  # noqa: F401  (connects the amendment receiver)
        from bounty.calls import notifications as _calls  # noqa: F401  (kinds of calls)
        from bounty.projects import termination

        termination.register()  # the effect of a final misconduct decision
        from accounts.services import DISTRICT_CHANGE_GUARDS
        from bounty.calls.district import needs_in_progress_refusal

        DISTRICT_CHANGE_GUARDS.append(needs_in_progress_refusal)
        from bounty.bids.cure_services import register_ineligibility

        register_ineligibility()  # the effect of a final ineligibility (formal check)
