"""Campaigns and their events: what a town officer plans, and what a village worker records afterwards."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xingfu.audit.services import audit_record, field_changes
from xingfu.core.errors import ValidationFailed
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.outreach.models import Campaign, Channel, Event, EventKind, MaterialHandout, MaterialKind
from xingfu.outreach.services._common import (
    check_choice,
    check_count,
    check_date,
    clean_text,
    require_record_in,
    snapshot,
)

CAMPAIGN_FIELDS = ["theme", "orgunit", "start_date", "end_date", "description"]
EVENT_FIELDS = ["campaign", "date", "village", "kind", "channel", "place", "people_reached", "note"]


def _check_period(start_date: Any, end_date: Any) -> tuple[dt.date, dt.date]:
    start = check_date(start_date, field="start_date", label=_("The start date"))
    end = check_date(end_date, field="end_date", label=_("The end date"))
    if end < start:
        raise ValidationFailed(
            _("The campaign ends (%(end)s) before it starts (%(start)s).")
            % {"end": end.isoformat(), "start": start.isoformat()},
            field="end_date",
        )
    return start, end


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    theme: str,
    orgunit: OrgUnit,
    start_date: dt.date,
    end_date: dt.date,
    description: str = "",
) -> Campaign:
    """Plan a campaign run by a town (or the district) over a period; its events then take place in the
    villages under that unit."""
    require_record_in(actor, orgunit)
    if orgunit.level not in (Level.TOWN, Level.DISTRICT):
        raise ValidationFailed(
            _("A campaign is run by a town or the district; its events then take place in the villages."),
            field="orgunit",
        )
    start, end = _check_period(start_date, end_date)
    campaign = Campaign.objects.create(
        theme=clean_text(theme, field="theme", label=_("The theme"), required=True),
        orgunit=orgunit,
        start_date=start,
        end_date=end,
        description=clean_text(
            description, field="description", label=_("The description"), max_length=4000, multiline=True
        ),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="outreach.campaign.create",
        object_type="outreach.campaign",
        object_id=campaign.pk,
        orgunit=orgunit,
        changes=field_changes(None, snapshot(campaign, CAMPAIGN_FIELDS)),
    )
    return campaign


@transaction.atomic
def campaign_update(
    *,
    actor: Any,
    campaign: Campaign,
    theme: str,
    start_date: dt.date,
    end_date: dt.date,
    description: str = "",
) -> Campaign:
    """Correct a campaign's theme, period or description. The period must still hold all its events."""
    require_record_in(actor, campaign.orgunit)
    before = snapshot(campaign, CAMPAIGN_FIELDS)
    start, end = _check_period(start_date, end_date)
    outside = campaign.events.exclude(date__range=(start, end)).order_by("date").first()
    if outside is not None:
        raise ValidationFailed(
            _("The campaign has an event on %(date)s, outside the new period.") % {"date": outside.date.isoformat()},
            field="start_date" if outside.date < start else "end_date",
        )
    campaign.theme = clean_text(theme, field="theme", label=_("The theme"), required=True)
    campaign.start_date, campaign.end_date = start, end
    campaign.description = clean_text(
        description, field="description", label=_("The description"), max_length=4000, multiline=True
    )
    campaign.save()
    audit_record(
        actor=actor,
        action="outreach.campaign.update",
        object_type="outreach.campaign",
        object_id=campaign.pk,
        orgunit=campaign.orgunit,
        changes=field_changes(before, snapshot(campaign, CAMPAIGN_FIELDS)),
    )
    return campaign


def _check_materials(materials: Mapping[str, Any] | None) -> dict[str, int]:
    """``{kind: count}`` with known kinds and counts of 0 or more; kinds with 0 are left out."""
    if materials is None:
        return {}
    if not isinstance(materials, Mapping):
        raise ValidationFailed(_("Materials are given as kind and count."), field="materials")
    clean: dict[str, int] = {}
    for kind, count in materials.items():
        check_choice(kind, MaterialKind.choices, field="materials", label=_("Material"))
        label = _("The count of %(material)s") % {"material": MaterialKind(kind).label}
        if check_count(count, field="materials", label=label):
            clean[kind] = count
    return clean


