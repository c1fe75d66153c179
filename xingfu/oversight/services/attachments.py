"""Files sent with a tip-off: images and PDFs only, recognised by their first bytes (never by the name a
browser sends), at most a few megabytes, stored under MEDIA_ROOT with a name we choose."""

import secrets
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from xingfu.core.errors import ValidationFailed
from xingfu.oversight import rules


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str


def sniff(head: bytes) -> FileType | None:
    """The type of a file from its first bytes, if it is one we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return FileType("jpg", "image/jpeg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType("png", "image/png")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return FileType("gif", "image/gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileType("webp", "image/webp")
    if head.startswith(b"%PDF-"):
        return FileType("pdf", "application/pdf")
    return None


def check_attachment(upload: Any) -> tuple[UploadedFile, FileType]:
    """The upload and its type, or a clear refusal (too large, empty, or not an image or PDF)."""
    if not isinstance(upload, UploadedFile):
        raise ValidationFailed(_("The attachment must be a file upload."), field="attachment")
    limit = rules.attachment_max_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationFailed(
            _("The attachment is too large: at most %(mb)s MB.") % {"mb": round(limit / 1024 / 1024, 1)},
            field="attachment",
        )
    if upload.size == 0:
        raise ValidationFailed(_("The attachment is empty."), field="attachment")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationFailed(
            _("Only photos (JPEG, PNG, GIF, WebP) and PDF documents can be attached."), field="attachment"
        )
    upload.name = f"{secrets.token_hex(16)}.{kind.extension}"
    return upload, kind
