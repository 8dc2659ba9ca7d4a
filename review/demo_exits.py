"""Demo of the award's exits (issue 16, points 5–7), called by ``review.demo``'s
``seed_after`` once documents' seed has signed the other demo contracts; idempotent by
title. Four more challenges go through the same draw, scoring and award as the other
review demos (``review.demo.seed_review_demos``, passed in), with four more bidding teams
(each demo team already leads the three bids a call allows), then each takes one exit
through the real services:

- 动力电池低温快充: under review, the panel complete (the proposal deadline shows on the
  ranking page) and the issuer's request to declare no award (流榜) waiting for the bureau;
- 油冷电机: awarded, the winner let the signing deadline pass, a second bid passed — the
  bureau can choose 递补 by hand on the signing page;
- 复合材料上盖: the same, with 递补 done: contract void, project not signed, the team's
  signing default on record, the next bid in its short public notice;
- 空压机轴承: a horse race (赛马制), one team eliminated — its unpaid tranches cancelled, the
  continuation given to the survivor by a generated 补充协议.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts.management.commands.seed_demo import _org, _user
from accounts.models import OrganizationKind, Role
from bounty.demo_payments import pay_due_tranches
from bounty.meetings.demo import demo_meeting
from bounty.models import Challenge, Project
from bounty.projects import closing
from documents.demo import render_demo_documents, sign_demo_contract
from documents.models import Contract, Document, DocumentKind
from review.award import exits, signing

EXIT_TEAMS = [
    (
        "team7",
        "黄伟",
        "常州工学院",
        "Changzhou Institute of Technology",
        OrganizationKind.UNIVERSITY,
        "12320400466009117",
    ),
    (
        "team8",
        "徐静",
        "江苏理工学院",
        "Jiangsu University of Technology",
        OrganizationKind.UNIVERSITY,
        "12320000466010236",
    ),
    (
        "team9",
        "马超",
        "常州市新能源汽车电驱动技术研究院",
        "Changzhou EV Electric Drive Research Institute",
        OrganizationKind.NEW_RD,
        "52320400MJ5L23456",
    ),
    (
        "team10",
        "胡敏",
        "常州博瑞汽车零部件有限公司",
        "Changzhou Borui Auto Parts Co., Ltd.",
        OrganizationKind.ENTERPRISE,
        "91320412MA1Q7R8T9",
    ),
]
DECLINED = "动力电池低温快充负极材料开发"
EXPIRED = "电驱动系统油冷电机绝缘可靠性提升"
SUBSTITUTED = "电池包轻量化复合材料上盖开发"
RACE = "燃料电池空压机高速轴承寿命提升"
EXIT_DEMOS = [
    (DECLINED, "scored"),
    (EXPIRED, "awarded"),
    (SUBSTITUTED, "awarded"),
    (RACE, "awarded"),
]


def exit_teams(officer):
    """The four extra bidding teams (user, organisation), created once."""
    teams = []
    for username, person, name, name_en, kind, prefix in EXIT_TEAMS:
        user = _user(username, person)
        teams.append((user, _org(name, name_en, prefix, kind, user, Role.BIDDER, officer)))
    return teams


def seed_exits(context, *, review, first):
    """``review``: ``review.demo.seed_review_demos`` (draw, scoring, award of the other
    review demos); ``first``: the number of those demos, so that PI usernames (pi-N-K) and
    draw secrets stay unique. Returns a line for seed_demo's output, empty when everything
    existed."""
    if Challenge.objects.filter(title=RACE).exists():
        return ""
    officer = context["officer"]
    teams = exit_teams(officer)
    review({**context, "teams": teams}, demos=EXIT_DEMOS, horse_races=(RACE,), first=first)
    issuer = context["issuers"][0][0]
    challenges = {c.title: c for c in Challenge.objects.filter(title__in=dict(EXIT_DEMOS))}
    exits.award_decline_request(
        challenge=challenges[DECLINED],
        by=issuer,
        reasons="集团调整低温快充技术路线，相关需求并入总部统一研发计划；"
        "经公司技术委员会研究，申请本榜单不予授榜。",
    )
    for title in (EXPIRED, SUBSTITUTED):
        project = Project.objects.get(challenge=challenges[title])
        render_demo_documents(project.contract.current_documents())
        # TIME shortcut (demo only): the award and the contract documents are backdated
        # past the signing deadline (JIEBANG["SIGNING_DUE_DAYS"], counted from the moment
        # the documents were ready), as if the winner had let it pass unsigned.
        days = settings.JIEBANG["SIGNING_DUE_DAYS"] + 2
        Project.objects.filter(pk=project.pk).update(
            created_at=timezone.now() - timedelta(days=days)
        )
        Document.for_subject(project.contract).update(
            ready_at=timezone.now() - timedelta(days=days)
        )
    signing.signing_default_substitute(
        project=Project.objects.get(challenge=challenges[SUBSTITUTED]),
        by=officer,
        reason="中标单位在签约期限内未签订任务合同，按评审排名由下一通过评审的申报递补。",
        meeting=demo_meeting(officer),
    )
    _eliminate(challenges[RACE], officer)
    return (
        "exits: 流榜 request waiting, a winner past its signing deadline, 递补 in notice, "
        "a horse race with one team eliminated; new teams (password "
        f"{context['password']}): " + ", ".join(row[0] for row in EXIT_TEAMS)
    )


def _eliminate(challenge, officer):
    """Both parallel contracts signed and the first payments made; the weaker team is
    eliminated at the mid-term comparison and the survivor's 补充协议 is rendered."""
    race = list(
        Project.objects.filter(challenge=challenge).select_related("bid").order_by("bid_id")
    )
    for project in race:
        sign_demo_contract(Contract.objects.get(project=project))
        pay_due_tranches(project, officer=officer)
    closing.project_terminate(
        project=race[-1],
        by=officer,
        outcome="eliminated",
        reason="赛马制中期比选：轴承台架寿命试验仅达 8000 小时，落后于并行团队，予以淘汰。",
        meeting=demo_meeting(officer),
    )
    render_demo_documents(Document.objects.filter(kind=DocumentKind.SUPPLEMENT))
