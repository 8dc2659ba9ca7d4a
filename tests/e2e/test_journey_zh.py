"""The whole 揭榜挂帅 journey in zh-Hans, in a real browser, through the UI only.

The database is used only (1) to create the starting accounts, organisations, industries
and experts, and (2) to let time pass: each such shortcut is marked ``# TIME:`` or
``# SETUP:`` below. Everything else is clicking and typing, as the users would.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import OrganizationFactory, bureau_officer, member_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def click(page, name, *, within=None):
    """Click the button (or link) a user would: by its visible text."""
    scope = page.locator(within) if within else page
    target = scope.get_by_role("button", name=name, exact=True)
    if not target.count():
        target = scope.get_by_role("link", name=name, exact=True)
    target.first.click()
    page.wait_for_load_state()


def nav(page, name):
    """Follow a link of the main navigation."""
    page.locator("nav.mainnav").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()


def test_zh_journey(journey):
    # SETUP: the starting accounts and organisations (verified), as the bureau would have them.
    officer = bureau_officer()
    issuer_org = OrganizationFactory(kind="enterprise", verified=True, name="常州新能源电池有限公司")
    issuer = member_of(issuer_org, "issuer", is_admin=True)

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
    for button, status in (("开始审核", "审核中"), ("审核通过", "审核通过"), ("在榜单大厅发布", "揭榜中")):
        click(as_bureau, button, within="form[action$='/decide/']")
        expect(as_bureau.locator("h1 .status")).to_have_text(status)
    j.shot(as_bureau, "bureau-published")
