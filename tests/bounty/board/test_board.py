"""The public challenge board: visibility, search, filters, sorting, display status, cost."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bounty.board.selectors import challenge_board
from bounty.models import ChallengeStatus
from tests.bounty.factories import issuer_org, make_challenge
from tests.factories import UserFactory, bureau_officer, member_of

pytestmark = pytest.mark.django_db

BOARD = "bounty:board"


def titles(response):
    return [c.title for c in response.context["page"].object_list]


def get_board(client, **params):
    response = client.get(reverse(BOARD), params)
    assert response.status_code == 200
    return response


def local(*args):
    return datetime(*args, tzinfo=timezone.get_default_timezone())


# --- Visibility ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    ["draft", "submitted", "returned", "vetting", "approved", "rejected", "withdrawn"],
)
def test_anonymous_does_not_see_challenges_that_are_not_public(client, status):
    make_challenge(title="公开榜单")
    make_challenge(title="不应出现的榜单", status=status)
    response = get_board(client)
    assert titles(response) == ["公开榜单"]
    assert "不应出现的榜单" not in response.content.decode()


@pytest.mark.parametrize("status", ["published", "closed", "under_review", "awarded"])
def test_anonymous_sees_published_and_later_public_challenges(client, status):
    challenge = make_challenge(title="公开榜单", status=status, deadline_in=timedelta(days=-1))
    html = get_board(client).content.decode()
    assert "公开榜单" in html
    assert challenge.get_absolute_url() in html


def test_card_shows_issuer_industry_bounty_deadline_and_days_left(client):
    org = issuer_org(name="常州碳材料科技有限公司")
    deadline = local(2099, 3, 9, 17, 0)
    make_challenge(
        title="石墨烯导热膜量产工艺",
        issuer=org,
        industry_code="graphene",
        bounty_total=Decimal("1234.50"),
        bid_deadline=deadline,
    )
    client.cookies["django_language"] = "en"
    html = get_board(client).content.decode()
    assert "常州碳材料科技有限公司" in html
    assert "Graphene and carbon materials" in html
    assert "1,234.50 × 10k yuan" in html
    assert "2099-03-09 17:00" in html
    assert "days left" in html
    assert "Open for bids" in html
    assert "1 challenge<" in html


def test_industry_names_follow_the_language(client):
    make_challenge(industry_code="integrated-circuits")
    client.cookies["django_language"] = "zh-hans"
    assert "集成电路" in get_board(client).content.decode()
    client.cookies["django_language"] = "en"
    assert "Integrated circuits" in get_board(client).content.decode()


# --- Search ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "碳化硅",  # a word of the title
        "外延缺陷",  # a word of the problem statement
        "微管密度",  # an indicator name
        "SiC 衬底",  # several words, any case
    ],
)
def test_search_finds_title_problem_and_indicator_words(client, query):
    make_challenge(
        title="8 英寸 SiC 碳化硅衬底",
        problem="国产衬底外延缺陷密度偏高，良率不足。",
        indicators=["微管密度", "电阻率均匀性"],
    )
    make_challenge(title="高镍正极材料", problem="循环寿命不足", indicators=["比容量"])
    assert titles(get_board(client, q=query)) == ["8 英寸 SiC 碳化硅衬底"]


def test_search_without_match_shows_empty_state_with_clear_link(client):
    make_challenge(title="高镍正极材料")
    client.cookies["django_language"] = "en"
    response = get_board(client, q="量子")
    html = response.content.decode()
    assert titles(response) == []
    assert "No challenges match" in html
    assert f'href="{reverse(BOARD)}"' in html


# --- Filters -----------------------------------------------------------------------------


def test_filter_by_industry_code(client):
    make_challenge(title="芯片", industry_code="integrated-circuits")
    make_challenge(title="材料", industry_code="new-materials")
    assert titles(get_board(client, industry="integrated-circuits")) == ["芯片"]


def test_past_deadline_shows_as_closed_without_any_task(client):
    """No closing task runs in this test: the status shown comes from the database clock."""
    make_challenge(title="仍可揭榜", deadline_in=timedelta(days=3))
    expired = make_challenge(title="已过截止", deadline_in=timedelta(minutes=-5))
    assert expired.status == ChallengeStatus.PUBLISHED

    response = get_board(client)
    shown = {c.title: c.status for c in response.context["page"].object_list}
    assert shown == {"仍可揭榜": "published", "已过截止": "closed"}
    assert 'class="status status-closed"' in response.content.decode()

    assert titles(get_board(client, status="open")) == ["仍可揭榜"]
    assert titles(get_board(client, status="closed")) == ["已过截止"]


def test_closed_filter_includes_later_stages(client):
    make_challenge(title="开放", deadline_in=timedelta(days=3))
    make_challenge(title="已关闭", status="closed", deadline_in=timedelta(days=-3))
    make_challenge(title="评审中", status="under_review", deadline_in=timedelta(days=-9))
    assert sorted(titles(get_board(client, status="closed"))) == ["已关闭", "评审中"]
    assert titles(get_board(client, status="open")) == ["开放"]


def test_filter_by_amount_range_in_10k_yuan(client):
    for amount in ("50", "300", "800", "5000"):
        make_challenge(title=f"榜{amount}", bounty_total=Decimal(amount))
    response = get_board(client, amount_min="300", amount_max="800", sort="amount_asc")
    assert titles(response) == ["榜300", "榜800"]
    assert titles(get_board(client, amount_min="801")) == ["榜5000"]
    assert titles(get_board(client, amount_max="50")) == ["榜50"]


def test_filter_by_deadline_dates_uses_whole_local_days(client):
    # 00:30 on 10 January in Shanghai is still 9 January in UTC.
    make_challenge(title="十日", bid_deadline=local(2099, 1, 10, 0, 30))
    make_challenge(title="九日", bid_deadline=local(2099, 1, 9, 23, 59))
    make_challenge(title="二十日", bid_deadline=local(2099, 1, 20, 12, 0))
    assert titles(get_board(client, deadline_from="2099-01-10", deadline_to="2099-01-10")) == [
        "十日"
    ]
    assert titles(get_board(client, deadline_to="2099-01-09")) == ["九日"]
    assert sorted(titles(get_board(client, deadline_from="2099-01-10"))) == ["二十日", "十日"]


def test_all_filters_combine(client):
    make_challenge(title="碳化硅匹配", industry_code="integrated-circuits", bounty_total=500)
    make_challenge(title="碳化硅太贵", industry_code="integrated-circuits", bounty_total=9000)
    make_challenge(title="碳化硅行业不符", industry_code="new-materials", bounty_total=500)
    make_challenge(
        title="碳化硅已截止",
        industry_code="integrated-circuits",
        bounty_total=500,
        deadline_in=timedelta(days=-1),
    )
    make_challenge(title="氮化镓", industry_code="integrated-circuits", bounty_total=500)
    day = timezone.localdate()
    response = get_board(
        client,
        q="碳化硅",
        industry="integrated-circuits",
        status="open",
        amount_min="100",
        amount_max="1000",
        deadline_from=str(day),
        deadline_to=str(day + timedelta(days=60)),
        sort="deadline",
    )
    assert titles(response) == ["碳化硅匹配"]


# --- Sorting -----------------------------------------------------------------------------


@pytest.fixture
def five_challenges():
    """Three open (甲乙丙) and two past their deadline (丁戊)."""
    for title, amount, deadline_days, published_days in [
        ("甲", "300", 20, 5),
        ("乙", "1000", 5, 30),
        ("丙", "50", 60, 1),
        ("丁", "700", -2, 40),
        ("戊", "400", -10, 50),
    ]:
        make_challenge(
            title=title,
            bounty_total=Decimal(amount),
            deadline_in=timedelta(days=deadline_days),
            published_ago=timedelta(days=published_days),
        )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["丙", "甲", "乙", "丁", "戊"]),
        ({"sort": "newest"}, ["丙", "甲", "乙", "丁", "戊"]),
        # Open ones by the nearest deadline, then the ones that closed most recently.
        ({"sort": "deadline"}, ["乙", "甲", "丙", "丁", "戊"]),
        ({"sort": "amount_desc"}, ["乙", "丁", "戊", "甲", "丙"]),
        ({"sort": "amount_asc"}, ["丙", "甲", "戊", "丁", "乙"]),
        ({"sort": "deadline", "status": "open"}, ["乙", "甲", "丙"]),
        ({"sort": "deadline", "status": "closed"}, ["丁", "戊"]),
    ],
)
def test_sorting(client, five_challenges, params, expected):
    assert titles(get_board(client, **params)) == expected


def test_deadline_sort_pages_run_from_open_into_closed_without_gaps(client):
    org, user = issuer_org(), UserFactory()
    for n in range(15):
        make_challenge(
            title=f"开放{n:02d}", issuer=org, created_by=user, deadline_in=timedelta(days=n + 1)
        )
    for n in range(10):
        make_challenge(
            title=f"截止{n:02d}", issuer=org, created_by=user, deadline_in=timedelta(days=-n - 1)
        )
    first = titles(get_board(client, sort="deadline"))
    second = titles(get_board(client, sort="deadline", page="2"))
    assert first == [f"开放{n:02d}" for n in range(15)] + [f"截止{n:02d}" for n in range(5)]
    assert second == [f"截止{n:02d}" for n in range(5, 10)]
    assert get_board(client, sort="deadline").context["page"].paginator.count == 25


def test_pagination_keeps_filters_and_never_repeats_a_row(client):
    org = issuer_org()
    for n in range(25):
        make_challenge(title=f"同额榜单{n:02d}", issuer=org, bounty_total=Decimal("100"))
    first = get_board(client, sort="amount_desc", q="同额")
    second = get_board(client, sort="amount_desc", q="同额", page="2")
    assert len(titles(first)) == 20
    assert len(titles(second)) == 5
    assert not set(titles(first)) & set(titles(second))
    html = first.content.decode()
    assert "page=2" in html
    assert "sort=amount_desc" in html


# --- Bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"industry": "no-such-industry"},
        {"status": "draft"},
        {"status": "<script>"},
        {"amount_min": "lots"},
        {"amount_min": "-5"},
        {"amount_max": "NaN"},
        {"amount_max": "1e400"},
        {"amount_min": "100", "amount_max": "50"},
        {"deadline_from": "2025-13-45"},
        {"deadline_from": "2000-02-01", "deadline_to": "2000-01-01"},
        {"sort": "DROP TABLE"},
        {"q": "x" * 500},
        {"page": "abc"},
        {"page": "99999"},
        {"page": "-1"},
    ],
)
def test_bad_parameters_are_reported_and_ignored(client, params):
    make_challenge(title="唯一的榜单")
    response = get_board(client, **params)
    assert titles(response) == ["唯一的榜单"]
    if "page" not in params:
        assert response.context["form"].errors
        assert 'class="errorbox board-errors"' in response.content.decode()


def test_selector_ignores_only_the_invalid_filter():
    make_challenge(title="芯片", industry_code="integrated-circuits", bounty_total=100)
    make_challenge(title="材料", industry_code="new-materials", bounty_total=100)
    qs, form = challenge_board(
        params=QueryDict("industry=integrated-circuits&amount_min=abc&sort=nope")
    )
    assert [c.title for c in qs] == ["芯片"]
    assert set(form.errors) == {"amount_min", "sort"}


# --- Cost --------------------------------------------------------------------------------

ALL_FILTERS = {
    "q": "材料",
    "industry": "new-materials",
    "status": "open",
    "amount_min": "10",
    "amount_max": "9000",
    "deadline_from": "2000-01-01",
    "deadline_to": "2099-12-31",
    "sort": "deadline",
}


def _make_many(count):
    org = issuer_org()
    user = UserFactory()
    for n in range(count):
        make_challenge(
            title=f"新材料榜单{n}",
            issuer=org if n % 2 else issuer_org(),
            created_by=user,
            deadline_in=timedelta(days=n - count // 3),
        )


@pytest.mark.parametrize(
    "params",
    [
        {},
        ALL_FILTERS,
        {"status": "closed", "page": "2"},
        {"sort": "deadline", "page": "2"},  # a page straddling open and closed: 5 queries
        {"q": "新材料", "sort": "amount_asc"},
    ],
)
def test_anonymous_board_page_costs_at_most_six_queries(
    client, django_assert_max_num_queries, params
):
    _make_many(45)
    with django_assert_max_num_queries(6):
        response = get_board(client, **params)
    assert response.context["page"].object_list


@pytest.mark.parametrize(
    "params", [{}, ALL_FILTERS, {"sort": "amount_desc", "status": "closed"}, {"sort": "deadline"}]
)
def test_query_count_does_not_grow_with_the_number_of_challenges(client, params):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            get_board(client, **params)
        return len(ctx.captured_queries)

    _make_many(5)
    with_five = count_queries()
    _make_many(35)
    assert count_queries() <= with_five


def test_signed_in_bureau_officer_sees_export_links_at_constant_cost(
    client, django_assert_max_num_queries
):
    _make_many(25)
    client.force_login(bureau_officer())
    with django_assert_max_num_queries(10):
        html = get_board(client, **ALL_FILTERS).content.decode()
    assert reverse("bounty:export", args=["xlsx"]) + "?" in html
    assert "industry=new-materials" in html


def test_anonymous_and_issuer_see_no_export_links(client):
    challenge = make_challenge()
    export_url = reverse("bounty:export", args=["csv"])
    assert export_url not in get_board(client).content.decode()
    client.force_login(member_of(challenge.issuer, "issuer"))
    assert export_url not in get_board(client).content.decode()


def test_empty_board_says_nothing_is_published_yet(client):
    make_challenge(status="draft")
    client.cookies["django_language"] = "en"
    html = get_board(client).content.decode()
    assert "No challenges have been published yet." in html


def test_titles_are_escaped(client):
    make_challenge(title="<script>alert(1)</script>")
    html = get_board(client).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
