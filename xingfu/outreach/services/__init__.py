"""Writes of the outreach app: each function is one thing a user does, all-or-nothing, with its audit row."""

from xingfu.outreach.services.attachments import attachment_add
from xingfu.outreach.services.campaigns import campaign_create, campaign_update, event_create, event_update
from xingfu.outreach.services.media import media_piece_create
from xingfu.outreach.services.trainings import attendance_add, attendance_remove, training_create

__all__ = [
    "attachment_add",
    "attendance_add",
    "attendance_remove",
    "campaign_create",
    "campaign_update",
    "event_create",
    "event_update",
    "media_piece_create",
    "training_create",
]
