"""The whole 揭榜挂帅 journey in zh-Hans, in a real browser, through the UI only.

The database is used only (1) to create the starting accounts, organisations, industries
and experts, and (2) to let time pass: each such shortcut is marked ``# TIME:`` or
``# SETUP:`` below. Everything else is clicking and typing, as the users would.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bounty.models import Challenge, ProjectMilestone
from bounty.tasks import project_daily
from review.tasks import award_due_challenges
from tests.bounty.helpers import force_deadline
from tests.e2e.browser import PASSWORD, click, nav, nav_inbox, pdf_file, sha256_hex
from tests.factories import OrganizationFactory, UserFactory, bureau_officer, member_of
from tests.review.draw.helpers import make_expert, supervisor

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def bid_through_the_form(j, page, *, pi, title, tag, files, consortium=None):
    """A team opens the challenge from the board, starts a bid, fills it in, uploads its
    files, reviews and submits it; returns the bid's reference from its receipt page."""
    nav(page, "榜单大厅")
    page.fill("[name=q]", "高镍")
    click(page, "搜索")
    page.get_by_role("link", name=title).click()
    j.shot(page, f"{tag}-challenge-on-board")
    click(page, "揭榜申报")
    expect(page.locator("h1 .status")).to_have_text("草稿")
    page.fill("[name=pi_email]", pi.email)
    page.fill("[name=pi_title]", "教授")
    if consortium:
        page.get_by_role("button", name="添加成员").click()
        page.fill("[name=cons-0-name]", consortium.name)
        page.fill("[name=cons-0-credit_code]", consortium.credit_code)
        page.fill("[name=cons-0-work_share]", "30")
        page.fill("[name=cons-0-responsibilities]", "中试放大")
    page.fill("[name=summary]", "掺杂包覆协同")
    page.fill("[name=technical_approach]", "Al/Zr 共掺杂 + 单晶化 + 原子层沉积包覆。")
    page.fill("[name=resp-0-committed_value]", "92")
    page.fill("[name=resp-0-note]", "见实施方案")
    page.fill("[name=ms-0-title]", "小试")
    page.fill("[name=ms-0-due_month]", "6")
    page.fill("[name=ms-0-deliverables]", "小试样品")
    page.fill("[name=ms-0-tranche_share]", "40")
    page.get_by_role("button", name="添加里程碑").click()
    page.fill("[name=ms-1-title]", "中试")
    page.fill("[name=ms-1-due_month]", "18")
    page.fill("[name=ms-1-deliverables]", "中试样品与报告")
    page.fill("[name=ms-1-tranche_share]", "60")
    page.select_option("[name=budget-0-category]", "operating")
    page.fill("[name=budget-0-government_amount]", "200")
    page.fill("[name=budget-0-self_raised_amount]", "600")  # = the bounty, 800
    page.fill("[name=risk_plan]", "中试放大风险：预留两轮工艺迭代。")
    page.fill("[name=expected_results]", "发明专利 3 项，工艺包 1 套。")
    j.shot(page, f"{tag}-bid-form-filled")
    click(page, "保存草稿")
    expect(page.locator(".messages")).to_contain_text("草稿已保存")
    for kind, path in files:
        page.select_option("[name=kind]", label=kind)
        page.set_input_files("[name=file]", path)
        click(page, "上传")
        expect(page.locator("#sec-attachments")).to_contain_text(path.name)
    j.shot(page, f"{tag}-bid-attachments-uploaded")
    click(page, "保存并在提交前检查")
    j.shot(page, f"{tag}-bid-review-before-submit")
    click(page, "立即提交")
    expect(page.locator("h1")).to_have_text("揭榜申报提交回执")
    expect(page.locator("main")).to_contain_text(files[0][1].name)
    j.shot(page, f"{tag}-bid-receipt")
    page.locator(".crumbs a").first.click()
    expect(page.locator("h1 .status")).to_have_text("已提交")
    if consortium:
        expect(page.locator(".facts")).to_contain_text(f"{consortium.name} (30%)")
    return page.locator("h1 .mono").inner_text()


