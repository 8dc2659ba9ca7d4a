"""The one "world" the permission matrix (tests/test_permission_matrix.py) runs against.

Every object is made through the real services and the shared test helpers, with ONE
issuer organisation and ONE bidding team across all challenges, so that the roles
"issuer" and "bidder" mean "staff of this object's issuer / bidding team" for every row.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import services as account_services
from accounts.models import OrganizationKind, Role
from accounts.selectors import bureau_organization
from bounty.bids import cure_services
from bounty.bids import services as bid_services
from bounty.challenges import services as bounty_services
from bounty.dueprocess.models import CaseFile, CaseKind, DueProcessCase
from bounty.models import Bid, BidStatus, Challenge, ChallengeStatus, ProjectMilestone
from bounty.projects import services as projects
from bounty.projects.services import project_create_for_award
from documents import contracts
from documents.models import Contract, DocumentTemplate, Party
from documents.services import document_render
from notifications.models import Notification
from review.draw.seats import declaration_record, seat_accept
from review.models import Declaration, Expert, Seat, SeatStatus
from tests.bounty.bids.helpers import PDF, complete_bid, team
from tests.bounty.bids.ineligibility import find_ineligible
from tests.bounty.helpers import draft, force_deadline, issuer_with_org, published
from tests.factories import (
    OrganizationFactory,
    UserFactory,
    bureau_officer,
    make_meeting,
    member_of,
    next_credit_code,
)
from tests.review.draw.helpers import make_expert, run_draw, supervisor

PASSWORD = "pw-for-tests-1"  # tests/factories.UserFactory

ROLES = (
    "anonymous",
    "other",  # staff (issuer + bidder roles) of organisations unrelated to every object
    "issuer",  # issuer staff of every challenge in the world
    "bidder",  # bidder staff of the lead unit of every bid of the team
    "expert_out",  # an expert with an account, drawn as an alternate: not on the panel
    "expert_accepted",  # on the panel, accepted the invitation, declared nothing yet
    "expert_declared",  # on the panel, accepted, declared no conflict with every bid
    "bureau",
    "supervisor",
    "superuser",  # is_superuser + is_staff, no membership: the site must not favour it
    # The three administrators (三员): admin-site accounts with no business role.
    "sysadmin",
    "secadmin",
    "auditadmin",
)


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)
    secrets: dict = field(default_factory=dict)  # text → roles that may read it
    admin_manages: set = field(default_factory=set)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def _changes(project, *, bidder, officer):
    """Issue 17: a 备案 (technical route, recorded) and an approved indicator change whose
    补充协议 the team has signed by scan (the issuer's turn)."""
    from bounty.projects import change_services
    from documents.models import Supplement
    from documents.supplement_signing import supplement_sign

    route = change_services.change_request(
        project=project, by=bidder, kind="route", description="备案", data={"route": "新路线"}
    )
    indicator = project.challenge.indicators.order_by("pk").first()
    change = change_services.change_request(
        project=project,
        by=bidder,
        kind="indicators",
        description="调整指标",
        data={"indicators": [{"indicator": indicator.pk, "committed": "97"}]},
    )
    change_services.change_decide(change=change, by=officer, approve=True, comment="同意")
    supplement = Supplement.objects.get(change=change)
    document_render(supplement.current_document().pk)
    signature = supplement_sign(
        supplement=supplement,
        party=Party.TEAM,
        by=bidder,
        method="scan",
        scan=SimpleUploadedFile("s.pdf", PDF, content_type="application/pdf"),
    )
    project.refresh_from_db()
    return {"route_change": route, "supplement": supplement, "supplement_signature": signature}


def _active_project(*, issuer, issuer_org, bidder, team_org, officer):
    """tests/documents/helpers.awarded_contract + tests/bounty/projects/test_services.active_project,
    with the world's issuer and team (those helpers create their own organisations)."""
    challenge = published(issuer, issuer_org, officer, title="已授榜：固态电解质界面")
    pi = member_of(team_org, Role.BIDDER)
    bid = complete_bid(challenge, pi, team_org)
    bid_services.bid_submit(bid=bid, by=pi)
    force_deadline(challenge, timezone.now() - timedelta(days=60))
    Challenge.objects.filter(pk=challenge.pk).update(status=ChallengeStatus.AWARDED)
    Bid.objects.filter(pk=bid.pk).update(status=BidStatus.WINNER)
    project = project_create_for_award(bid=Bid.objects.get(pk=bid.pk))
    contract = Contract.objects.get(project=project)
    for document in contract.current_documents():
        document_render(document.pk)
    contracts.contract_sign(
        contract=contract,
        party=Party.TEAM,
        by=bidder,
        method="scan",
        scan=SimpleUploadedFile("盖章扫描件.pdf", PDF),
    )
    for party, user in ((Party.ISSUER, issuer), (Party.BUREAU, officer)):
        contracts.contract_sign(
            contract=contract, party=party, by=user, method="online", password=PASSWORD
        )
    project.refresh_from_db()
    milestone = project.milestones.order_by("number").first()
    ProjectMilestone.objects.filter(pk=milestone.pk).update(
        due_on=timezone.localdate() + timedelta(days=10)
    )
    projects.milestones_open_reporting()
    report = projects.report_submit(
        milestone=milestone,
        by=bidder,
        text="完成小试，指标达到承诺值。",
        measurements=[
            {"indicator": "循环寿命容量保持率", "committed": "≥ 91 %", "measured": "92 %"}
        ],
        files=[SimpleUploadedFile("测试报告.pdf", PDF)],
    )
    contract.refresh_from_db()
    milestone.refresh_from_db()
    return challenge, bid, project, contract, milestone, report


def build_world() -> World:
    w = World()
    u, o = w.users, w.objects

    officer = bureau_officer()
    u["bureau"] = officer
    u["supervisor"] = supervisor()
    issuer, issuer_org = issuer_with_org()
    issuer_org.licence_name = "营业执照.pdf"
    issuer_org.licence = SimpleUploadedFile("营业执照.pdf", b"%PDF-1.4 licence")
    issuer_org.save()
    u["issuer"], o["issuer_org"] = issuer, issuer_org
    bidder, team_org = team(name="常州大学")
    u["bidder"], o["team_org"] = bidder, team_org

    other_ent = OrganizationFactory(kind="enterprise", verified=True, name="无关企业")
    other = member_of(other_ent, Role.ISSUER, is_admin=True)
    other_uni = OrganizationFactory(kind="university", verified=True, name="无关大学")
    member_of(other_uni, Role.BIDDER, user=other, is_admin=True)
    u["other"], o["other_org"] = other, other_ent
    o["other_uni"] = other_uni

    su = UserFactory(is_superuser=True, is_staff=True)
    u["superuser"] = su
    from tests.factories import administrator

    u["sysadmin"] = administrator("system")
    u["secadmin"] = administrator("security")
    u["auditadmin"] = administrator("audit")

    # A pending organisation (its registrant is nobody's role) with a licence.
    registrant = UserFactory()
    o["pending_org"] = account_services.organization_register(
        by=registrant,
        name="待审核研究院",
        credit_code=next_credit_code("12"),
        kind=OrganizationKind.INSTITUTE,
        role=Role.BIDDER,
        licence=SimpleUploadedFile("licence.pdf", b"%PDF-1.4 licence"),
    )
    o["bureau_org"] = bureau_organization()
    _invitation, o["invitation_token"] = account_services.invitation_create(
        organization=issuer_org, by=issuer, email="new-colleague@example.cn", role=Role.ISSUER
    )

    # A draft challenge.
    o["draft"] = draft(issuer, issuer_org, title="草稿：钠电负极")

    # A published challenge before its deadline with a SEALED submitted bid and a question.
    open_ch = published(issuer, issuer_org, officer, title="开放：高镍正极")
    pi = member_of(team_org, Role.BIDDER)
    sealed = complete_bid(open_ch, pi, team_org)
    bid_services.bid_submit(bid=sealed, by=pi)
    sealed.refresh_from_db()
    o["open"], o["sealed"] = open_ch, sealed
    o["sealed_attachment"] = sealed.attachments.get()
    o["sealed_version"] = sealed.versions.order_by("number").last()
    # A draft bid of the unrelated team on the same challenge: theirs alone.
    o["other_draft"] = complete_bid(open_ch, other, other_uni)
    o["other_draft_attachment"] = o["other_draft"].attachments.get()
    o["question"] = bounty_services.clarification_ask(
        challenge=open_ch, by=bidder, question="是否接受联合体中的境外单位？"
    )

    # A challenge after its deadline: two submitted bids, a completed draw.
    closed = published(issuer, issuer_org, officer, title="截止：隔膜涂覆")
    pi = member_of(team_org, Role.BIDDER)
    closed_bid = complete_bid(closed, pi, team_org)
    bid_services.bid_submit(bid=closed_bid, by=pi)
    rival_user, rival_org = team(name="竞争研究所")
    rival_bid = complete_bid(closed, rival_user, rival_org)
    bid_services.bid_submit(bid=rival_bid, by=rival_user)
    force_deadline(closed, timezone.now() - timedelta(seconds=1))
    # Formal check: the team's bid eligible, the rival's not (the issuer then sees only the
    # eligible one; DOMAIN §3).
    bid_services.formal_check_start(challenge=closed, by=officer)
    bid_services.bid_formal_check(
        bid=closed_bid,
        by=officer,
        checklist=bid_services.auto_checklist(closed_bid),
        eligible=True,
    )
    # The rival was asked for a missing document (补正) and added one (its own receipt), then
    # found ineligible through due process, the decision final (issue 17).
    cure_services.cure_open(bid=rival_bid, by=officer, missing="科研诚信承诺书（签章）")
    o["cure_file"] = cure_services.cure_file_add(
        bid=rival_bid,
        by=rival_user,
        upload=SimpleUploadedFile("承诺书.pdf", PDF, content_type="application/pdf"),
        kind="commitment",
    )
    find_ineligible(rival_bid, officer, reasons="缺少承诺书")
    for _ in range(10):
        make_expert(user=UserFactory())
    draw = run_draw(closed, officer, u["supervisor"], params={"size": 5, "alternates": 3})
    seats = list(draw.seats.select_related("expert__user").order_by("rank"))
    on_panel = [s for s in seats if s.on_panel]
    waiting = [s for s in seats if not s.on_panel and s.status == SeatStatus.WAITING]
    accepted, declared = on_panel[0], on_panel[1]
    seat_accept(seat=accepted, by=accepted.expert.user, undertaking=True)
    seat_accept(seat=declared, by=declared.expert.user, undertaking=True)
    for bid in (closed_bid, rival_bid):
        declaration_record(seat=declared, by=declared.expert.user, bid=bid, outcome="none")
    # Unique names, so the content check can tell where the panel shows.
    for seat, name in (
        (accepted, "评审专家甲"),
        (declared, "评审专家乙"),
        (waiting[0], "候补专家丙"),
    ):
        Expert.objects.filter(pk=seat.expert_id).update(name=name)
    u["expert_out"] = waiting[0].expert.user
    u["expert_accepted"] = accepted.expert.user
    u["expert_declared"] = declared.expert.user
    closed_bid.refresh_from_db()
    rival_bid.refresh_from_db()
    o.update(
        closed=Challenge.objects.get(pk=closed.pk),
        closed_bid=closed_bid,
        closed_attachment=closed_bid.attachments.get(),
        closed_version=closed_bid.versions.order_by("number").last(),
        rival_bid=rival_bid,
        draw=draw,
        seat_accepted=Seat.objects.get(pk=accepted.pk),
        seat_declared=Seat.objects.get(pk=declared.pk),
        seat_waiting=waiting[0],
        declaration=Declaration.objects.get(seat=declared, bid=closed_bid),
    )

    # An awarded challenge, its signed contract and an active project with a report.
    awarded, won_bid, project, contract, milestone, report = _active_project(
        issuer=issuer, issuer_org=issuer_org, bidder=bidder, team_org=team_org, officer=officer
    )
    o.update(
        awarded=Challenge.objects.get(pk=awarded.pk),
        won_bid=won_bid,
        project=project,
        contract=contract,
        contract_document=contract.current_documents()[0],
        scan_signature=contract.signatures.get(party=Party.TEAM),
        milestone=milestone,
        report_attachment=report.attachments.get(),
        template=DocumentTemplate.objects.filter(status="published").order_by("pk").first(),
    )
    o["notification"] = Notification.objects.filter(recipient=issuer).order_by("pk").first()
    # A payment of the enterprise's funds recorded by the issuer with its bank slip, awaiting
    # the team's confirmation (bounty/projects/payment_services.py).
    from bounty.demo_payments import pay

    o["payment"] = pay(project.tranches.get(number=1), "enterprise", by=issuer)
    o.update(_changes(project, bidder=bidder, officer=officer))
    # A collective decision, and a due-process case heard by the team (built directly: the
    # world does not depend on which effects are registered).
    o["meeting"] = make_meeting(by=officer)
    o["case"] = DueProcessCase.objects.create(
        kind=CaseKind.MISCONDUCT,
        subject_type=ContentType.objects.get_for_model(project),
        subject_id=project.pk,
        subject_label=str(project),
        party_org=team_org,
        reasons="拟认定：伪造中期检测报告",
        opened_by=officer,
        opened_at=timezone.now(),
        response_due_at=timezone.now() + timedelta(days=14),
    )
    o["case_file"] = CaseFile.objects.create(
        case=o["case"],
        stage=CaseFile.Stage.EVIDENCE,
        file=SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 evidence"),
        original_name="evidence.pdf",
        size=17,
        sha256="0" * 64,
        uploaded_by=officer,
    )
    # The acceptance dossier (the team's, with a test report; the issuer's user report), and
    # an acceptance result in public notice with one objection — the notice and objection
    # built directly (the world's project stays active for the other rows).
    from bounty.models import AcceptanceNotice, AcceptanceObjection
    from bounty.projects import acceptance
    from bounty.projects.dossier_read import committed_indicators

    indicator = committed_indicators(project)[0][0]
    acceptance.dossier_save(
        project=project,
        by=bidder,
        texts={"technical_summary": "技术总结"},
        reports={indicator.pk: SimpleUploadedFile("检测报告.pdf", PDF)},
    )
    acceptance.user_report_save(project=project, by=issuer, text="用户使用报告")
    o["dossier_file_key"] = f"report-{indicator.pk}"
    o["acceptance_notice"] = AcceptanceNotice.objects.create(
        project=project,
        result="closed_without_pass",
        conclusion="部分指标未达到，予以结题。",
        opened_at=timezone.now(),
        ends_at=timezone.now() + timedelta(days=7),
        recorded_by=officer,
    )
    o["acceptance_objection"] = AcceptanceObjection.objects.create(
        notice=o["acceptance_notice"],
        author=officer,
        text="异议",
        evidence=SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 evidence"),
        evidence_name="evidence.pdf",
        evidence_sha256="0" * 64,
    )
    # Text that must not appear in any page served to a role outside the set.
    w.secrets = {
        sealed.reference: {"bidder"},  # a sealed bid: the team only
        rival_bid.reference: {"bureau"},  # ineligible: not the issuer, nor the panel
        "评审专家甲": {"bureau", "supervisor", "expert_accepted"},  # the panel
        "评审专家乙": {"bureau", "supervisor", "expert_declared"},
        o["draft"].title: {"issuer", "bureau"},  # drafts: the issuer's staff and the bureau
        o["other_draft"].reference: {"other"},  # a draft bid: its team only
        o["pending_org"].name: {"bureau"},  # a pending organisation (its registrant aside)
    }
    # Secrets the admin shows by design: the audit trail names drafts and pending
    # organisations (never sealed bids), and the audit administrator reads the trail.
    w.admin_manages = {o["draft"].title, o["pending_org"].name}
    return w
