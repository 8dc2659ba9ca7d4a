"""Demo expert pool and one completed draw (called by ``seed_demo``; idempotent)."""

from accounts.credit_code import make_credit_code
from accounts.models import User
from bounty.models import Challenge, ChallengeStatus, Industry

from . import services
from . import verify_draw as algo
from .models import Draw, Expert

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = [
    "建华",
    "丽娟",
    "志明",
    "海涛",
    "晓燕",
    "国强",
    "文静",
    "振宇",
    "思远",
    "雪梅",
    "立新",
    "春华",
]
EMPLOYERS = [
    ("南京大学", "12100000466006304"),
    ("东南大学", "12100000466006312"),
    ("江南大学", "12320000466008440"),
    ("苏州大学", "12320000466008459"),
    ("中国科学院宁波材料所", "12100000400006212"),
    ("上海交通大学", "12100000425005233"),
    ("浙江大学", "12100000470095016"),
    ("江苏省产业技术研究院", "12320000MB0C12345"),
    ("中国汽车技术研究中心", "12100000400004765"),
    ("常州市会计师协会", "51320400MJ5L00011"),
    ("天职国际会计师事务所", "91110108MA00AAAA1"),
    ("苏州纳米所", "12100000400008787"),
]
PASSWORD = "demo-2026"


def seed(context):
    if Expert.objects.filter(code__startswith="D").exists():
        return ""
    industries = list(Industry.objects.all())
    n = 0
    for industry in industries:
        for i in range(16):
            n += 1
            name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)]
            employer, prefix = EMPLOYERS[n % len(EMPLOYERS)]
            kind = "financial" if i in (9, 13) else ("management" if i == 10 else "technical")
            expert = Expert.objects.create(
                code=f"D{n:05d}",
                name=name,
                employer_name=employer,
                employer_code=make_credit_code(prefix[:17]),
                title=["senior", "associate", "intermediate"][i % 3],
                expert_type=kind,
                keywords=industry.name_zh,
                email=f"expert{n:03d}@demo.jiebang.local",
            )
            expert.industries.add(industry)
    # Accounts for the pool of the challenge in formal check, so drawn experts can log in.
    challenge = Challenge.objects.filter(status=ChallengeStatus.FORMAL_CHECK).first()
    if challenge is None:
        return f"{n} experts"
    for expert in Expert.objects.filter(industries=challenge.industry_id, user__isnull=True):
        user = User.objects.create_user(
            username=f"expert{expert.code[1:]}",
            email=expert.email,
            password=PASSWORD,
            full_name=expert.name,
        )
        expert.user = user
        expert.save(update_fields=["user"])
    officer = context["officer"]
    supervisor = context["supervisor"]
    draw = services.draw_create(challenge=challenge, by=officer)
    services.draw_commit(
        draw=draw, by=officer, party="bureau", commitment=algo.commitment("demo-officer-secret")
    )
    services.draw_commit(
        draw=draw,
        by=supervisor,
        party="supervisor",
        commitment=algo.commitment("demo-supervisor-secret"),
    )
    services.draw_freeze(draw=draw, by=officer)
    services.draw_reveal(draw=draw, by=officer, party="bureau", secret="demo-officer-secret")
    services.draw_reveal(
        draw=draw, by=supervisor, party="supervisor", secret="demo-supervisor-secret"
    )
    draw = Draw.objects.get(pk=draw.pk)
    first = draw.seats.filter(on_panel=True).select_related("expert__user").order_by("rank").first()
    services.seat_decline(seat=first, by=first.expert.user, reason="时间冲突")
    logins = ", ".join(
        draw.seats.filter(on_panel=True, status="invited").values_list(
            "expert__user__username", flat=True
        )
    )
    return (
        f"{n} experts; draw #{draw.pk} completed; invited experts (password {PASSWORD}): {logins}"
    )
