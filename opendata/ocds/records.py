"""What the releases of a batch of audit events read (``_Records``), loaded in a constant
number of queries, once per object type; and the audited object types that become releases."""

from collections import defaultdict

from django.db.models import Count, Prefetch

from accounts.selectors import bureau_organization
from audit.models import AuditEvent
from bounty.models import (
    Bid,
    BidStatus,
    Challenge,
    ChangeRequest,
    Clarification,
    Project,
    ProjectMilestone,
    Tranche,
)

CHALLENGE = "bounty.challenge"
PROJECT = "bounty.project"
MILESTONE = "bounty.projectmilestone"
TRANCHE = "bounty.tranche"


class _Records:
    """Everything the releases of ``events`` read, loaded once per object type."""

    def __init__(self, events):
        ids = defaultdict(set)
        for event in events:
            ids[event.object_type].add(int(event.object_id))
        self.milestones = (
            {m.pk: m for m in ProjectMilestone.objects.filter(pk__in=ids[MILESTONE])}
            if ids[MILESTONE]
            else {}
        )
        self.tranches = (
            {t.pk: t for t in Tranche.objects.filter(pk__in=ids[TRANCHE])} if ids[TRANCHE] else {}
        )
        project_ids = (
            ids[PROJECT]
            | {m.project_id for m in self.milestones.values()}
            | {t.project_id for t in self.tranches.values()}
        )
        self.projects = (
            {
                p.pk: p
                for p in Project.objects.filter(pk__in=project_ids)
                .select_related("bid__lead", "contract")
                .prefetch_related("milestones", "tranches")
            }
            if project_ids
            else {}
        )
        challenge_ids = ids[CHALLENGE] | {p.challenge_id for p in self.projects.values()}
        self.challenges = {
            c.pk: c
            for c in Challenge.objects.filter(pk__in=challenge_ids)
            .select_related("issuer", "industry", "call")
            .prefetch_related(
                "indicators",
                "criteria",
                "amendments",
                Prefetch(
                    "clarifications",
                    queryset=Clarification.objects.only("pk", "challenge_id", "asked_at"),
                ),
            )
        }
        actions = {e.action for e in events}
        self.tenderers = {}
        if actions & {"challenge.close", "challenge.no_award"}:
            self.tenderers = dict(
                Bid.objects.filter(challenge_id__in=challenge_ids, submitted_at__isnull=False)
                .exclude(status__in=[BidStatus.DRAFT, BidStatus.WITHDRAWN])
                .values("challenge_id")
                .annotate(n=Count("pk"))
                .values_list("challenge_id", "n")
            )
        # The proposals (bid references) behind a notice or a cancelled notice: the issuer's
        # (or the bureau's) proposal, or a 递补 notice's substitute (a winner did not sign).
        self.proposals = defaultdict(list)
        if actions & {"challenge.open_notice", "objection.decide"}:
            for seq, object_id, action, payload in AuditEvent.objects.filter(
                object_type=CHALLENGE,
                action__in=["challenge.propose_award", "challenge.open_notice"],
                object_id__in=[str(pk) for pk in challenge_ids],
            ).values_list("seq", "object_id", "action", "payload"):
                if action == "challenge.propose_award":
                    self.proposals[int(object_id)].append((seq, payload.get("bids", [])))
                elif payload.get("substitute"):
                    self.proposals[int(object_id)].append((seq, [payload["substitute"]]))
        references = {r for items in self.proposals.values() for _seq, refs in items for r in refs}
        for event in events:
            if event.action == "challenge.award":
                references.update(event.payload.get("winners", []))
            # The winner that did not sign, whose award a 递补 notice or 流榜 cancels.
            for key in ("substitute", "replaces", "defaulted"):
                if event.payload.get(key):
                    references.add(event.payload[key])
        self.bids = (
            {
                b.reference: b
                for b in Bid.objects.filter(reference__in=references).select_related("lead")
            }
            if references
            else {}
        )
        change_ids = [
            e.payload.get("change") for e in events if e.action == "project.change_decide"
        ]
        self.changes = (
            {c.pk: c for c in ChangeRequest.objects.filter(pk__in=change_ids)} if change_ids else {}
        )
        # A challenge published again after 流榜 follows an unsuccessful process.
        self.republished_from = {}
        if "challenge.publish" in actions:
            self.republished_from = {
                int(object_id): payload.get("from")
                for object_id, payload in AuditEvent.objects.filter(
                    object_type=CHALLENGE,
                    action="challenge.republish",
                    object_id__in=[
                        str(e.object_id) for e in events if e.action == "challenge.publish"
                    ],
                ).values_list("object_id", "payload")
            }
        self.bureau = bureau_organization()

    def challenge_of(self, event):
        pk = int(event.object_id)
        if event.object_type == CHALLENGE:
            return self.challenges[pk]
        return self.challenges[self.project_of(event).challenge_id]

    def project_of(self, event):
        pk = int(event.object_id)
        if event.object_type == PROJECT:
            return self.projects[pk]
        if event.object_type == MILESTONE:
            return self.projects[self.milestones[pk].project_id]
        return self.projects[self.tranches[pk].project_id]

    def proposed_before(self, challenge, seq):
        """The bids of the last proposal made before the event ``seq``."""
        earlier = [refs for s, refs in sorted(self.proposals[challenge.pk]) if s < seq]
        refs = earlier[-1] if earlier else []
        return [self.bids[r] for r in refs if r in self.bids]