def _check_event(
    *, actor: Any, campaign: Campaign, village: OrgUnit, date: Any, kind: Any, channel: Any, people_reached: Any
) -> dt.date:
    require_record_in(actor, village)
    if village.level != Level.VILLAGE:
        raise ValidationFailed(_("An event takes place in a village."), field="village")
    if not village.is_within(campaign.orgunit):
        raise ValidationFailed(
            _("%(village)s is not among the villages of %(unit)s, which runs this campaign.")
            % {"village": village.name, "unit": campaign.orgunit.name},
            field="village",
        )
    day = check_date(date, field="date", label=_("The event date"))
    if not campaign.start_date <= day <= campaign.end_date:
        raise ValidationFailed(
            _("The event date %(date)s lies outside the campaign's period (%(start)s to %(end)s).")
            % {"date": day.isoformat(), "start": campaign.start_date.isoformat(), "end": campaign.end_date.isoformat()},
            field="date",
        )
    check_choice(kind, EventKind.choices, field="kind", label=_("Kind"))
    check_choice(channel, Channel.choices, field="channel", label=_("Channel"))
    check_count(people_reached, field="people_reached", label=_("People reached"))
    return day


def _store_materials(event: Event, materials: dict[str, int]) -> None:
    event.materials.all().delete()
    MaterialHandout.objects.bulk_create(
        [MaterialHandout(event=event, kind=kind, count=count) for kind, count in sorted(materials.items())]
    )


def _event_snapshot(event: Event, materials: Mapping[str, int]) -> dict[str, Any]:
    return {**snapshot(event, EVENT_FIELDS), "materials": dict(sorted(materials.items()))}


@transaction.atomic
def event_create(
    *,
    actor: Any,
    campaign: Campaign,
    village: OrgUnit,
    date: dt.date,
    kind: str,
    channel: str,
    place: str = "",
    people_reached: int = 0,
    materials: Mapping[str, int] | None = None,
    note: str = "",
) -> Event:
    """Plan or record one publicity activity of a campaign in a village in the actor's scope, on a day within
    the campaign's period, with the materials handed out and the number of people reached."""
    day = _check_event(
        actor=actor,
        campaign=campaign,
        village=village,
        date=date,
        kind=kind,
        channel=channel,
        people_reached=people_reached,
    )
    handed_out = _check_materials(materials)
    event = Event.objects.create(
        campaign=campaign,
        village=village,
        date=day,
        kind=kind,
        channel=channel,
        place=clean_text(place, field="place", label=_("The place")),
        people_reached=people_reached,
        note=clean_text(note, field="note", label=_("The note"), max_length=4000, multiline=True),
        created_by=actor,
    )
    _store_materials(event, handed_out)
    audit_record(
        actor=actor,
        action="outreach.event.create",
        object_type="outreach.event",
        object_id=event.pk,
        orgunit=village,
        changes=field_changes(None, _event_snapshot(event, handed_out)),
    )
    return event


@transaction.atomic
def event_update(
    *,
    actor: Any,
    event: Event,
    date: dt.date,
    kind: str,
    channel: str,
    place: str = "",
    people_reached: int = 0,
    materials: Mapping[str, int] | None = None,
    note: str = "",
) -> Event:
    """Record how a planned event went (people reached, materials) or correct it. Campaign and village stay."""
    day = _check_event(
        actor=actor,
        campaign=event.campaign,
        village=event.village,
        date=date,
        kind=kind,
        channel=channel,
        people_reached=people_reached,
    )
    handed_out = _check_materials(materials)
    before = _event_snapshot(event, {m.kind: m.count for m in event.materials.all()})
    event.date, event.kind, event.channel = day, kind, channel
    event.place = clean_text(place, field="place", label=_("The place"))
    event.people_reached = people_reached
    event.note = clean_text(note, field="note", label=_("The note"), max_length=4000, multiline=True)
    event.save()
    _store_materials(event, handed_out)
    audit_record(
        actor=actor,
        action="outreach.event.update",
        object_type="outreach.event",
        object_id=event.pk,
        orgunit=event.village,
        changes=field_changes(before, _event_snapshot(event, handed_out)),
    )
    return event
