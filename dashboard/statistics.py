"""The statistics the bureau reports upward, per call (批次) and per year (DOMAIN §8 "added"):
needs collected, recommended and published; the bounty and its enterprise : government
leverage; bids and bidders by kind and origin; awards, contracts, committed and disbursed
funds and the 技术合同 amount; milestones on time; acceptance outcomes.

Every figure is an aggregate in the database: a fixed number of queries (six; three when the
funds and milestones come from ``bureau_figures``) whatever the volume. Amounts are 万元."""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from accounts.models import OrganizationKind
from bounty.models import (
    Bid,
    BidStatus,
    ChallengeStatus,
    PaymentPart,
    Project,
    ProjectStatus,
    TerminationOutcome,
)

from .selectors import disbursement_rows, filtered_challenges, milestone_figures, tranche_rows

ZERO = Decimal(0)
# The kinds of organisation that bid (揭榜方), in the order of the reports.
BIDDER_KINDS = (
    OrganizationKind.UNIVERSITY,
    OrganizationKind.INSTITUTE,
    OrganizationKind.NEW_RD,
    OrganizationKind.ENTERPRISE,
)
ORIGINS = ("local", "province", "outside")
# Where a project stands, in the order of the acceptance table: (name, statuses, outcome).
ACCEPTANCE_ROWS = (
    ("passed", (ProjectStatus.PASSED,), None),
    ("closed_without_pass", (ProjectStatus.CLOSED_WITHOUT_PASS,), None),
    ("failed", (ProjectStatus.FAILED,), None),
    ("in_notice", (ProjectStatus.ACCEPTANCE_NOTICE,), None),
    ("under_acceptance", (ProjectStatus.ACCEPTANCE_APPLIED, ProjectStatus.UNDER_ACCEPTANCE), None),
    ("running", (ProjectStatus.ACTIVE, ProjectStatus.CHANGE_REQUESTED), None),
    ("awaiting_contract", (ProjectStatus.AWAITING_CONTRACT,), None),
    *(
        (outcome.value, (ProjectStatus.TERMINATED,), outcome.value)
        for outcome in TerminationOutcome
    ),
)


def origin_of(region: str) -> str:
    """local / province / outside from the 6-digit administrative division code of a
    credit code (its characters 3–8) and the settings naming the city and the province."""
    rules = settings.JIEBANG
    city = rules.get("CITY_REGION_CODE") or ""
    province = rules.get("PROVINCE_REGION_CODE") or ""
    region = region or ""
    if city and region.startswith(city):
        return "local"
    if province and region.startswith(province):
        return "province"
    return "outside"


def leverage(enterprise, government):
    """Enterprise money per unit of government money (the x of “x : 1”), or None."""
    if not government:
        return None
    return (Decimal(enterprise or 0) / Decimal(government)).quantize(Decimal("0.01"))


def percent(part, whole):
    return round(100 * part / whole) if whole else None


def call_statistics(*, call=None, year=None, industry=None, figures=None) -> dict:
    """The figures for one call, one year (the call's year, or the year a challenge outside
    any call was created), both, or everything. ``figures``: what ``bureau_figures``
    returned for the same filter, when the caller has it (its milestones and funds rows are
    not counted twice)."""
    challenges = filtered_challenges(call=call, year=year, industry=industry)
    filtered = bool(call or year or industry)
    ids = challenges.values("pk")
    in_scope = Q(challenge__in=ids) if filtered else Q()
    project_scope = Q(project__challenge__in=ids) if filtered else Q()

    needs, by_industry, by_district = _needs(challenges)
    if figures is None:
        schedule = tranche_rows(project_scope)
        payments = disbursement_rows(Q(tranche__project__challenge__in=ids) if filtered else Q())
        milestones = milestone_figures(project_scope)
    else:
        (schedule, payments), milestones = figures["funds_rows"], figures["milestones"]
    funds = _funds(schedule, payments)
    return {
        "needs": needs,
        "needs_by_industry": by_industry,
        "needs_by_district": by_district,
        "bids": _bids(in_scope),
        "projects": _projects(in_scope),
        "funds": funds,
        "milestones": milestones,
    }


def _needs(challenges):
    """Needs (the challenges of the scope) by industry and district in one grouped query;
    the totals are their sums."""
    rows = (
        challenges.values(
            "industry__code",
            "industry__name_zh",
            "industry__name_en",
            "issuer__district__name",
        )
        .annotate(
            collected=Count("pk", filter=~Q(status=ChallengeStatus.DRAFT)),
            recommended=Count("pk", filter=Q(recommended_at__isnull=False)),
            published=Count("pk", filter=Q(published_at__isnull=False)),
            bounty=Sum("bounty_total", filter=Q(published_at__isnull=False)),
            enterprise=Sum("enterprise_funds", filter=Q(published_at__isnull=False)),
            government=Sum("government_funds", filter=Q(published_at__isnull=False)),
            collected_bounty=Sum("bounty_total", filter=~Q(status=ChallengeStatus.DRAFT)),
        )
        .order_by()
    )
    figures = ("collected", "recommended", "published")
    amounts = ("bounty", "enterprise", "government", "collected_bounty")

    def blank(**names):
        return {**names, **dict.fromkeys(figures, 0), **dict.fromkeys(amounts, ZERO)}

    totals = blank()
    industries, districts = {}, {}
    for r in rows:
        code = r["industry__code"] or ""
        industry = industries.setdefault(
            code,
            blank(
                code=code,
                name_zh=r["industry__name_zh"] or "—",
                name_en=r["industry__name_en"] or "—",
            ),
        )
        district = districts.setdefault(
            r["issuer__district__name"] or "", blank(name=r["issuer__district__name"] or "")
        )
        for target in (totals, industry, district):
            for key in figures:
                target[key] += r[key]
            for key in amounts:
                target[key] += r[key] or ZERO
    for target in (totals, *industries.values(), *districts.values()):
        target["leverage"] = leverage(target["enterprise"], target["government"])
    order = lambda row: (-row["collected"], -row["published"])  # noqa: E731
    return (
        totals,
        sorted(industries.values(), key=lambda row: (*order(row), row["code"])),
        # Enterprises outside any district last.
        sorted(districts.values(), key=lambda row: (row["name"] == "", *order(row), row["name"])),
    )


