"""The 发榜公告 of a call: generated through the one pipeline when the call's list is
published, public from then on, linked from the call page; nothing for a call not yet
published."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from bounty.models import Call
from bounty.signals import call_published
from documents import services
from documents.calls import call_notice, call_notice_request, call_notice_series
from documents.models import Document, DocumentKind, DocumentStatus
from tests.documents.call_helpers import TITLES, call_in_vetting, published_call
from tests.documents.helpers import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_publishing_the_list_renders_the_announcement_of_every_challenge(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        call, officer, challenges = published_call()
    notice = Document.objects.get(kind=DocumentKind.CALL_NOTICE)
    assert notice.status == DocumentStatus.READY
    assert notice.subject == call
    assert notice.series == call_notice_series(call)
    assert notice.requested_by == officer
    text = pdf_text(notice.file.path)
    for challenge in challenges:
        assert challenge.title in text
        assert challenge.ocid.replace("-", "") in text.replace("-", "")
    assert "关于发布2027年度第一批揭榜挂帅榜单的公告" in text
    assert "具有独立法人资格的高校" in text  # the call's guide
    assert f"不超过{call.max_lead_bids}项" in text
    assert "1600" in text  # the bounties' total (2 × 800 万元)
    assert services.verify_hash(notice.sha256)["document"] == notice
    assert notice.snapshot["call"]["count"] == len(TITLES)


def test_the_announcement_is_made_once_whatever_the_signal_is_sent(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        call, officer, _challenges = published_call()
        call_published.send(sender=Call, call=call, by=officer)  # delivered twice
        call_notice_request(call=call, by=officer)
    assert Document.objects.filter(kind=DocumentKind.CALL_NOTICE).count() == 1


def test_the_call_page_links_the_announcement_for_anyone(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call, _officer, _challenges = published_call()
    notice = call_notice(call)
    page = client.get(call.get_absolute_url())
    assert page.status_code == 200
    url = reverse("documents:download", args=[notice.number])
    assert url in page.content.decode()
    assert notice.sha256 in page.content.decode()
    response = client.get(url)  # anonymous: public information
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-SHA256"] == notice.sha256


def test_while_being_generated_the_page_says_so_without_a_link(client, english):
    call, _officer, _challenges = published_call()  # the render is queued on commit only
    notice = call_notice(call)
    assert notice.status == DocumentStatus.QUEUED
    page = client.get(call.get_absolute_url()).content.decode()
    assert "being generated" in page
    assert reverse("documents:download", args=[notice.number]) not in page


def test_an_unpublished_call_shows_nothing_and_its_file_is_not_served(client):
    call = call_in_vetting()
    assert render_to_string("bounty/calls/_notice.html", {"call": call}).strip() == ""
    assert call_notice(call) is None
    # Even a document made ahead of publication (it cannot be, but) is not served.
    document = call_notice_request(call=call)
    assert client.get(reverse("documents:download", args=[document.number])).status_code == 404


def test_the_bureau_previews_the_template_with_sample_data(tmp_path):
    from documents.previews import sample_for

    template = services.template_current(DocumentKind.CALL_NOTICE)
    pdf = services.template_preview(
        template, sample_for(DocumentKind.CALL_NOTICE, template_version=template.version)
    )
    path = tmp_path / "preview.pdf"
    path.write_bytes(pdf)
    text = pdf_text(path)
    assert "关于发布2026年度第一批揭榜挂帅榜单的公告" in text
    assert "12英寸晶圆级键合设备国产化" in text
