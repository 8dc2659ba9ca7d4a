"""A call (批次) end to end in zh-Hans, in a real browser (issue 19): the bureau prepares a
call and opens its needs collection; an enterprise puts a need into the call with its
qualification facts; its district bureau (武进区) recommends it to the city; the city starts
vetting and draws a need-vetting panel (需求论证) with the verifiable draw; the three experts
give their structured opinions; the officer sees them and approves; the collection closes
and the whole list is published at once, with the call's bid deadline and its 发榜公告.

SETUP uses factories for the accounts and organisations (verified, as the bureau would
have them) and for the experts of the pool."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bounty.models import Call, Challenge, ChallengeStatus
from documents.models import Document
from tests.e2e.browser import click, nav, sha256_hex
from tests.factories import OrganizationFactory, UserFactory, bureau_officer, member_of
from tests.review.draw.helpers import make_expert, supervisor

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "钠离子电池硬碳负极低成本制备"
CALL = "2027年度第一批揭榜挂帅技术需求征集"


def commit_in_browser(page):
    """Draw v3: the secret is made by the browser; returns it (the test reveals it later)."""
    click(page, "生成随机秘密值")
    secret = page.get_by_label("您的秘密值（仅保存在本浏览器中，请自行记录）").input_value()
    prefix = page.locator("[data-commit]").get_attribute("data-prefix")
    expect(page.locator("[name=commitment]")).to_have_value(sha256_hex(prefix + secret))
    click(page, "提交承诺值")
    return secret


def test_call_journey(journey, settings):
    settings.JIEBANG = {**settings.JIEBANG, "DISTRICT_RECOMMENDATION": True}
    # SETUP: the city's officer and supervisor, a district bureau with its officer, an
    # enterprise of that district, and three new-energy experts with accounts.
    officer = bureau_officer()
    sup = supervisor()
    wujin = OrganizationFactory(
        kind="district_bureau",
        verified=True,
        name="常州市武进区科学技术局",
        jurisdiction="武进区",
        region_code="320412",
    )
    district_officer = member_of(wujin, "district", is_admin=True)
    issuer_org = OrganizationFactory(
        kind="enterprise", verified=True, name="武进新能源材料有限公司", district=wujin
    )
    issuer = member_of(issuer_org, "issuer", is_admin=True)
    experts = [make_expert(user=UserFactory()) for _ in range(3)]

    j = journey("calls-zh")
    as_bureau = j.actor(officer)

    # 1. The bureau prepares the call and opens its needs collection.
    nav(as_bureau, "批次管理")
    j.shot(as_bureau, "bureau-calls-empty")
    click(as_bureau, "新建批次")
    now = timezone.localtime()
    as_bureau.fill("[name=name]", CALL)
    as_bureau.fill("[name=year]", "2027")
    as_bureau.fill("[name=batch]", "1")
    for field, days in (("needs_opens_at", -1), ("needs_closes_at", 20), ("bids_close_at", 90)):
        moment = now + timedelta(days=days)
        as_bureau.fill(f"[name={field}]", moment.strftime("%Y-%m-%dT%H:%M"))
    as_bureau.fill("[name=max_lead_bids]", "2")
    as_bureau.fill("[name=pi_max_lead]", "1")
    as_bureau.fill("[name=guide]", "申报主体：在中国境内注册的高校、科研院所和企业。")
    j.shot(as_bureau, "bureau-call-form")
    click(as_bureau, "保存")
    expect(as_bureau.locator(".messages")).to_contain_text("批次已保存")
    click(as_bureau, "开始需求征集")
    expect(as_bureau.locator("h1 .status")).to_have_text("需求征集中")
    j.shot(as_bureau, "bureau-call-collecting")
    call = Call.objects.get()

    # 2. The enterprise drafts its need in the call, with its qualification facts, and
    # submits it: it goes to its district first.
    as_issuer = j.actor(issuer)
    nav(as_issuer, "我的榜单")
    click(as_issuer, "新建榜单")
    page = as_issuer
    page.select_option("[name=call]", label=CALL)
    expect(page.locator("[name=bid_deadline]")).to_be_hidden()  # the call's deadline
    page.fill("[name=chain]", "新能源")
    page.select_option("[name=chain_role]", "leading")
    page.fill("[name=revenue]", "64000")
    page.fill("[name=rd_ratio]", "4.1")
    page.select_option("[name=rd_platform]", "municipal")
    page.fill("[name=rd_platform_name]", "常州市新能源材料工程技术研究中心")
    page.fill("[name=title]", TITLE)
    page.select_option("[name=industry]", label="新能源与动力电池")
    page.fill("[name=problem]", "硬碳负极前驱体成本高、首效低，制约钠离子电池在储能领域的应用。")
    page.fill("[name=deliverable]", "工艺包与吨级中试样品")
    page.fill("[name=ind-0-name]", "首次库伦效率")
    page.select_option("[name=ind-0-comparator]", "gte")
    page.fill("[name=ind-0-target_value]", "90")
    page.fill("[name=ind-0-unit]", "%")
    page.fill("[name=ind-0-test_method]", "第三方检测")
    page.fill("[name=bounty_total]", "500")
    page.fill("[name=enterprise_funds]", "380")
    page.fill("[name=government_funds]", "120")
    page.fill("[name=period_months]", "24")
    page.fill("[name=eligibility]", "具有独立法人资格的高校、科研院所或企业")
    page.select_option("[name=ip_terms]", "shared")
    page.fill("[name=contact_name]", "王工")
    page.fill("[name=contact_phone]", "0519-88888888")
    page.fill("[name=contact_email]", "wang@example.cn")
    j.shot(page, "issuer-need-in-call")
    click(page, "保存草稿")
    expect(page.locator(".messages")).to_contain_text("草稿已保存")
    click(page, "预览")
    click(page, "提交审核")
    expect(page.locator("h1 .status")).to_have_text("已提交审核")
    j.shot(page, "issuer-need-submitted")
    need = Challenge.objects.get(title=TITLE)
    assert need.call_id == call.pk
    assert need.bid_deadline == call.bids_close_at

    # 3. The city cannot vet it yet: it waits for the district.
    as_bureau.goto(need.get_absolute_url())
    expect(as_bureau.locator("main")).to_contain_text("等待")
    expect(as_bureau.get_by_role("button", name="开始审核")).to_have_count(0)

    # 4. The district officer finds it in the queue and recommends it with a comment.
    as_district = j.actor(district_officer)
    nav(as_district, "需求推荐")
    j.shot(as_district, "district-queue")
    as_district.get_by_role("link", name=TITLE).click()
    expect(as_district.locator("main")).to_contain_text("64000")
    as_district.fill("[name=comment]", "企业研发投入强度高，需求属产业链关键环节，同意推荐。")
    click(as_district, "推荐至市科技局")
    need.refresh_from_db()
    assert need.status == ChallengeStatus.RECOMMENDED
    j.shot(as_district, "district-recommended")

    # 5. The city sees the recommendation and the qualification checks, starts vetting and
    # draws the vetting panel: the officer and the supervisor commit, freeze and reveal.
    as_bureau.goto(need.get_absolute_url())
    expect(as_bureau.locator("main")).to_contain_text("同意推荐")
    j.shot(as_bureau, "bureau-sees-recommendation")
    click(as_bureau, "开始审核", within="form[action$='/decide/']")
    expect(as_bureau.locator("h1 .status")).to_have_text("审核中")
    # Approval waits for the panel (a need in a call).
    click(as_bureau, "审核通过", within="form[action$='/decide/']")
    expect(as_bureau.locator(".messages")).to_contain_text("论证")
    need.refresh_from_db()
    assert need.status == ChallengeStatus.VETTING
    as_bureau.goto(f"/review/challenges/{need.ocid}/need-vetting/")
    j.shot(as_bureau, "need-vetting-page")
    as_bureau.get_by_label("评审专家组人数").fill("3")
    as_bureau.get_by_label("候补专家人数").fill("0")
    click(as_bureau, "发起抽取")
    expect(as_bureau).to_have_url(re.compile(r"/review/draws/\d+/$"))
    draw_url = as_bureau.url
    officer_secret = commit_in_browser(as_bureau)
    as_sup = j.actor(sup)
    as_sup.goto(draw_url)
    sup_secret = commit_in_browser(as_sup)
    as_bureau.goto(draw_url)
    click(as_bureau, "2. 冻结合格专家池")
    as_bureau.get_by_label("您的秘密值").fill(officer_secret)
    click(as_bureau, "揭示")
    as_sup.goto(draw_url)
    as_sup.get_by_label("您的秘密值").fill(sup_secret)
    click(as_sup, "揭示")
    expect(as_sup.locator("h1 .status")).to_have_text("抽取已完成")
    j.shot(as_sup, "need-vetting-draw-completed")

    # 6. Each expert accepts, reads the need and gives a structured opinion.
    for n, expert in enumerate(experts, start=1):
        page = j.actor(expert.user)
        nav(page, "评审邀请")
        page.get_by_role("link", name=TITLE).click()
        page.get_by_label("本人承诺", exact=False).check()
        click(page, "接受并签署")
        expect(page.locator(".need-content")).to_contain_text("硬碳负极前驱体成本高")
        for question in ("real_bottleneck", "indicators_measurable", "bounty_reasonable"):
            page.locator(f"[name={question}][value=yes]").check()
        page.locator("[name=recommendation][value=publish]").check()
        page.fill("[name=comment]", "属产业链关键环节的真实需求，指标可测，榜额合理，建议发榜。")
        if n == 1:
            j.shot(page, "expert-opinion-form")
        click(page, "提交我的意见（不可更改）")
        expect(page.locator(".messages")).to_contain_text("您的意见已记录")
        page.context.close()

    # 7. The officer reads the opinions on the need and approves it.
    as_bureau.goto(need.get_absolute_url())
    expect(as_bureau.locator("main")).to_contain_text("建议发榜")
    j.shot(as_bureau, "bureau-sees-opinions")
    click(as_bureau, "审核通过", within="form[action$='/decide/']")
    expect(as_bureau.locator("h1 .status")).to_have_text("审核通过")
    # A need of a call is published only with its call's list.
    expect(as_bureau.get_by_role("button", name="在榜单大厅发布")).to_have_count(0)

    # 8. The collection closes; the whole list is published at once.
    as_bureau.goto(f"/bureau/calls/{call.pk}/")
    click(as_bureau, "结束征集并进入需求论证")
    expect(as_bureau.locator("h1 .status")).to_have_text("需求论证中")
    click(as_bureau, "发布榜单（发榜）")
    expect(as_bureau.locator("h1 .status")).to_have_text("榜单已发布")
    j.shot(as_bureau, "bureau-list-published")
    need.refresh_from_db()
    assert need.status == ChallengeStatus.PUBLISHED
    assert need.bid_deadline == call.bids_close_at

    # 9. Anyone sees the call's page with its list and its 发榜公告, and finds the need on
    # the board by call.
    as_public = j.actor()
    as_public.goto("/calls/2027/1/")
    expect(as_public.locator("main")).to_contain_text(TITLE)
    notice = Document.objects.get(kind="call_notice")
    assert notice.is_ready
    expect(as_public.locator(f"a[href*='{notice.number}']").first).to_be_visible()
    j.shot(as_public, "public-call-page")
    as_public.goto("/challenges/?call=2027-1")
    expect(as_public.locator("main")).to_contain_text(TITLE)
    j.shot(as_public, "board-filtered-by-call")
