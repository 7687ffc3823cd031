"""Checking and storing files attached to timeline entries (Django's storage API).

The type is decided by the file name's extension and must agree with the file's first bytes where
the format has a signature, so a program renamed to .pdf is refused. Limits come from settings:
`ATTACHMENT_MAX_BYTES` and `ATTACHMENT_ALLOWED_TYPES`.
"""

import mimetypes
from collections.abc import Iterable
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from apps.cases.models import Attachment, TimelineEntry

MAX_FILES_PER_ENTRY = 10

ZIP = (b"PK\x03\x04",)
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ZIP,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ZIP,
}


def attachment_content_type(upload: UploadedFile) -> str:
    """The checked content type of `upload`; raises ValidationError naming the file otherwise."""
    name = PurePath(upload.name or "").name
    if not name:
        raise ValidationError({"attachments": "An attachment needs a file name."})
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {"attachments": f"{name} is larger than {filesizeformat(settings.ATTACHMENT_MAX_BYTES)}."}
        )
    content_type, _ = mimetypes.guess_type(name)
    if content_type not in settings.ATTACHMENT_ALLOWED_TYPES:
        raise ValidationError({"attachments": f"{name}: files of this type are not accepted."})
    signatures = SIGNATURES.get(content_type)
    if signatures:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not head.startswith(signatures):
            raise ValidationError({"attachments": f"{name} does not contain what its name says."})
    return content_type


def attachments_check(uploads: Iterable[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    """Check every file before anything is written; return (file, content type) pairs."""
    uploads = list(uploads)
    if len(uploads) > MAX_FILES_PER_ENTRY:
        raise ValidationError({"attachments": f"Attach at most {MAX_FILES_PER_ENTRY} files at once."})
    return [(upload, attachment_content_type(upload)) for upload in uploads]


def attachments_store(*, entry: TimelineEntry, checked: list[tuple[UploadedFile, str]]) -> list[Attachment]:
    stored = []
    for upload, content_type in checked:
        attachment = Attachment(
            tenant_id=entry.tenant_id,
            entry=entry,
            filename=PurePath(upload.name).name[:200],
            content_type=content_type,
            size=upload.size,
        )
        attachment.file.save(attachment.filename, upload, save=False)
        attachment.save()
        stored.append(attachment)
    return stored
