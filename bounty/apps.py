from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BountyConfig(AppConfig):
    name = "bounty"
    verbose_name = _("Challenges and bids")
