"""Expert pool and draw data for the draw scenarios. Deterministic and idempotent.

* ``EXPERTS`` experts (codes ``BX000001``…), employed by ``EMPLOYERS`` employers
  with valid credit codes (a few large employers, a long tail), titles and types
  mixed (80 % technical, 10 % financial, 10 % management), 96 % active, each in
  one or two industries. Exactly ``IN_INDUSTRY`` of them are in ``DRAW_INDUSTRY``
  (none of the others is), and 80 % of those have an account (an invited expert
  logs in to answer); the rest are found by e-mail or not at all, as in real life.
* ``RELATIONSHIPS`` declared relationships: employment and directorships by
  credit code (ended at any time in the last ten years, or ongoing), and
  relatives, advisors and co-authors by user id.
* ``DRAW_OCID``, a challenge of ``DRAW_INDUSTRY`` in formal check (deadline
  passed) with ``DRAW_BIDS`` submitted bids built by ``seed_bids._list_bids``,
  plus 2–3 core team members per bid. Bid leads, consortium members and the
  issuer are among the experts' employers, some experts declared ties to them
  or to the bids' people, and some bid teams name an expert: every conflict rule
  the freeze applies to bids has something to find. Bid conflicts are then
  precomputed once (``compute_bid_conflicts`` per bid), as submission does.
* ``SUPERVISOR``, a supervisor of the bureau (the bureau officer is
  ``seed_bids.OFFICER``).

Rows are marked: expert codes ``BX…``, OCID ``drawbench-``, credit codes with
organisation codes ``BD`` (bid leads), ``BG`` (consortium members), ``BH`` (the
issuer) and ``BE`` (other employers) that no other seed uses. Experts,
industries and relationships are written with COPY on PostgreSQL (bulk_create
elsewhere): about 10 s the first time, nothing afterwards. Reseeded (after
deleting the draws on the challenge) when the counts or ``SEED_VERSION`` differ.

The scenario helpers at the end run draws on that challenge: ``prepare_draws``
cancels a draw left open by an interrupted run and deletes the older finished
ones, so reruns start from the same state.
"""

import json
import random
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.credit_code import make_credit_code
from accounts.models import (
    Membership,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Role,
    User,
)
from accounts.services import membership_add
from bounty.models import Bid, Challenge, Industry, TeamMember
from review import verify_draw as algo
from review.draw import services
from review.draw.conflicts import compute_bid_conflicts, live_bids
from review.draw.rules import draw_commitment
from review.models import (
    ACTIVE_DRAW_STATUSES,
    Conflict,
    Draw,
    DrawStatus,
    Expert,
    ExpertStatus,
    ExpertTitle,
    ExpertType,
    Relationship,
    Seat,
)

from . import seed_bids
from .seed import BRANDS, CITIES, GENERIC, SUBJECTS, SUFFIXES, TRADES

ROOT = Path(__file__).resolve().parent.parent
VERIFIER = ROOT / "review" / "verify_draw.py"
BUNDLE = ROOT / "var" / "bench-draw-bundle.json"

EXPERT_PREFIX = "BX"
EXPERTS = 100_000
IN_INDUSTRY = 10_000
EMPLOYERS = 3_000
RELATIONSHIPS = 20_000
DRAW_BIDS = 50
DRAW_INDUSTRY = "new-energy"
DRAW_OCID = "drawbench-draw"
DRAW_TITLE = "固态电解质量产工艺与电芯验证（专家抽取）"
SUPERVISOR = "bench-supervisor"
# Stored in every seeded relationship's note: bump it when the seeded rows change.
SEED_VERSION = 1
NOTE = f"基准数据 v{SEED_VERSION}"
ACCOUNT_SHARE = 0.8  # experts of the draw industry with an account

ISSUER_CODE = make_credit_code("91320411BH0000001")
LEAD_PREFIX = "12320411BD"
MEMBER_PREFIX = "12320411BG"
MEMBER_POOL = 120  # consortium members of the draw's bids are drawn from these
EMPLOYER_PREFIX = "320411BE"  # after the authority and category (91… or 12…)

