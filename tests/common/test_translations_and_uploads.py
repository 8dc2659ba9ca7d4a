import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from common.translations import untranslated_entries
from common.uploads import validate_document_upload


def test_every_chinese_message_is_translated():
    assert untranslated_entries("zh_Hans") == []


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (b"\xff\xd8\xff\xe0....", "jpeg"),
        (b"PK\x03\x04....", "ooxml"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....", "ole2"),
    ],
)
def test_upload_kind_is_detected_by_content(content, kind):
    upload = SimpleUploadedFile("whatever.bin", content)
    assert validate_document_upload(upload, allowed=(kind,)) == kind


def test_renamed_executable_is_refused():
    upload = SimpleUploadedFile("report.pdf", b"MZ\x90\x00\x03")
    with pytest.raises(ValidationError) as exc:
        validate_document_upload(upload, allowed=("pdf",))
    assert exc.value.code == "content_type"


def test_oversized_upload_is_refused_with_sizes(settings):
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2048)
    with pytest.raises(ValidationError) as exc:
        validate_document_upload(upload, allowed=("pdf",), max_bytes=1024)
    assert exc.value.code == "too_large"


def test_stream_position_is_restored():
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4 body")
    validate_document_upload(upload, allowed=("pdf",))
    assert upload.read() == b"%PDF-1.4 body"


def test_state_machine_diagrams_in_docs_are_current():
    from django.core.management import call_command

    call_command("state_diagrams", "--check")
