import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from workshops.uploads import check_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def docx_bytes(with_content_types: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if with_content_types:
            archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "data", "mime"),
    [
        ("handout.pdf", PDF, "application/pdf"),
        ("slide.png", PNG, "image/png"),
        (
            "notes.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_pdfs_images_and_office_documents_are_accepted(settings, name, data, mime):
    assert check_upload(upload(name, data))[0] == mime


def test_the_type_comes_from_the_content_not_the_name(settings):
    with pytest.raises(ValidationError):
        check_upload(upload("handout.pdf", b"#!/bin/sh\necho not a pdf\n"))


def test_a_plain_zip_is_not_an_office_document(settings):
    with pytest.raises(ValidationError):
        check_upload(upload("notes.docx", docx_bytes(with_content_types=False)))


def test_an_oversize_file_is_refused(settings):
    settings.WORKSHOP_MATERIAL_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        check_upload(upload("big.pdf", PDF + b"0" * 2048))
    assert "too large" in str(error.value)


def test_an_opendocument_text_is_accepted(settings):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    mime, extension = check_upload(upload("notes.odt", buffer.getvalue()))
    assert (mime, extension) == ("application/vnd.oasis.opendocument.text", "odt")
