"""Photos of events and clippings of media pieces: JPEG, PNG or PDF only, recognised by their first bytes
(never by the name or type a browser sends), at most ``OUTREACH_ATTACHMENT_MAX_BYTES`` (5 MB), stored under
MEDIA_ROOT with a name we choose and served only through a view that checks the viewer's scope."""

import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from xingfu.audit.services import audit_record, field_changes
from xingfu.core.errors import ValidationFailed
from xingfu.outreach.models import Attachment, Event, MediaPiece
from xingfu.outreach.services._common import require_record_in

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_PER_RECORD = 20


def attachment_max_bytes() -> int:
    return int(getattr(settings, "OUTREACH_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


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
    if head.startswith(b"%PDF-"):
        return FileType("pdf", "application/pdf")
    return None


def _check_upload(upload: Any) -> FileType:
    if not isinstance(upload, File):
        raise ValidationFailed(_("The attachment must be a file upload."), field="file")
    limit = attachment_max_bytes()
    size = upload.size
    if size is None or size > limit:
        raise ValidationFailed(
            _("The file is too large: at most %(mb)s MB.") % {"mb": f"{limit / 1024 / 1024:g}"}, field="file"
        )
    if size == 0:
        raise ValidationFailed(_("The file is empty."), field="file")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationFailed(_("Only photos (JPEG, PNG) and PDF documents can be attached."), field="file")
    return kind


@transaction.atomic
def attachment_add(
    *, actor: Any, upload: Any, event: Event | None = None, media_piece: MediaPiece | None = None
) -> Attachment:
    """Attach a photo to an event, or a clipping to a media piece, in the actor's scope."""
    if (event is None) == (media_piece is None):
        raise ValidationFailed(_("An attachment belongs to one event or one media piece."), field="file")
    owner_unit = event.village if event is not None else media_piece.orgunit  # type: ignore[union-attr]
    require_record_in(actor, owner_unit)
    kind = _check_upload(upload)
    existing = (
        Attachment.objects.filter(event=event)
        if event is not None
        else Attachment.objects.filter(media_piece=media_piece)
    )
    if existing.count() >= MAX_PER_RECORD:
        raise ValidationFailed(
            _("At most %(n)d files can be attached to one record.") % {"n": MAX_PER_RECORD}, field="file"
        )
    original = str(getattr(upload, "name", "") or "").replace("\x00", "")[-200:]
    attachment = Attachment(
        event=event,
        media_piece=media_piece,
        orgunit=owner_unit,
        content_type=kind.content_type,
        size=upload.size,
        original_name=original.rsplit("/", 1)[-1],
        uploaded_by=actor,
    )
    attachment.file.save(f"{secrets.token_hex(16)}.{kind.extension}", upload, save=False)
    # If anything below fails the row rolls back; the file must not outlive it.
    try:
        attachment.save()
        audit_record(
            actor=actor,
            action="outreach.attachment.add",
            object_type="outreach.attachment",
            object_id=attachment.pk,
            orgunit=owner_unit,
            changes=field_changes(
                None,
                {
                    "event": attachment.event_id,
                    "media_piece": attachment.media_piece_id,
                    "content_type": kind.content_type,
                    "size": attachment.size,
                },
            ),
        )
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment
