"""Demo of changes (变更, issue 17) on the running demo project (``demo._run_first_milestone``):
a 备案 of the technical route acknowledged by the bureau, and an approved indicator change
whose 补充协议 is rendered and signed by the three parties (the change is in force)."""

from accounts.management.commands.seed_demo import PASSWORD
from bounty.projects import change_services

from .models import Party, Signature, Supplement
from .services import document_render
from .supplement_signing import supplement_sign


def changes_demo(contract, signer, *, password=PASSWORD):
    """``signer(contract, party)``: the demo user signing for a party."""
    project = contract.project
    project.refresh_from_db()
    team, officer = signer(contract, Party.TEAM), signer(contract, Party.BUREAU)
    route = change_services.change_request(
        project=project,
        by=team,
        kind="route",
        description="样件测试表明干法工艺能耗更低，按技术路线变更备案。",
        data={"route": "由湿法包覆改为干法包覆，辅以低温烧结；关键设备不变。"},
    )
    change_services.change_acknowledge(change=route, by=officer, comment="已备案。")
    indicator = project.challenge.indicators.order_by("pk").first()
    if indicator is None:
        return
    change = change_services.change_request(
        project=project,
        by=team,
        kind="indicators",
        description="用户提出更高要求，团队承诺提高该项指标。",
        data={
            "indicators": [{"indicator": indicator.pk, "committed": _raised(project, indicator)}]
        },
    )
    change_services.change_decide(
        change=change, by=officer, approve=True, comment="同意提高承诺值。"
    )
    supplement = Supplement.objects.get(change=change)
    document_render(supplement.current_document().pk)
    for party in (Party.TEAM, Party.ISSUER, Party.BUREAU):
        supplement_sign(
            supplement=supplement,
            party=party,
            by=signer(contract, party),
            method=Signature.Method.ONLINE,
            password=password,
        )


def _raised(project, indicator):
    from decimal import Decimal

    from bounty.projects.changes import committed_values

    current = Decimal(committed_values(project).get(indicator.pk) or indicator.target_value)
    return format(current + 1, "f")
