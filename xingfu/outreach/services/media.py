"""Media pieces: newspaper columns, broadcasts, interviews and online articles about the work."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from xingfu.audit.services import audit_record, field_changes
from xingfu.core.errors import ValidationFailed
from xingfu.orgunits.models import OrgUnit
from xingfu.outreach.models import MediaPiece, Outlet
from xingfu.outreach.services._common import check_choice, check_date, clean_text, require_record_in, snapshot

MEDIA_FIELDS = ["outlet", "outlet_name", "title", "date", "link", "orgunit", "note"]
_URL = URLValidator(schemes=["http", "https"])


def _check_link(value: Any) -> str:
    link = clean_text(value, field="link", label=_("The link"), max_length=500)
    if link:
        try:
            _URL(link)
        except ValidationError:
            raise ValidationFailed(
                _("The link must be a web address starting with http:// or https://."), field="link"
            ) from None
    return link


@transaction.atomic
def media_piece_create(
    *,
    actor: Any,
    outlet: str,
    title: str,
    date: dt.date,
    orgunit: OrgUnit,
    outlet_name: str = "",
    link: str = "",
    note: str = "",
) -> MediaPiece:
    """Record a piece that appeared in the media; a clipping or screenshot can be attached afterwards."""
    require_record_in(actor, orgunit)
    piece = MediaPiece.objects.create(
        outlet=check_choice(outlet, Outlet.choices, field="outlet", label=_("Outlet")),
        outlet_name=clean_text(outlet_name, field="outlet_name", label=_("The outlet name"), max_length=100),
        title=clean_text(title, field="title", label=_("The title"), required=True),
        date=check_date(date, field="date", label=_("The date"), not_future=True),
        link=_check_link(link),
        orgunit=orgunit,
        note=clean_text(note, field="note", label=_("The note"), max_length=4000, multiline=True),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="outreach.media.create",
        object_type="outreach.media_piece",
        object_id=piece.pk,
        orgunit=orgunit,
        changes=field_changes(None, snapshot(piece, MEDIA_FIELDS)),
    )
    return piece
