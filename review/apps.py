from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Expert review")

    def ready(self):
        from bounty.permissions import EXTRA_BID_READERS, RANKING_READERS

        from . import conflicts, notifications  # noqa: F401  (signal receivers, kinds)
        from .documents import register_documents
        from .permissions import can_view_ranking, expert_can_read_bid

        register_documents()

        if expert_can_read_bid not in EXTRA_BID_READERS:
            EXTRA_BID_READERS.append(expert_can_read_bid)
        if can_view_ranking not in RANKING_READERS:
            RANKING_READERS.append(can_view_ranking)