TITLES = [(ExpertTitle.SENIOR, 35), (ExpertTitle.ASSOCIATE, 45), (ExpertTitle.INTERMEDIATE, 20)]
TYPES = [(ExpertType.TECHNICAL, 80), (ExpertType.FINANCIAL, 10), (ExpertType.MANAGEMENT, 10)]
STATUSES = [(ExpertStatus.ACTIVE, 96), (ExpertStatus.SUSPENDED, 3), (ExpertStatus.WITHDRAWN, 1)]
INSTITUTIONS = ["大学", "研究院", "职业技术学院", "研究所", "产业技术研究院"]


def seed(*, out=print):
    """Officer and supervisor, the draw challenge, its bids, the experts (once)."""
    officer = seed_bids._officer()
    _supervisor(officer)
    issuer = seed_bids._org(
        ISSUER_CODE, "常州锂源新能源科技有限公司（基准）", OrganizationKind.ENTERPRISE
    )
    challenge = seed_bids._challenge(
        DRAW_OCID, issuer, open_=False, industry=DRAW_INDUSTRY, title=DRAW_TITLE
    )
    if _seeded(challenge):
        out(f"Expert data already seeded ({EXPERTS:,} experts, {DRAW_BIDS} bids on {DRAW_OCID}).")
        return False
    started = timezone.now()
    rng = random.Random(2029)  # noqa: S311  (reproducible data, not secrets)
    with transaction.atomic():
        _delete_previous(challenge)
        leads = seed_bids._orgs(LEAD_PREFIX, DRAW_BIDS, random.Random(1))  # noqa: S311
        pis = seed_bids._users(
            [f"drawbench-pi-{n:02d}" for n in range(1, DRAW_BIDS + 1)],
            random.Random(2),  # noqa: S311
        )
        seed_bids._memberships(zip(pis, leads, strict=True))
        members = [
            (
                f"{rng.choice(CITIES)}{rng.choice(BRANDS)}新能源材料有限公司（{n:03d}）",
                make_credit_code(f"{MEMBER_PREFIX}{n:07d}"),
            )
            for n in range(1, MEMBER_POOL + 1)
        ]
        seed_bids._list_bids(rng, challenge, leads, pis, officer, ref="R", members=members)
        employers = _employers(rng, issuer, leads, members)
        experts = _experts(rng, employers)
        bids = list(Bid.objects.filter(challenge=challenge).order_by("reference"))
        team_users = _teams(rng, bids, experts)
        _relationships(rng, experts, employers, bids, team_users)
        for bid in (
            live_bids(challenge).select_related("lead", "pi").prefetch_related("consortium", "team")
        ):
            compute_bid_conflicts(bid)
    _analyze()
    seconds = (timezone.now() - started).total_seconds()
    conflicts = Conflict.objects.filter(challenge=challenge).count()
    out(
        f"Seeded {EXPERTS:,} experts ({IN_INDUSTRY:,} in {DRAW_INDUSTRY}), "
        f"{RELATIONSHIPS:,} relationships, {DRAW_BIDS} bids on {DRAW_OCID} "
        f"({conflicts:,} bid conflicts) in {seconds:.1f} s."
    )
    return True


def _supervisor(officer):
    user = seed_bids._users([SUPERVISOR], random.Random(3))[0]  # noqa: S311
    if not Membership.objects.filter(user=user, role=Role.SUPERVISOR).exists():
        # A draw's supervisor belongs to another organisation than its officer (draw v3).
        oversight, _new = Organization.objects.get_or_create(
            credit_code=make_credit_code("11320400MB0J77771"),
            defaults={
                "name": "基准测试纪检监察组",
                "kind": OrganizationKind.BUREAU,
                "status": OrganizationStatus.VERIFIED,
            },
        )
        membership_add(organization=oversight, user=user, role=Role.SUPERVISOR)
    return user


