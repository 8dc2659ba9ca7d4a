"""Challenges built through the real services (for service and view tests)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from bounty.challenges import services
from bounty.models import Challenge, Industry
from tests.factories import OrganizationFactory, bureau_officer, member_of


def complete_data(**overrides):
    data = {
        "title": "高镍正极材料循环寿命提升",
        "industry": Industry.objects.get_or_create(
            code="new-energy", defaults={"name_zh": "新能源", "name_en": "New energy"}
        )[0],
        "problem": "现有高镍三元正极在 45℃ 下循环 1000 次后容量保持率不足 80%。",
        "deliverable": "工艺包与 10 kg 级样品",
        "bounty_total": Decimal("800.00"),
        "enterprise_funds": Decimal("600.00"),
        "government_funds": Decimal("200.00"),
        "period_months": 24,
        "bid_deadline": timezone.now() + timedelta(days=45),
        "eligibility": "具有独立法人资格的高校、科研院所或企业",
        "consortium_allowed": True,
        "max_consortium_members": 4,
        "winners_allowed": 1,
        "ip_terms": "shared",
        "ip_terms_detail": "",
        "confidentiality": "public",
        "contact_name": "王工",
        "contact_phone": "0519-88888888",
        "contact_email": "wang@example.cn",
    }
    data.update(overrides)
    return data


INDICATORS = [
    {
        "name": "循环寿命容量保持率",
        "comparator": "gte",
        "target_value": Decimal("90"),
        "target_upper": None,
        "unit": "%",
        "test_method": "45℃ 1C/1C 1000 次",
    },
    {
        "name": "比容量",
        "comparator": "gte",
        "target_value": Decimal("210"),
        "target_upper": None,
        "unit": "mAh/g",
        "test_method": "0.1C",
    },
]


def issuer_with_org():
    org = OrganizationFactory(kind="enterprise", verified=True, name="常州新能源电池有限公司")
    return member_of(org, "issuer", is_admin=True), org


def draft(issuer=None, org=None, **overrides):
    if issuer is None:
        issuer, org = issuer_with_org()
    return services.challenge_create(
        by=issuer, issuer=org, data=complete_data(**overrides), indicators=INDICATORS
    )


def published(issuer=None, org=None, officer=None, *, take_shares_now=True, **overrides):
    challenge = draft(issuer, org, **overrides)
    issuer = issuer or challenge.created_by
    officer = officer or bureau_officer()
    services.challenge_submit(challenge=challenge, by=issuer)
    for decision in ("start_vetting", "approve", "publish"):
        services.challenge_decide(challenge=challenge, by=officer, decision=decision)
    challenge = Challenge.objects.get(pk=challenge.pk)
    if take_shares_now:  # sealed (BID_SEALING on): the holders take their shares
        take_shares(challenge, officer)
    return challenge


def force_deadline(challenge, when, *, open_sealed=True):
    """Move the deadline (tests only: simulates time passing). A sealed challenge whose
    shares the helpers took (``published``) is opened once the deadline is past, as the
    holders would at the opening ceremony (bounty/sealing)."""
    Challenge.objects.filter(pk=challenge.pk).update(bid_deadline=when)
    challenge.refresh_from_db()
    if open_sealed and when <= timezone.now() and challenge.pk in SHARES:
        from bounty.sealing.opening import opening_perform, opening_required

        officer, texts, public_key = SHARES[challenge.pk]
        key = getattr(challenge, "sealing_key", None)
        if key is not None and key.public_key == public_key and opening_required(challenge):
            opening_perform(challenge=challenge, by=officer, shares=texts)
    return challenge


# challenge pk → (the publishing officer, the share texts, the public key) of sealed
# challenges published by the helpers.
SHARES = {}


def take_shares(challenge, officer):
    """Take every share of a sealed challenge's key (share 1: the publishing officer; the
    others: a new supervisor / officer each) and remember them for ``force_deadline``."""
    from accounts.models import Organization, OrganizationKind, Role
    from bounty.models import KeyShare
    from bounty.sealing.services import share_take

    texts = []
    for share in KeyShare.objects.filter(key__challenge=challenge).order_by("index"):
        holder = share.holder
        if holder is None and share.role == Role.SUPERVISOR:
            bureau = Organization.objects.filter(kind=OrganizationKind.BUREAU).first()
            holder = member_of(bureau, Role.SUPERVISOR)
        elif holder is None:
            holder = bureau_officer()
        texts.append(share_take(share=share, by=holder))
    if texts:
        SHARES[challenge.pk] = (officer, texts, challenge.sealing_key.public_key)
    return texts
