"""Village screening campaigns: plan one, invite the women due for screening (from the registry, in one
statement), check them in by resident-ID number, record results and referrals.

Check-in is by the number on her ID card, typed or read from the card by staff: no fingerprints, no photos
(the district's old fingerprint check-in is declined, work-described.md §5).
"""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from xingfu.audit.services import audit_record, field_changes
from xingfu.care.access import require_record
from xingfu.care.models import (
    BreastResult,
    CareProgrammeKind,
    CervicalResult,
    Invitation,
    InvitationStatus,
    ScreeningCampaign,
    ScreeningResult,
)
from xingfu.care.selectors import eligible_women, screened_since, screening_interval_days
from xingfu.care.services._common import SENSITIVE, active_programme, check_date, check_text, today
from xingfu.core.errors import Conflict, NotFound, ValidationFailed
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.registry.models import Person
from xingfu.registry.resident_id import normalise

MAX_CAMPAIGN_DAYS = 92


def _audit(actor: Any, campaign: ScreeningCampaign, action: str, changes: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        action=f"care.screening.{action}",
        object_type="care.campaign",
        object_id=campaign.pk,
        orgunit=campaign.village,
        changes=changes,
    )


@transaction.atomic
def campaign_plan(
    *, actor: Any, village: OrgUnit, name: str, starts_on: datetime.date, ends_on: datetime.date, place: str = ""
) -> ScreeningCampaign:
    """Plan a screening campaign in one village on set dates."""
    require_record(actor, village)
    programme = active_programme(CareProgrammeKind.SCREENING)
    if village.level != Level.VILLAGE:
        raise ValidationFailed(_("A screening campaign is held in a village."), field="village")
    name = check_text(name, field="name", max_length=100, required=True)
    place = check_text(place, field="place", max_length=200)
    starts_on = check_date(starts_on, field="starts_on", allow_future=True)
    ends_on = check_date(ends_on, field="ends_on", allow_future=True)
    if ends_on < starts_on:
        raise ValidationFailed(_("The campaign cannot end before it starts."), field="ends_on")
    if (ends_on - starts_on).days > MAX_CAMPAIGN_DAYS:
        raise ValidationFailed(_("A campaign lasts at most three months."), field="ends_on")
    if starts_on > today() + datetime.timedelta(days=366):
        raise ValidationFailed(_("A campaign is planned at most a year ahead."), field="starts_on")
    campaign = ScreeningCampaign.objects.create(
        programme=programme, village=village, name=name, starts_on=starts_on, ends_on=ends_on, place=place,
        created_by=actor,
    )  # fmt: skip
    _audit(
        actor,
        campaign,
        "plan",
        field_changes(None, {"name": name, "starts_on": starts_on, "ends_on": ends_on, "place": place}),
    )
    return campaign


@transaction.atomic
def invitations_generate(*, actor: Any, campaign: ScreeningCampaign) -> int:
    """Invite the eligible women of the village not screened within the interval (three years), in one
    statement over the registry; women already on the list stay on it. Returns how many were added."""
    require_record(actor, campaign.village)
    if campaign.ends_on < today():
        raise ValidationFailed(_("The campaign is over."), field="campaign")
    since = campaign.starts_on - datetime.timedelta(days=screening_interval_days(campaign.programme))
    candidates = (
        eligible_women(campaign)
        .exclude(screened_since(since))
        .exclude(Exists(Invitation.objects.filter(campaign=campaign, person=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rows = [Invitation(campaign=campaign, person_id=pk) for pk in candidates.iterator(chunk_size=5000)]
    Invitation.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    _audit(actor, campaign, "invite", {"invited": {"before": None, "after": len(rows)}})
    return len(rows)


@transaction.atomic
def screening_checkin(
    *, actor: Any, campaign: ScreeningCampaign, id_number: str, on: datetime.date | None = None
) -> Invitation:
    """Check a woman in by her resident-ID number. A woman of the village the programme covers who was not
    invited (screened recently, or newly moved in) is checked in as a walk-in."""
    require_record(actor, campaign.village)
    on = check_date(on or today(), field="on")
    if not campaign.starts_on <= on <= campaign.ends_on:
        raise ValidationFailed(
            _("The campaign runs from %(start)s to %(end)s.")
            % {"start": campaign.starts_on.isoformat(), "end": campaign.ends_on.isoformat()},
            field="id_number",
        )
    number = normalise(str(id_number or ""))
    person = Person.objects.filter(id_number=number, orgunit=campaign.village).first()
    if person is None:
        # The same answer whether the number is unknown or belongs to someone elsewhere.
        raise NotFound(
            _("No resident of %(village)s has this resident ID number.") % {"village": campaign.village.name},
            field="id_number",
        )
    invitation = Invitation.objects.select_for_update().filter(campaign=campaign, person=person).first()
    if invitation is None:
        if not eligible_women(campaign).filter(pk=person.pk).exists():
            raise ValidationFailed(
                _("%(name)s is not covered: the programme screens women aged %(min)s–%(max)s.")
                % {"name": person.name, "min": campaign.programme.min_age, "max": campaign.programme.max_age},
                field="id_number",
            )
        invitation = Invitation(campaign=campaign, person=person, walk_in=True)
    elif invitation.status == InvitationStatus.ATTENDED:
        raise Conflict(
            _("%(name)s is already checked in (%(date)s).") % {"name": person.name, "date": invitation.attended_on},
            field="id_number",
        )
    invitation.status = InvitationStatus.ATTENDED
    invitation.attended_on = on
    invitation.checked_in_by = actor
    invitation.save()
    _audit(actor, campaign, "checkin", {"person": person.pk, "walk_in": invitation.walk_in, "on": on.isoformat()})
    return invitation


@transaction.atomic
def screening_result_record(
    *, actor: Any, invitation: Invitation, cervical: str, breast: str, referral_to: str = "", note: str = ""
) -> ScreeningResult:
    """Record a screened woman's results; an abnormal result needs the referral (colposcopy, mammography,
    pathology) it leads to."""
    campaign = invitation.campaign
    require_record(actor, campaign.village)
    if invitation.status != InvitationStatus.ATTENDED:
        raise ValidationFailed(_("Check her in before recording results."), field="invitation")
    if cervical not in CervicalResult.values:
        raise ValidationFailed(_("Unknown cervical result."), field="cervical")
    if breast not in BreastResult.values:
        raise ValidationFailed(_("Unknown breast result."), field="breast")
    referral_to = check_text(referral_to, field="referral_to", max_length=200)
    note = check_text(note, field="note", max_length=2000)
    result = ScreeningResult.objects.filter(invitation=invitation).first()
    before = (
        {"cervical": result.cervical, "breast": result.breast, "referral_to": result.referral_to} if result else None
    )
    result = result or ScreeningResult(invitation=invitation)
    result.cervical, result.breast, result.referral_to, result.note = cervical, breast, referral_to, note
    if result.abnormal and not referral_to:
        raise ValidationFailed(_("An abnormal result needs the referral it leads to."), field="referral_to")
    result.recorded_by = actor
    result.save()
    _audit(
        actor,
        campaign,
        "result",
        {
            "person": invitation.person_id,
            **field_changes(
                before, {"cervical": cervical, "breast": breast, "referral_to": referral_to}, sensitive=SENSITIVE
            ),
        },
    )
    return result