def _seeded(challenge):
    experts = Expert.objects.filter(code__startswith=EXPERT_PREFIX)
    through = Expert.industries.through.objects.filter(
        expert__code__startswith=EXPERT_PREFIX, industry=challenge.industry_id
    )
    bids = live_bids(challenge)
    return (
        experts.count() == EXPERTS
        and through.count() == IN_INDUSTRY
        and Relationship.objects.filter(expert__in=experts, note=NOTE).count() == RELATIONSHIPS
        and bids.count() == DRAW_BIDS
        and Conflict.objects.filter(bid__in=bids).exists()
    )


def _delete_previous(challenge):
    """The draws and bids of the challenge, and every seeded expert with what hangs off it."""
    Seat.objects.filter(
        Q(draw__challenge=challenge) | Q(expert__code__startswith=EXPERT_PREFIX)
    ).delete()
    Draw.objects.filter(challenge=challenge).delete()
    Conflict.objects.filter(challenge=challenge).delete()
    seed_bids._delete_bids(challenge)
    seeded = Expert.objects.filter(code__startswith=EXPERT_PREFIX)
    Conflict.objects.filter(expert__in=seeded).delete()
    Relationship.objects.filter(expert__in=seeded).delete()
    Expert.industries.through.objects.filter(expert__in=seeded).delete()
    # QuerySet.delete() would load the 100,000 experts first (they have PROTECTed relations).
    table = connection.ops.quote_name(Expert._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE code LIKE %s", [f"{EXPERT_PREFIX}%"])  # noqa: S608


# --- Employers, experts, teams, relationships -------------------------------------------------


def _employers(rng, issuer, leads, members):
    """[(credit code, name, weight)]: the issuer, the bid leads, the consortium pool, then
    generic units. Weights give a few employers hundreds of experts and most a handful."""
    units = [(issuer.credit_code, issuer.name)]
    units += [(lead.credit_code, lead.name) for lead in leads]
    units += [(code, name) for name, code in members]
    for n in range(1, EMPLOYERS - len(units) + 1):
        city, brand = rng.choice(CITIES), rng.choice(BRANDS)
        if n % 5 < 2:  # public institutions: universities, institutes
            code = make_credit_code(f"12{EMPLOYER_PREFIX}{n:07d}")
            name = f"{city}{brand}{rng.choice(INSTITUTIONS)}（{n:04d}）"
        else:
            code = make_credit_code(f"91{EMPLOYER_PREFIX}{n:07d}")
            name = f"{city}{brand}{rng.choice(TRADES)}{rng.choice(SUFFIXES)}（{n:04d}）"
        units.append((code, name))
    ranks = list(range(len(units)))
    rng.shuffle(ranks)
    return [(code, name, 1 / (1 + r / 25)) for (code, name), r in zip(units, ranks, strict=True)]


EXPERT_COLUMNS = (
    "code",
    "user_id",
    "name",
    "keywords",
    "employer_name",
    "employer_code",
    "title",
    "expert_type",
    "phone",
    "email",
    "status",
    "created_at",
    "updated_at",
)


def _experts(rng, employers):
    """Write the experts and their industries; return [(id, code, user id, in industry)]."""
    industries = list(Industry.objects.order_by("sort_order"))
    draw_industry = next(i for i in industries if i.code == DRAW_INDUSTRY)
    others = [i for i in industries if i.code != DRAW_INDUSTRY]
    in_industry = set(rng.sample(range(1, EXPERTS + 1), IN_INDUSTRY))
    employer_of = rng.choices(range(len(employers)), [w for *_, w in employers], k=EXPERTS)
    # Every bid lead employs three experts of the draw industry, half the consortium pool
    # one: a freeze always finds "employed by a bidder" conflicts.
    drawable = sorted(in_industry)
    rng.shuffle(drawable)
    targets = [1 + n // 3 for n in range(3 * DRAW_BIDS)]
    targets += [1 + DRAW_BIDS + n for n in range(0, MEMBER_POOL, 2)]
    for number, target in zip(drawable, targets, strict=False):
        employer_of[number - 1] = target
    titles, types, statuses = (_picks(rng, mix, EXPERTS) for mix in (TITLES, TYPES, STATUSES))
    accounts = _expert_accounts(rng, in_industry)
    now = timezone.now()
    rows, links = [], []
    for number in range(1, EXPERTS + 1):
        code = f"{EXPERT_PREFIX}{number:06d}"
        credit_code, employer, _weight = employers[employer_of[number - 1]]
        if number in in_industry:
            chosen = [draw_industry, *([rng.choice(others)] if rng.random() < 0.3 else [])]
        else:
            chosen = rng.sample(others, rng.randint(1, 2))
        objects = SUBJECTS.get(chosen[0].code, GENERIC)[0]
        user_id, email = accounts.get(number, (None, f"{code.lower()}@experts.example.invalid"))
        rows.append(
            (
                code,
                user_id,
                seed_bids._person(rng),
                "、".join(rng.sample(objects, rng.randint(1, 3))),
                employer,
                credit_code,
                titles[number - 1],
                types[number - 1],
                f"139{number:08d}",
                email,
                statuses[number - 1],
                now,
                now,
            )
        )
        links.append(chosen)
    _copy(Expert, EXPERT_COLUMNS, rows)
    ids = dict(Expert.objects.filter(code__startswith=EXPERT_PREFIX).values_list("code", "id"))
    _copy(
        Expert.industries.through,
        ("expert_id", "industry_id"),
        [
            (ids[row[0]], industry.pk)
            for row, chosen in zip(rows, links, strict=True)
            for industry in chosen
        ],
    )
    return [
        (ids[row[0]], row[0], row[1], number in in_industry)
        for number, row in enumerate(rows, start=1)
    ]


def _picks(rng, mix, count):
    return rng.choices([value for value, _ in mix], [weight for _, weight in mix], k=count)


def _expert_accounts(rng, in_industry):
    """{expert number: (user id, e-mail)} for ``ACCOUNT_SHARE`` of the draw industry's experts."""
    numbers = sorted(n for n in in_industry if rng.random() < ACCOUNT_SHARE)
    names = [f"bench-expert-{n:06d}" for n in numbers]
    users = seed_bids._users(names, random.Random(4))  # noqa: S311
    return {n: (u.pk, u.email) for n, u in zip(numbers, users, strict=True)}


def _teams(rng, bids, experts):
    """2–3 core members per bid (half with an account); every fifth bid names an expert
    of the draw industry. Returns the team members' user ids per bid."""
    count = sum(1 for n in range(len(bids)) for _ in range(2 + n % 2))
    users = seed_bids._users(
        [f"drawbench-member-{n:03d}" for n in range(1, count + 1)],
        random.Random(5),  # noqa: S311
    )
    with_account = [e for e in experts if e[3] and e[2]]
    rows, by_bid, next_user = [], {}, iter(users)
    for n, bid in enumerate(bids):
        ids = by_bid.setdefault(bid.pk, [bid.pi_id])
        for position in range(1, 3 + n % 2):
            user = next(next_user)
            linked = user if rng.random() < 0.5 else None
            rows.append(
                TeamMember(
                    bid=bid,
                    position=position,
                    name=user.full_name,
                    title=rng.choice(["副教授", "高级工程师", "助理研究员", "工程师"]),
                    employer=bid.lead.name,
                    employer_code=bid.lead.credit_code,
                    role=TeamMember.Role.CORE,
                    user=linked,
                )
            )
            if linked:
                ids.append(linked.pk)
        if n % 5 == 0:
            _id, code, user_id, _in = rng.choice(with_account)
            rows.append(
                TeamMember(
                    bid=bid,
                    position=9,
                    name=f"专家 {code}",
                    employer=bid.lead.name,
                    employer_code=bid.lead.credit_code,
                    role=TeamMember.Role.MEMBER,
                    user_id=user_id,
                )
            )
    TeamMember.objects.bulk_create(rows)
    return by_bid


def _relationships(rng, experts, employers, bids, team_users):
    """Targeted ties to every bid (lead, consortium, PI, team), then random ones."""
    today = timezone.localdate()
    drawable = [e[0] for e in experts if e[3]]
    everyone = [e[0] for e in experts]
    columns = (
        "expert_id",
        "kind",
        "person_id",
        "person_name",
        "organization_code",
        "organization_name",
        "starts_on",
        "ends_on",
        "note",
    )
    people = dict(
        User.objects.filter(
            Q(username__startswith="bench-pi-")
            | Q(username__startswith="bench-expert-")
            | Q(username__startswith="drawbench-")
        ).values_list("id", "full_name")
    )
    person_ids = sorted(people)
    rows = []

    def organisational(expert_id, kind, code, name, ends_on):
        starts = (ends_on or today) - timedelta(days=rng.randint(365, 3650))
        rows.append((expert_id, kind, None, "", code, name, starts, ends_on, NOTE))

    def personal(expert_id, kind, person_id):
        rows.append((expert_id, kind, person_id, people[person_id], "", "", None, None, NOTE))

    consortium = {}
    for bid in bids:
        consortium[bid.pk] = list(bid.consortium.values_list("credit_code", "name"))
    for bid in bids:
        lead = bid.lead
        for _ in range(2):
            organisational(
                rng.choice(drawable),
                Relationship.Kind.EMPLOYMENT,
                lead.credit_code,
                lead.name,
                today - timedelta(days=rng.randint(30, 900)),
            )
        if consortium[bid.pk]:
            code, name = rng.choice(consortium[bid.pk])
            organisational(rng.choice(drawable), Relationship.Kind.DIRECTORSHIP, code, name, None)
        personal(rng.choice(drawable), Relationship.Kind.ADVISOR, bid.pi_id)
        if len(team_users[bid.pk]) > 1:
            personal(rng.choice(drawable), Relationship.Kind.COAUTHOR, team_users[bid.pk][1])
    while len(rows) < RELATIONSHIPS:
        expert_id = rng.choice(everyone)
        if rng.random() < 0.65:
            code, name, _weight = rng.choice(employers)
            kind = (
                Relationship.Kind.EMPLOYMENT
                if rng.random() < 0.7
                else Relationship.Kind.DIRECTORSHIP
            )
            ended = None if rng.random() < 0.25 else today - timedelta(days=rng.randint(30, 3650))
            organisational(expert_id, kind, code, name, ended)
        else:
            personal(expert_id, rng.choice(Relationship.PERSONAL), rng.choice(person_ids))
    _copy(Relationship, columns, rows)


def _copy(model, columns, rows):
    """Insert ``rows`` (tuples of database values for the fields named by ``columns``,
    attribute names) with COPY on PostgreSQL: one statement, no model instances, several
    times faster than bulk_create. Elsewhere bulk_create. Every NOT NULL column must be
    given (COPY knows no Django defaults)."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=2000
        )
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
    statement = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _analyze(*models):
    """VACUUM ANALYZE: the steady state autovacuum reaches (a draw rewrites conflicts)."""
    command = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    models = models or (
        Expert,
        Expert.industries.through,
        Relationship,
        Conflict,
        User,
        Bid,
        TeamMember,
    )
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")


# --- Scenarios: draws on the draw challenge ----------------------------------------------------


def run_draw(*, challenge, officer, supervisor, bureau_secret, supervisor_secret):
    """create → both commits → freeze → both reveals (the second selects and invites)."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    draw = services.draw_create(
        challenge=challenge,
        by=officer,
        public_value_source=f"cwl-3d:{tomorrow.isoformat()}",
        # The benchmark draws the same challenge again and again: each redraw states why.
        redraw_reason="基准测试：同一榜单重复抽取以计时",
    )
    services.draw_commit(
        draw=draw,
        by=officer,
        party="bureau",
        commitment=draw_commitment(draw, "bureau", bureau_secret),
    )
    services.draw_commit(
        draw=draw,
        by=supervisor,
        party="supervisor",
        commitment=draw_commitment(draw, "supervisor", supervisor_secret),
    )
    services.draw_freeze(draw=draw, by=officer)
    services.draw_reveal(draw=draw, by=officer, party="bureau", secret=bureau_secret)
    draw = services.draw_reveal(
        draw=draw, by=supervisor, party="supervisor", secret=supervisor_secret
    )
    draw = services.draw_set_public_value(draw=draw, by=officer, value="483")
    if draw.status != DrawStatus.COMPLETED:
        raise SystemExit(f"draw {draw.pk} ended {draw.status}, not completed")
    return draw


def prepare_draws(count):
    """``count`` argument sets for ``run_draw``: fresh objects and secrets each.

    Cancels a draw an interrupted run left open (it would be returned by
    ``draw_create`` instead of a new one) and deletes the finished draws but the
    latest completed one, so that the draws and seats tables stay the same size;
    then vacuums what draws rewrite (every freeze deletes and reinserts the bid
    conflicts), as autovacuum would between two real draws.
    """
    challenge = Challenge.objects.get(ocid=DRAW_OCID)
    for draw in Draw.objects.filter(challenge=challenge, status__in=ACTIVE_DRAW_STATUSES):
        services.draw_cancel(draw=draw, by=draw.bureau_officer, reason="基准测试：清理未完成的抽取")
    keep = _latest_completed(challenge)
    old = Draw.objects.filter(challenge=challenge).exclude(pk=getattr(keep, "pk", None))
    Seat.objects.filter(draw__in=old).delete()
    old.delete()
    _analyze(Conflict, Draw, Seat)
    return [
        {
            "challenge": Challenge.objects.get(pk=challenge.pk),
            "officer": User.objects.get(username=seed_bids.OFFICER),
            "supervisor": User.objects.get(username=SUPERVISOR),
            "bureau_secret": secrets.token_hex(16),
            "supervisor_secret": secrets.token_hex(16),
        }
        for _ in range(count)
    ]


def _latest_completed(challenge):
    return (
        Draw.objects.filter(challenge=challenge, status=DrawStatus.COMPLETED)
        .select_related("challenge")
        .order_by("-completed_at")
        .first()
    )


def completed_draw():
    """The latest completed draw on the draw challenge (one is run if there is none)."""
    challenge = Challenge.objects.get(ocid=DRAW_OCID)
    draw = _latest_completed(challenge)
    if draw is None:
        run_draw(**prepare_draws(1)[0])
        draw = _latest_completed(challenge)
    return draw


def select_panel(*, seed, pool, params, algorithm, expected):
    """What the platform computes once the seed is known: rank the frozen pool, select."""
    ranked = algo.rank(seed, pool)
    chosen = algo.select(pool, ranked, params, algorithm=algorithm)
    if chosen != expected:
        raise SystemExit("the selection differs from the draw's seats")
    return chosen


def prepare_selection(count):
    draw = completed_draw()
    data = services.bundle(draw)
    expected = (data["panel"], data["alternates"])
    return [
        {
            "seed": draw.seed,
            "pool": draw.pool,
            "params": draw.params,
            "algorithm": draw.algorithm,
            "expected": expected,
        }
        for _ in range(count)
    ]


def run_verifier(*, path):
    """``python review/verify_draw.py bundle.json`` in a new process, as a third party runs it."""
    result = subprocess.run(  # noqa: S603  (our interpreter, our file)
        [sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"verifier exit {result.returncode}: {result.stdout}{result.stderr}")


def prepare_verifier(count):
    """The bundle of the latest completed draw, written as ``draw_bundle`` writes it."""
    draw = completed_draw()
    data = json.dumps(services.bundle(draw), ensure_ascii=False, indent=1, sort_keys=True)
    BUNDLE.parent.mkdir(parents=True, exist_ok=True)
    BUNDLE.write_text(data, encoding="utf-8")
    return [{"path": BUNDLE} for _ in range(count)]
