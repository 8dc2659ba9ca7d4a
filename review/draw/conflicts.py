"""Hard conflict-of-interest exclusions (DOMAIN §4 layer 1 and accepted layer 2).

Matched on credit codes and person ids only, never on names. Bid-level
conflicts are computed when a bid is submitted (signal), challenge-level ones
when a draw freezes its pool.
"""

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from accounts.models import Membership, OrganizationKind
from bounty.models import Bid, BidStatus, CreditSanction, ExclusionRequest
from bounty.signals import bid_submitted
from review.models import Conflict, Expert, Relationship, Seat, SeatStatus


def lookback_start() -> date:
    years = settings.JIEBANG["CONFLICT_LOOKBACK_YEARS"]
    today = timezone.localdate()
    return today - timedelta(days=365 * years + years // 4)


def _recent(prefix=""):
    return Q(**{f"{prefix}ends_on__isnull": True}) | Q(
        **{f"{prefix}ends_on__gte": lookback_start()}
    )


def bid_parties(bid):
    """(organisations {credit code: (name, role)}, key people {user id: name})."""
    orgs = {bid.lead.credit_code: (bid.lead.name, _("lead unit"))}
    for member in bid.consortium.all():
        orgs[member.credit_code] = (member.name, _("consortium member"))
    people = {t.user_id: t.name for t in bid.team.all() if t.user_id}
    if bid.pi_id:
        people.setdefault(bid.pi_id, str(bid.pi))
    return orgs, people


def _bid_conflicts(bids):
    """The conflicts of these bids (unsaved), 2 queries whatever their number. ``bids``
    come with ``lead``, ``pi``, ``consortium`` and ``team`` loaded."""
    parties = [(bid, *bid_parties(bid)) for bid in bids]
    codes = set().union(*(orgs for _bid, orgs, _people in parties))
    people = set().union(*(team for _bid, _orgs, team in parties))
    employed, org_rels, accounts, person_rels = (defaultdict(list) for _ in range(4))
    # Experts employed by a party or who are a team member; one query for both.
    for expert_id, code, user_id in (
        Expert.objects.filter(Q(employer_code__in=codes) | Q(user_id__in=people))
        .order_by()
        .values_list("id", "employer_code", "user_id")
    ):
        if code in codes:
            employed[code].append(expert_id)
        if user_id in people:
            accounts[user_id].append(expert_id)
    # Recent organisational ties to a party, and personal ties to a team member.
    organisational = Q(kind__in=Relationship.ORGANISATIONAL) & Q(organization_code__in=codes)
    personal = Q(kind__in=Relationship.PERSONAL) & Q(person_id__in=people)
    for rel in Relationship.objects.filter((organisational | personal) & _recent()).values(
        "expert_id", "organization_code", "person_id", "kind", "ends_on"
    ):
        if rel["kind"] in Relationship.ORGANISATIONAL and rel["organization_code"] in codes:
            org_rels[rel["organization_code"]].append(rel)
        if rel["kind"] in Relationship.PERSONAL and rel["person_id"] in people:
            person_rels[rel["person_id"]].append(rel)
    found = []
    for bid, orgs, team in parties:

        def add(expert_id, rule, evidence, bid=bid):
            found.append(
                Conflict(
                    challenge_id=bid.challenge_id,
                    bid=bid,
                    expert_id=expert_id,
                    rule=rule,
                    evidence=evidence[:500],
                )
            )

        for code, (name, role) in orgs.items():
            for expert_id in employed[code]:
                add(
                    expert_id,
                    Conflict.Rule.EMPLOYED_BY_BIDDER,
                    _("Employed by %(org)s (%(code)s), %(role)s of bid %(bid)s")
                    % {"org": name, "code": code, "role": role, "bid": bid.reference},
                )
        for code, (name, role) in orgs.items():
            for rel in org_rels[code]:
                until = rel["ends_on"].isoformat() if rel["ends_on"] else _("now")
                add(
                    rel["expert_id"],
                    Conflict.Rule.FORMERLY_EMPLOYED,
                    _("%(kind)s at %(org)s (%(code)s) until %(until)s, %(role)s of bid %(bid)s")
                    % {
                        "kind": Relationship.Kind(rel["kind"]).label,
                        "org": name,
                        "code": code,
                        "until": until,
                        "role": role,
                        "bid": bid.reference,
                    },
                )
        for user_id in team:
            for expert_id in accounts[user_id]:
                add(
                    expert_id,
                    Conflict.Rule.IN_BID_TEAM,
                    _("Named in the team of bid %(bid)s") % {"bid": bid.reference},
                )
        for user_id, person in team.items():
            for rel in person_rels[user_id]:
                add(
                    rel["expert_id"],
                    Conflict.Rule.RELATED_TO_TEAM,
                    _("%(kind)s of %(person)s, team member of bid %(bid)s")
                    % {
                        "kind": Relationship.Kind(rel["kind"]).label,
                        "person": person,
                        "bid": bid.reference,
                    },
                )
    return found


def compute_bid_conflicts(bid):
    """Replace the bid's stored conflicts with freshly computed ones; return them."""
    found = _bid_conflicts([bid])
    Conflict.objects.filter(bid=bid).delete()
    Conflict.objects.bulk_create(found)
    return found


def refresh_bid_conflicts(bids):
    """Bring the stored conflicts of these bids up to date, writing only what changed
    (the draw's freeze: usually nothing has changed since submission). Returns
    (deleted, created)."""
    bids = list(bids)
    wanted = Counter((c.bid_id, c.expert_id, c.rule, c.evidence) for c in _bid_conflicts(bids))
    stale = []
    for pk, *key in Conflict.objects.filter(bid__in=[b.pk for b in bids]).values_list(
        "pk", "bid_id", "expert_id", "rule", "evidence"
    ):
        key = tuple(key)
        if wanted[key] > 0:
            wanted[key] -= 1
        else:
            stale.append(pk)
    if stale:
        Conflict.objects.filter(pk__in=stale).delete()
    challenge_of = {b.pk: b.challenge_id for b in bids}
    new = Conflict.objects.bulk_create(
        Conflict(challenge_id=challenge_of[b], bid_id=b, expert_id=e, rule=r, evidence=ev)
        for (b, e, r, ev), n in wanted.items()
        for _i in range(n)
    )
    return len(stale), len(new)


@receiver(bid_submitted)
def precompute_on_submission(sender, bid, version, **kwargs):
    """Queue the bid's conflict computation for when the submission commits: it is not
    needed before the deadline (the draw's freeze refreshes it anyway), so the team's
    submission neither waits for it nor fails because of it."""
    bid_id = bid.pk
    transaction.on_commit(
        lambda: async_task("review.tasks.precompute_bid_conflicts", bid_id, group="conflicts")
    )


def precompute_bid_conflicts(bid_id):

    bid = (
        Bid.objects.select_related("lead", "pi")
        .prefetch_related("consortium", "team")
        .filter(pk=bid_id)
        .first()
    )
    if bid is not None:
        compute_bid_conflicts(bid)


def compute_challenge_conflicts(challenge):
    """Challenge-wide exclusions, refreshed at freeze time; return {rule: count}."""
    found = []
    issuer = challenge.issuer

    def add(expert_id, rule, evidence):
        found.append(
            Conflict(
                challenge=challenge,
                bid=None,
                expert_id=expert_id,
                rule=rule,
                evidence=evidence[:500],
            )
        )

    for expert_id in Expert.objects.filter(employer_code=issuer.credit_code).values_list(
        "id", flat=True
    ):
        add(
            expert_id,
            Conflict.Rule.EMPLOYED_BY_ISSUER,
            _("Employed by the issuer %(org)s (%(code)s)")
            % {"org": issuer.name, "code": issuer.credit_code},
        )
    for expert_id in Relationship.objects.filter(
        Q(kind__in=Relationship.ORGANISATIONAL)
        & Q(organization_code=issuer.credit_code)
        & _recent()
    ).values_list("expert_id", flat=True):
        add(
            expert_id,
            Conflict.Rule.FORMERLY_EMPLOYED,
            _("Employed or director at the issuer %(org)s within the look-back period")
            % {"org": issuer.name},
        )
    bureau_users = Membership.objects.filter(organization__kind=OrganizationKind.BUREAU).values(
        "user_id"
    )
    for expert_id in Expert.objects.filter(user_id__in=bureau_users).values_list("id", flat=True):
        add(expert_id, Conflict.Rule.BUREAU_STAFF, _("Staff of the bureau running this challenge"))
    today = timezone.localdate()
    sanctions = CreditSanction.objects.filter(starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    # Two indexed lookups: one query with OR scans every expert (in code order).
    sanctioned = set(
        Expert.objects.filter(user_id__in=sanctions.exclude(user=None).values("user_id"))
        .order_by()
        .values_list("id", flat=True)
    ) | set(
        Expert.objects.filter(
            employer_code__in=sanctions.exclude(credit_code="").values("credit_code")
        )
        .order_by()
        .values_list("id", flat=True)
    )
    for expert_id in sorted(sanctioned):
        add(expert_id, Conflict.Rule.SANCTIONED, _("Under a credit sanction"))
    cap = settings.JIEBANG["EXPERT_ANNUAL_CAP"]
    busy = (
        Seat.objects.filter(status=SeatStatus.ACCEPTED, responded_at__year=today.year)
        .values("expert_id")
        .annotate(n=Count("id"))
        .filter(n__gte=cap)
    )
    for row in busy:
        add(
            row["expert_id"],
            Conflict.Rule.ANNUAL_CAP,
            _("%(n)d reviews this year (cap %(cap)d)") % {"n": row["n"], "cap": cap},
        )
    accepted = ExclusionRequest.objects.filter(
        bid__challenge=challenge, decision=ExclusionRequest.Decision.ACCEPTED
    ).exclude(bid__status__in=[BidStatus.WITHDRAWN, BidStatus.DRAFT])
    for request in accepted.select_related("bid"):
        experts = Expert.objects.none()
        if request.kind == ExclusionRequest.Kind.EXPERT and request.matched_expert_code:
            experts = Expert.objects.filter(code=request.matched_expert_code)
        elif request.kind == ExclusionRequest.Kind.ORGANIZATION and request.credit_code:
            experts = Expert.objects.filter(employer_code=request.credit_code)
        for expert_id in experts.values_list("id", flat=True):
            add(
                expert_id,
                Conflict.Rule.EXCLUSION_REQUEST,
                _("Bid %(bid)s asked to exclude %(name)s: %(reason)s")
                % {"bid": request.bid.reference, "name": request.name, "reason": request.reason},
            )
    Conflict.objects.filter(challenge=challenge, bid=None).delete()
    Conflict.objects.bulk_create(found)
    return found


def live_bids(challenge):
    return Bid.objects.filter(challenge=challenge, submitted_at__isnull=False).exclude(
        status__in=[BidStatus.WITHDRAWN, BidStatus.DRAFT]
    )


def excluded_expert_ids(challenge, bids=None):
    """Experts with any hard conflict for this challenge (bid-level for its live bids, or
    for ``bids`` — a project panel looks only at the winning bid)."""
    live = live_bids(challenge) if bids is None else bids
    return Conflict.objects.filter(Q(challenge=challenge, bid=None) | Q(bid__in=live)).values(
        "expert_id"
    )
