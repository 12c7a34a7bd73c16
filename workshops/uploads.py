"""Checks on uploaded workshop materials: the type comes from the content, never the name."""

import io
import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

# Detected MIME type -> extension used on disk.
ALLOWED = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
OOXML = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OOXML_PART_PREFIX = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


def _ooxml_type(data: bytes) -> str | None:
    """An Office Open XML document is a zip holding [Content_Types].xml and its main part."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" not in names:
        return None
    for extension, prefix in OOXML_PART_PREFIX.items():
        if any(name.startswith(prefix) for name in names):
            return OOXML[extension]
    return None


def check_upload(upload) -> tuple[str, str]:
    """The upload's real MIME type and extension, or a ValidationError saying what is wrong."""
    limit = settings.WORKSHOP_MATERIAL_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {"file": f"The file is too large: the limit is {limit // (1024 * 1024)} MB."}
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    kind = filetype.guess(data)
    mime = kind.mime if kind else None
    if mime in ("application/zip", *OOXML.values()):
        mime = _ooxml_type(data)
    if mime not in ALLOWED:
        raise ValidationError(
            {"file": "Upload a PDF, an image (PNG, JPEG, GIF, WebP) or an Office document."}
        )
    return mime, ALLOWED[mime]
