from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Expert review")

    def ready(self):
        from bounty.challenges.access_rules import EXTRA_DETAIL_READERS
        from bounty.hooks import (
            register_need_vetting_provider,
            register_panel_provider,
            register_termination_panel_provider,
        )
        from bounty.permissions import EXTRA_BID_READERS, EXTRA_PROJECT_READERS, RANKING_READERS
        from review import notifications  # noqa: F401
        from review.documents import register_documents
        from review.draw import conflicts  # noqa: F401
        from review.needs.services import need_vetting_state
        from review.panels.services import panel_state, termination_panel_state
        from review.permissions import (
            can_view_ranking,
            expert_can_read_bid,
            expert_can_read_project,
            expert_reads_challenge_details,
        )

        register_documents()
        register_panel_provider(panel_state)
        register_termination_panel_provider(termination_panel_state)
        register_need_vetting_provider(need_vetting_state)

        if expert_can_read_bid not in EXTRA_BID_READERS:
            EXTRA_BID_READERS.append(expert_can_read_bid)
        if expert_can_read_project not in EXTRA_PROJECT_READERS:
            EXTRA_PROJECT_READERS.append(expert_can_read_project)
        if can_view_ranking not in RANKING_READERS:
            RANKING_READERS.append(can_view_ranking)
        if expert_reads_challenge_details not in EXTRA_DETAIL_READERS:
            EXTRA_DETAIL_READERS.append(expert_reads_challenge_details)

        # Removing an expert from the pool: the effect of a final due-process decision.
        from review.ratings import removal

        removal.register()
