"""Public PDFs (the public notice, the acceptance result notice) of a restricted challenge
print none of its withheld details (issue 16, point 4). The contract and task book, read by
the three parties only, still carry them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bounty.models import Challenge, Project, ProjectStatus
from documents.models import Document, DocumentKind
from tests.bounty.challenges.confidential import HIDDEN, SUMMARY, hidden_words
from tests.documents.helpers import awarded_contract, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _restricted_award():
    contract, _officer = awarded_contract(render=False)
    challenge = contract.project.challenge
    Challenge.objects.filter(pk=challenge.pk).update(
        confidentiality="internal",
        public_summary=SUMMARY,
        problem=f"需突破{HIDDEN}。",
        deliverable="保密样机图纸",
        eligibility="须具备军工保密资质",
        notice_ends_at=timezone.now() - timedelta(seconds=1),
    )
    return contract, Challenge.objects.get(pk=challenge.pk)


@pytest.mark.parametrize("kind", [DocumentKind.NOTICE, DocumentKind.ACCEPTANCE])
def test_public_pdfs_of_a_restricted_challenge_print_no_hidden_detail(
    client, django_capture_on_commit_callbacks, kind
):
    contract, challenge = _restricted_award()
    subject = challenge.pk
    if kind == DocumentKind.ACCEPTANCE:
        Project.objects.filter(pk=contract.project.pk).update(status=ProjectStatus.PASSED)
        subject = contract.project.pk
    url = reverse("documents:of", args=[kind, subject])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)  # anonymous: these documents are public
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(Document.objects.get(kind=kind).file.path)
    assert challenge.title.replace(" ", "") in text
    for word in hidden_words():
        assert word not in text, word