def test_zh_journey(journey, tmp_path):
    # SETUP: the starting accounts and organisations (verified), as the bureau would have them.
    officer = bureau_officer()
    issuer_org = OrganizationFactory(
        kind="enterprise", verified=True, name="常州新能源电池有限公司"
    )
    issuer = member_of(issuer_org, "issuer", is_admin=True)

    # SETUP: two teams: a university bidding alone, and an institute leading a consortium
    # with a verified enterprise.
    univ = OrganizationFactory(kind="university", verified=True, name="江南理工大学")
    team_a = member_of(univ, "bidder", is_admin=True)
    institute = OrganizationFactory(kind="institute", verified=True, name="常州先进材料研究院")
    team_b = member_of(institute, "bidder", is_admin=True)
    partner = OrganizationFactory(kind="enterprise", verified=True, name="武进正极材料有限公司")

    # SETUP: the bureau's supervisor, and five experts of the new-energy pool with accounts.
    sup = supervisor()
    experts = [make_expert(user=UserFactory()) for _ in range(5)]

    j = journey("zh")
    as_issuer = j.actor(issuer)
    as_bureau = j.actor(officer)

    # 1. The issuer drafts a challenge in the editor.
    nav(as_issuer, "我的榜单")
    j.shot(as_issuer, "issuer-my-challenges")
    click(as_issuer, "新建榜单")
    page = as_issuer
    page.fill("[name=title]", "高镍正极材料循环寿命提升")
    page.select_option("[name=industry]", label="新能源与动力电池")
    page.fill("[name=problem]", "现有高镍三元正极在 45℃ 下循环 1000 次后容量保持率不足 80%。")
    page.fill("[name=deliverable]", "工艺包与 10 kg 级样品")
    page.fill("[name=ind-0-name]", "循环寿命容量保持率")
    page.select_option("[name=ind-0-comparator]", "gte")
    page.fill("[name=ind-0-target_value]", "90")
    page.fill("[name=ind-0-unit]", "%")
    page.fill("[name=ind-0-test_method]", "45℃ 1C/1C 1000 次")
    page.fill("[name=bounty_total]", "800")
    page.fill("[name=enterprise_funds]", "600")
    page.fill("[name=government_funds]", "200")
    page.fill("[name=period_months]", "24")
    deadline = timezone.localtime() + timedelta(days=40)
    page.fill("[name=bid_deadline]", deadline.strftime("%Y-%m-%dT%H:%M"))
    page.fill("[name=eligibility]", "具有独立法人资格的高校、科研院所或企业")
    page.check("[name=consortium_allowed]")
    page.fill("[name=max_consortium_members]", "4")
    page.select_option("[name=ip_terms]", "shared")
    page.fill("[name=contact_name]", "王工")
    page.fill("[name=contact_phone]", "0519-88888888")
    page.fill("[name=contact_email]", "wang@example.cn")
    j.shot(page, "issuer-editor-filled")
    click(page, "保存草稿")
    expect(page.locator(".messages")).to_contain_text("草稿已保存")
    j.shot(page, "issuer-draft-saved")

    # 2. ... previews it and submits it for vetting.
    click(page, "预览")
    expect(page.locator("h1 .status")).to_have_text("草稿")
    click(page, "提交审核")
    expect(page.locator("h1 .status")).to_have_text("已提交审核")
    j.shot(page, "issuer-submitted")

    # 3. The bureau vets, approves and publishes it from its queue.
    nav(as_bureau, "榜单审核")
    as_bureau.get_by_role("link", name="高镍正极材料循环寿命提升").click()
    j.shot(as_bureau, "bureau-opens-challenge")
    for button, status in (
        ("开始审核", "审核中"),
        ("审核通过", "审核通过"),
        ("在榜单大厅发布", "揭榜中"),
    ):
        click(as_bureau, button, within="form[action$='/decide/']")
        expect(as_bureau.locator("h1 .status")).to_have_text(status)
    j.shot(as_bureau, "bureau-published")

    # 4. Two teams bid: one alone, one as a consortium; each uploads its files in the form.
    plan_a = pdf_file(tmp_path, "实施方案-江南理工.pdf", "Implementation plan A")
    plan_b = pdf_file(tmp_path, "实施方案-先进材料院.pdf", "Implementation plan B")
    agreement = pdf_file(tmp_path, "联合体协议.pdf", "Consortium agreement")
    as_team_a = j.actor(team_a)
    as_team_b = j.actor(team_b)
    title = "高镍正极材料循环寿命提升"
    ref_a = bid_through_the_form(
        j, as_team_a, pi=team_a, title=title, tag="team-a", files=[("实施方案", plan_a)]
    )
    ref_b = bid_through_the_form(
        j,
        as_team_b,
        pi=team_b,
        title=title,
        tag="team-b",
        files=[("实施方案", plan_b), ("联合体协议", agreement)],
        consortium=partner,
    )

    # 5. TIME: the bid deadline passes (moved into the past in the database).
    challenge = force_deadline(Challenge.objects.get(), timezone.now() - timedelta(seconds=1))
    ocid = challenge.ocid
    as_bureau.goto(f"/challenges/{ocid}/")
    expect(as_bureau.locator(".deadline-box")).to_contain_text("揭榜已截止")
    j.shot(as_bureau, "deadline-passed")

    # 6. The bureau runs the formal check: one bid through its checklist, one from the list.
    click(as_bureau, "开始形式审查")
    expect(as_bureau.locator("h1")).to_contain_text("揭榜申报")
    as_bureau.locator("tr", has_text=ref_a).get_by_role("link", name="核查").click()
    j.shot(as_bureau, "formal-check-form")
    as_bureau.get_by_label("形式审查通过").check()
    click(as_bureau, "记录形式审查结果")
    expect(as_bureau.locator("tr", has_text=ref_a)).to_contain_text("形式审查通过")
    as_bureau.get_by_label(ref_b).check()
    click(as_bureau, "将所选申报标记为形式审查通过（仅限自动检查全部通过的申报）")
    expect(as_bureau.locator("tr", has_text=ref_b)).to_contain_text("形式审查通过")
    j.shot(as_bureau, "formal-check-done")

    # 7. The bureau opens a draw; the bureau and the supervisor commit, freeze and reveal.
    as_bureau.goto(f"/challenges/{ocid}/")
    click(as_bureau, "专家抽取")
    as_bureau.get_by_label("评审专家组人数").fill("5")
    as_bureau.get_by_label("候补专家人数").fill("0")
    click(as_bureau, "发起抽取")
    expect(as_bureau.locator("h1")).to_contain_text("抽取")
    draw_url = as_bureau.url
    # Draw v3: the secret is made by the browser (crypto.getRandomValues, static/js/commit.js)
    # and cannot be typed; it is hashed there with the draw's context (data-prefix).
    secret_box = as_bureau.get_by_label("您的秘密值（仅保存在本浏览器中，请自行记录）")
    expect(secret_box).not_to_be_editable()
    click(as_bureau, "生成随机秘密值")
    officer_secret = secret_box.input_value()
    assert re.fullmatch(r"[0-9a-f]{64}", officer_secret)
    prefix = as_bureau.locator("[data-commit]").get_attribute("data-prefix")
    assert prefix.startswith("jiebang-draw-v3\n")
    expect(as_bureau.locator("[name=commitment]")).to_have_value(
        sha256_hex(prefix + officer_secret)
    )
    click(as_bureau, "提交承诺值")
    j.shot(as_bureau, "draw-bureau-committed")
    as_sup = j.actor(sup)
    nav_inbox(as_sup)
    # (its Chinese text is in e2e-zh.json until the lead merges it into the catalogue)
    as_sup.locator("main").get_by_role("link", name=re.compile(title)).first.click()
    expect(as_sup).to_have_url(re.compile(r"/review/draws/\d+/$"))
    as_sup.wait_for_load_state()
    click(as_sup, "生成随机秘密值")
    sup_secret = as_sup.get_by_label("您的秘密值（仅保存在本浏览器中，请自行记录）").input_value()
    sup_prefix = as_sup.locator("[data-commit]").get_attribute("data-prefix")
    expect(as_sup.locator("[name=commitment]")).to_have_value(sha256_hex(sup_prefix + sup_secret))
    click(as_sup, "提交承诺值")
    j.shot(as_sup, "draw-supervisor-committed")
    as_bureau.goto(draw_url)
    click(as_bureau, "2. 冻结合格专家池")
    expect(as_bureau.locator("h1 .status")).to_have_text("合格专家池已冻结，等待揭示秘密值")
    as_bureau.get_by_label("您的秘密值").fill(officer_secret)
    click(as_bureau, "揭示")
    as_sup.goto(draw_url)
    as_sup.get_by_label("您的秘密值").fill(sup_secret)
    click(as_sup, "揭示")
    # Both secrets are in, but the panel waits for the named lottery result (draw v3).
    expect(as_sup.locator("h1 .status")).to_have_text("合格专家池已冻结，等待揭示秘密值")
    as_bureau.goto(draw_url)
    as_bureau.get_by_label(re.compile(r"^公开值")).fill("4 8 3")
    click(as_bureau, "录入公开值")
    as_sup.goto(draw_url)
    expect(as_sup.locator("h1 .status")).to_have_text("抽取已完成")
    expect(as_sup.locator("table").last.locator("tbody tr")).to_have_count(5)
    j.shot(as_sup, "draw-completed")

    # 8. The bureau starts the review from the panel ranking page.
    as_bureau.goto(f"/challenges/{ocid}/")
    click(as_bureau, "评审专家组排名")
    click(as_bureau, "启动对形式审查合格申报的评审")
    as_bureau.goto(f"/challenges/{ocid}/")
    expect(as_bureau.locator("h1 .status")).to_have_text("专家评审中")
    j.shot(as_bureau, "review-started")

    # 9. Each expert accepts, declares no conflict for each bid, scores both, submits.
    for n, expert in enumerate(experts, start=1):
        page = j.actor(expert.user)
        nav(page, "评审邀请")
        page.get_by_role("link", name=title).click()
        page.get_by_label("本人承诺", exact=False).check()
        click(page, "接受并签署")
        for reference in (ref_a, ref_b):
            row = page.locator("tr", has_text=reference)
            row.get_by_text("无利益冲突").click()  # the label, as a user would
            row.get_by_role("button", name="提交声明").click()
            page.wait_for_load_state()
            expect(page.locator("tr", has_text=reference)).to_contain_text("无利益冲突")
        if n == 1:
            j.shot(page, "expert-declared")
        for reference, base in ((ref_a, 88), (ref_b, 76)):
            page.locator("tr", has_text=reference).get_by_role("link", name="评分").click()
            for k, box in enumerate(page.locator("input[type=number]").all()):
                box.fill(str(base - k))
            for box in page.locator("textarea").all():
                box.fill("方案可行，指标承诺有依据。")
            if n == 1 and reference == ref_a:
                j.shot(page, "expert-scoring")
            click(page, "保存草稿")
            page.locator(".crumbs a").first.click()
        click(page, "提交我的全部评分")
        if n == 1:
            j.shot(page, "expert-submitted")
        page.context.close()

    # 10. The issuer reads the ranking and proposes the first-ranked bid.
    as_issuer.goto(f"/challenges/{ocid}/")
    click(as_issuer, "评审专家组排名")
    expect(as_issuer.locator("table tbody tr").first).to_contain_text(ref_a)
    as_issuer.locator("label", has_text=ref_a).locator("input[name=bids]").check()
    j.shot(as_issuer, "issuer-ranking-propose")
    click(as_issuer, "提交拟中榜方")
    expect(as_issuer.locator(".messages")).to_contain_text("操作成功")

    # 11. The bureau's meeting decides (集体决策): the officer records it with the minutes
    # scan, then follows its notification and confirms citing it: the public notice opens.
    nav(as_bureau, "集体决策")
    click(as_bureau, "记录集体决策")
    as_bureau.fill("[name=body]", "局长办公会")
    as_bureau.fill("[name=held_on]", timezone.localdate().isoformat())
    as_bureau.fill("[name=attendees]", "局长、分管副局长、成果转化处处长")
    as_bureau.fill("[name=resolution]", f"同意“{title}”拟中榜方进入公示。")
    as_bureau.set_input_files("[name=minutes]", pdf_file(tmp_path, "会议纪要.pdf", "minutes"))
    click(as_bureau, "记录")
    expect(as_bureau.locator(".messages")).to_contain_text("集体决策已记录")
    j.shot(as_bureau, "meeting-recorded")
    nav_inbox(as_bureau)
    as_bureau.get_by_role("link", name=f"已提出拟中榜方：{title}").click()
    click(as_bureau, "评审专家组排名")
    as_bureau.select_option("[name=meeting]", index=1)
    click(as_bureau, "确认并开始公示")
    expect(as_bureau.locator("h1")).to_contain_text("拟中榜方公示")
    expect(as_bureau.locator("h1 .status")).to_have_text("公示中")
    expect(as_bureau.locator(".facts")).to_contain_text("江南理工大学")
    j.shot(as_bureau, "notice-open")

    # 12. TIME: the notice ends (its end moved into the past) and the scheduled task the worker
    # runs (schedule "award-after-notice") awards it; the contract's PDFs are rendered by the
    # task it queues, inline here (Q_CLUSTER["sync"] in config/settings/test.py).
    Challenge.objects.filter(pk=challenge.pk).update(
        notice_ends_at=timezone.now() - timedelta(seconds=1)
    )
    award_due_challenges()
    anonymous = j.actor()
    anonymous.goto("/")
    nav(anonymous, "公示")
    anonymous.get_by_role("link", name=title).first.click()
    expect(anonymous.locator("h1 .status")).to_have_text("已中榜")
    j.shot(anonymous, "notice-ended-awarded")

    # 13. The contract PDFs are ready; the team, the issuer (by sealed scan) and the bureau sign.
    scan = pdf_file(tmp_path, "合同签字盖章扫描件.pdf", "Tri-party agreement, signed and sealed")
    for who, page, by_scan in (
        ("team", as_team_a, False),
        ("issuer", as_issuer, True),
        ("bureau", as_bureau, False),
    ):
        nav(page, "合同")
        page.locator("main table").get_by_role("link").first.click()
        expect(page.locator("main table").first.locator("tbody tr")).to_have_count(2)
        for row in page.locator("main table").first.locator("tbody tr").all():
            expect(row).to_contain_text("已生成")
        if who == "team":
            j.shot(page, "contract-generated")
        if by_scan:
            page.get_by_label("上传签字盖章扫描件").check()
            page.get_by_label("签字盖章扫描件（PDF）").set_input_files(scan)
        else:
            page.get_by_label("您的登录密码（在线签署时填写）").fill(PASSWORD)
        page.get_by_label("我已阅读上列两份文书，并代表本单位签署。").check()
        click(page, "签署合同")
        j.shot(page, f"contract-signed-by-{who}")
    expect(as_bureau.locator("h1 .status")).to_have_text("已签署")
    expect(as_bureau.locator(".facts")).to_contain_text("在库")

    # 14. TIME: the first milestone's date comes within the reporting window (moved in the
    # database) and the daily task the worker runs (schedule "project-daily") opens it.
    ProjectMilestone.objects.filter(number=1).update(
        due_on=timezone.localdate() + timedelta(days=10)
    )
    project_daily()
    report = pdf_file(tmp_path, "小试测试报告.pdf", "Test report: capacity retention 92 percent")
    nav(as_team_a, "项目")
    as_team_a.get_by_role("link", name=title).first.click()
    expect(as_team_a.locator("h1 .status")).to_have_text("在库")
    as_team_a.get_by_label("进展报告").fill("完成小试，指标达到承诺值。")
    as_team_a.get_by_role("textbox", name=re.compile("循环寿命容量保持率.*承诺指标值")).fill("92 %")
    as_team_a.get_by_label(re.compile("附件")).set_input_files(report)
    j.shot(as_team_a, "milestone-report-filled")
    click(as_team_a, "提交报告")
    expect(as_team_a.locator("main")).to_contain_text("已提交报告")
    expect(as_team_a.locator("main")).to_contain_text(report.name)
    j.shot(as_team_a, "milestone-report-submitted")

    # 15. The issuer gives its opinion, then the bureau decides: met.
    for page, comment in ((as_issuer, "同意，指标达到承诺值"), (as_bureau, "达到要求")):
        nav(page, "项目")
        page.get_by_role("link", name=title).first.click()
        page.get_by_label("评估意见").fill(comment)
        click(page, "已达成")
        expect(page.locator("main")).to_contain_text(comment)
    expect(as_bureau.locator("main table").first.locator("tbody tr").first).to_contain_text(
        "已达成"
    )
    j.shot(as_bureau, "milestone-met")

    # 16. The bureau's dashboard shows the challenge and the project.
    nav(as_bureau, "数据看板")
    expect(as_bureau.locator("main")).to_contain_text("申报最多的榜单")
    expect(as_bureau.locator("main").get_by_role("link", name=title)).to_be_visible()
    j.shot(as_bureau, "dashboard")
    click(as_bureau, "全部项目 ›")
    project_row = as_bureau.locator("tr", has_text=title)
    expect(project_row).to_contain_text("江南理工大学")
    expect(project_row).to_contain_text("在库")
    j.shot(as_bureau, "dashboard-projects")
