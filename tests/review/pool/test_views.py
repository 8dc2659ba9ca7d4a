"""The bureau's pool screens: list (search, filters, reviews this year), import page."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from review.models import Expert
from tests.factories import UserFactory, bureau_officer
from tests.review.pool.helpers import (
    accepted_seats,
    credit_code,
    csv_bytes,
    declined_seats,
    make_expert,
    row,
    rows,
    wrong_check,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

POOL = reverse("review:pool")
IMPORT = reverse("review:pool_import")


@pytest.fixture
def officer_client(client):
    officer = bureau_officer()
    officer.language = "en"
    officer.save(update_fields=["language"])
    client.force_login(officer)
    return client


def listed(response):
    return [e.code for e in response.context["page"].object_list]


def upload(data, name="pool.csv"):
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize("url", [POOL, IMPORT])
def test_pool_pages_are_404_for_everyone_but_the_bureau(client, url):
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.post(IMPORT, {"file": upload(csv_bytes(rows(1)))}).status_code == 404
    assert Expert.objects.count() == 0


def test_list_shows_the_pool_with_export_links(officer_client):
    make_expert("P1", name="张三", industries=("new-materials", "graphene"))

    response = officer_client.get(POOL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "张三" in html
    assert reverse("review:pool_export", args=["xlsx"]) in html
    assert reverse("review:expert_detail", args=["P1"]) in html
    assert 'enctype="multipart/form-data"' in html
    assert "js/pool_import.js" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "李"}, ["F2"]),
        ({"q": "f3"}, ["F3"]),
        ({"q": "碳化硅"}, ["F1"]),
        ({"q": "中科院"}, ["F3"]),
        ({"industry": "biomedicine"}, ["F2", "F3"]),
        ({"title": "associate"}, ["F2"]),
        ({"expert_type": "financial"}, ["F3"]),
        ({"status": "withdrawn"}, ["F1"]),
        ({"industry": "biomedicine", "status": "active"}, ["F2", "F3"]),
        ({"status": "no-such"}, ["F1", "F2", "F3"]),  # a bad filter is ignored
    ],
)
def test_search_and_filters(officer_client, params, expected):
    make_expert("F1", name="张三", keywords="碳化硅", status="withdrawn")
    make_expert("F2", name="李四", industries=("biomedicine",), title="associate")
    make_expert(
        "F3",
        name="王五",
        employer_name="中科院某所",
        industries=("biomedicine", "graphene"),
        expert_type="financial",
    )

    response = officer_client.get(POOL, params)

    assert listed(response) == expected


def test_reviews_this_year_counts_accepted_seats_of_this_year_only(officer_client):
    busy, idle = make_expert("R1"), make_expert("R2")
    accepted_seats(busy, idle)
    accepted_seats(busy)
    accepted_seats(busy, when=timezone.now() - timedelta(days=400))
    declined_seats(idle)

    response = officer_client.get(POOL)

    counts = {e.code: e.reviews_this_year for e in response.context["page"].object_list}
    assert counts == {"R1": 2, "R2": 1}


def test_list_query_count_does_not_grow_with_experts(officer_client, django_assert_max_num_queries):
    experts = [make_expert(industries=("new-materials", "graphene")) for _ in range(12)]
    accepted_seats(*experts[:6])
    accepted_seats(*experts[3:9])

    # 9: the page's ratings and removals (review.ratings.selectors.attach_ratings) are one more.
    with django_assert_max_num_queries(9):
        response = officer_client.get(POOL, {"industry": "graphene", "q": "专家"})

    assert len(response.context["page"].object_list) == 12


def test_list_pages_by_fifty(officer_client):
    for i in range(51):
        Expert.objects.create(
            code=f"G{i:03d}", name="x", employer_name="y", employer_code=credit_code(9000 + i)
        )
    assert len(listed(officer_client.get(POOL))) == 50
    assert listed(officer_client.get(POOL, {"page": 2})) == ["G050"]


def test_import_page_explains_the_columns(officer_client):
    html = officer_client.get(IMPORT).content.decode()
    assert "Employer credit code" in html
    assert "单位统一社会信用代码" in html


def test_a_valid_import_redirects_with_the_counts(officer_client):
    response = officer_client.post(IMPORT, {"file": upload(xlsx_bytes(rows(3)), "pool.xlsx")})

    assert response.status_code == 302
    assert response["Location"] == POOL
    page = officer_client.get(POOL)
    assert "3 experts added, 0 updated, 0 unchanged, 0 rows skipped" in page.content.decode()
    assert Expert.objects.count() == 3


def bad_records():
    records = rows(6)
    records[1]["Employer credit code"] = wrong_check(credit_code(3))
    records[3]["Industries"] = "nowhere"
    records[5]["Expert ID"] = "E00001"
    return records


def test_a_failed_import_shows_the_error_table_and_imports_nothing(officer_client):
    response = officer_client.post(IMPORT, {"file": upload(csv_bytes(bad_records()))})

    assert response.status_code == 400
    errors = [(e.row, e.column) for e in response.context["errors"]]
    assert errors == [(3, "Employer credit code"), (5, "Industries"), (7, "Expert ID")]
    html = response.content.decode()
    assert "No industry has the code “nowhere”." in html
    assert "Nothing was imported" in html
    assert Expert.objects.count() == 0


def test_import_valid_rows_option_skips_the_bad_rows(officer_client):
    response = officer_client.post(
        IMPORT, {"file": upload(csv_bytes(bad_records())), "valid_rows_only": "on"}
    )

    assert response.status_code == 200
    assert "3 experts added, 0 updated, 0 unchanged, 3 rows skipped" in response.content.decode()
    assert response.context["form"]["valid_rows_only"].value() is True
    assert Expert.objects.count() == 3


def test_a_file_that_is_not_a_table_is_refused_by_the_form(officer_client):
    response = officer_client.post(IMPORT, {"file": upload(b"%PDF-1.4 \0\0", "pool.csv")})

    assert response.status_code == 400
    assert "neither an Excel workbook" in response.content.decode()


def test_an_updated_row_shows_in_the_list(officer_client):
    make_expert("U1", name="旧名")
    officer_client.post(IMPORT, {"file": upload(csv_bytes([row("U1", Name="新名")]))})
    assert Expert.objects.get(code="U1").name == "新名"