def _bids(in_scope):
    """Submitted bids (not withdrawn) and their lead units, by kind and by origin: grouped
    on the kind and the region digits of the credit code, placed in Python."""
    rows = (
        Bid.objects.filter(in_scope, submitted_at__isnull=False)
        .exclude(status=BidStatus.WITHDRAWN)
        .values("lead__kind", region=Substr("lead__credit_code", 3, 6))
        .annotate(
            bids=Count("pk"),
            bidders=Count("lead", distinct=True),
            awards=Count("project"),
        )
        .order_by()
    )
    figures = ("bids", "bidders", "awards")
    kinds = {kind.value: dict.fromkeys(figures, 0) for kind in BIDDER_KINDS}
    origins = {origin: dict.fromkeys(figures, 0) for origin in ORIGINS}
    grid = {kind: {origin: 0 for origin in ORIGINS} for kind in kinds}
    totals = dict.fromkeys(figures, 0)
    for r in rows:
        # A lead unit has one kind and one code: the groups never share a bidder.
        kind = kinds.setdefault(r["lead__kind"], dict.fromkeys(figures, 0))
        origin = origin_of(r["region"])
        for key in figures:
            kind[key] += r[key]
            origins[origin][key] += r[key]
            totals[key] += r[key]
        grid.setdefault(r["lead__kind"], {o: 0 for o in ORIGINS})[origin] += r["bidders"]
    return {
        "totals": totals,
        "by_kind": [{"kind": k, **v, "origins": grid[k]} for k, v in kinds.items()],
        "by_origin": [{"origin": o, **v} for o, v in origins.items()],
    }


def _projects(in_scope):
    """Awards (a project is created for each winning bid), contracts signed and where the
    projects stand, in one grouped query."""
    rows = (
        Project.objects.filter(in_scope)
        .values("status", "outcome")
        .annotate(n=Count("pk"), signed=Count("pk", filter=Q(contract_signed_at__isnull=False)))
        .order_by()
    )
    rows = list(rows)
    outcomes = dict.fromkeys((name for name, _s, _o in ACCEPTANCE_ROWS), 0)
    for r in rows:
        for name, statuses, outcome in ACCEPTANCE_ROWS:
            if r["status"] in statuses and (outcome is None or r["outcome"] == outcome):
                outcomes[name] += r["n"]
                break
    concluded = outcomes["passed"] + outcomes["closed_without_pass"] + outcomes["failed"]
    return {
        "awards": sum(r["n"] for r in rows),
        "contracts": sum(r["signed"] for r in rows),
        "outcomes": outcomes,
        "concluded": concluded,
        "pass_rate": percent(outcomes["passed"], concluded),
    }


def _funds(schedule, payments):
    """The contracts' payment schedules (committed, the 技术合同 amount, by the year each
    contract was signed) and the confirmed payments, each split enterprise / government;
    from the rows of ``tranche_rows`` and ``disbursement_rows``."""
    keys = ("amount", "enterprise", "government", "contracts")
    by_year = {}
    for r in schedule:
        row = by_year.setdefault(
            r["signed_year"], {"year": r["signed_year"], **dict.fromkeys(keys, ZERO)}
        )
        for key in keys:
            row[key] += r[key] or 0
    for row in by_year.values():
        row["contracts"] = int(row["contracts"])
    committed = {key: sum((r[key] for r in by_year.values()), ZERO) for key in keys[:3]}
    paid = defaultdict(Decimal)
    for r in payments:
        paid[r["part"]] += r["amount"] or 0
    disbursed = {
        "enterprise": paid[PaymentPart.ENTERPRISE],
        "government": paid[PaymentPart.GOVERNMENT],
    }
    disbursed["amount"] = disbursed["enterprise"] + disbursed["government"]
    return {
        "committed": committed,
        "disbursed": disbursed,
        "disbursed_rate": percent(disbursed["amount"], committed["amount"]),
        "leverage": leverage(committed["enterprise"], committed["government"]),
        # 技术合同: the amounts of the technology-development contracts signed on the
        # platform, by the year of signing (the city's yearly indicator, seed l.39).
        "contracts_by_year": sorted(by_year.values(), key=lambda row: row["year"] or 0),
    }
