"""The supplementary agreement (补充协议) of a horse race (DOMAIN §6 "added"): when a parallel
project is eliminated, bounty gives the continuation amount to each survivor as new
tranches and sends ``continuation_awarded``; here each survivor's contract gets a generated
补充协议 through the one pipeline (stored once, SHA-256, never overwritten). The three parties
sign it in the contract's order (``supplement_signing.py``, issue 17); the last signature puts
it in force, which makes the continuation tranche due. (A supplement generated before the
signing flow existed has no ``Supplement`` row: it was in force once READY,
``on_supplement_ready``.)"""

from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from accounts.selectors import bureau_organization
from bounty.models import TrancheStatus
from bounty.projects.horse_race import continuation_fall_due

from .capital import capital_wan
from .contracts import PARTY_LABELS, _amount, _party
from .models import Contract, DocumentKind, Party
from .services import cn_date, document_request, series_code


def supplement_snapshot(*, contract, eliminated, share, total, survivors, reason) -> dict:
    """Everything the 补充协议 shows, as plain data, in Chinese."""
    project = contract.project
    challenge = project.challenge
    new_total = project.tranches.exclude(status=TrancheStatus.CANCELLED).aggregate(s=Sum("amount"))[
        "s"
    ] or Decimal(0)
    return {
        "supplement": {
            "contract_number": contract.number,
            "ocid": challenge.ocid,
            "challenge_title": challenge.title,
            "eliminated_team": eliminated.bid.lead.name,
            "eliminated_on": cn_date(timezone.localdate()),
            "reason": reason,
            "continuation_total": _amount(total),
            "survivors_count": survivors,
            "amount": _amount(share["amount"]),
            "amount_capital": capital_wan(share["amount"]),
            "enterprise_part": _amount(share["enterprise_part"]),
            "government_part": _amount(share["government_part"]),
            "tranches": [
                {"label": t.label, "condition": t.condition, "amount": _amount(t.amount)}
                for t in share["tranches"]
            ],
            "new_total": _amount(new_total),
            "new_total_capital": capital_wan(new_total),
            "parties": [
                _party(challenge.issuer, PARTY_LABELS[Party.ISSUER]),
                _party(project.lead_unit, PARTY_LABELS[Party.TEAM]),
                _party(bureau_organization(), PARTY_LABELS[Party.BUREAU]),
            ],
        }
    }


def supplement_request(*, contract, eliminated, share, total, survivors, reason, by=None):
    """Queue the 补充协议 of one survivor's contract (inside the elimination's transaction);
    the parties then sign it (``supplement_signing.supplement_sign``)."""
    from .models import Supplement

    challenge = contract.project.challenge
    series = series_code(DocumentKind.SUPPLEMENT, contract.number)
    Supplement.objects.get_or_create(contract=contract, change=None, series=series)
    return document_request(
        kind=DocumentKind.SUPPLEMENT,
        subject=contract,
        series=series,
        public_label=f"{contract.number} · {challenge.ocid} · {challenge.title}",
        snapshot=supplement_snapshot(
            contract=contract,
            eliminated=eliminated,
            share=share,
            total=total,
            survivors=survivors,
            reason=reason,
        ),
        by=by,
    )


def on_continuation_awarded(sender, eliminated, survivors, total, reason, by=None, **kwargs):
    """bounty.signals.continuation_awarded: one 补充协议 per surviving project."""
    contracts = {
        c.project_id: c
        for c in Contract.objects.filter(
            project__in=[s["project"] for s in survivors]
        ).select_related("project__bid__lead", "project__challenge__issuer")
    }
    return [
        supplement_request(
            contract=contracts[share["project"].pk],
            eliminated=eliminated,
            share=share,
            total=total,
            survivors=len(survivors),
            reason=reason,
            by=by,
        )
        for share in survivors
        if share["project"].pk in contracts
    ]


def on_supplement_ready(document):
    """A continuation 补充协议 generated before the signing flow (no ``Supplement`` row) is in
    force once READY: its continuation tranche becomes due (bounty.projects.horse_race).
    Every other supplement waits for the three signatures (``supplement_signing``)."""
    from .models import Supplement

    if Supplement.objects.filter(series=document.series).exists():
        return
    contract = Contract.objects.select_related("project").filter(pk=document.subject_id).first()
    if contract is not None:
        continuation_fall_due(contract.project)


def sample_supplement() -> dict:
    """Preview data for the template editor."""
    return {
        "supplement": {
            "contract_number": "HT-2026-000012",
            "ocid": "ocds-jiebang-2026-000001",
            "challenge_title": "高精度伺服电机控制器国产化",
            "eliminated_team": "示范大学",
            "eliminated_on": "2027年6月1日",
            "reason": "中期评估未达到阶段性指标。",
            "continuation_total": "200.0000",
            "survivors_count": 1,
            "amount": "200.0000",
            "amount_capital": capital_wan(Decimal(200)),
            "enterprise_part": "80.0000",
            "government_part": "120.0000",
            "tranches": [
                {"label": "续期资金", "condition": "赛马制淘汰后补充协议生效", "amount": "200.0000"}
            ],
            "new_total": "350.0000",
            "new_total_capital": capital_wan(Decimal(350)),
            "parties": [
                {
                    "role_label": PARTY_LABELS[Party.ISSUER],
                    "name": "示范精密机械有限公司",
                    "credit_code": "",
                },
                {"role_label": PARTY_LABELS[Party.TEAM], "name": "示范研究院", "credit_code": ""},
                {
                    "role_label": PARTY_LABELS[Party.BUREAU],
                    "name": "示范市科学技术局",
                    "credit_code": "",
                },
            ],
        }
    }
