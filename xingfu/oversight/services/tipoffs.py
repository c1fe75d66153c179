"""Tip-offs from the public: the anonymous web form with its tracking code, and those taken by staff (hotline,
letter, media). Tip-offs name providers and practices; Xingfu takes no tip-off about a pregnant woman herself."""

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xingfu.audit.services import audit_record
from xingfu.core.errors import Conflict, NotFound, ValidationFailed, XingfuError
from xingfu.orgunits.models import OrgUnit
from xingfu.oversight import rules
from xingfu.oversight.models import SubmissionLog, TipOff, TipOffAbout, TipOffChannel, TipOffStatus
from xingfu.oversight.services._common import check_choice, clean_text
from xingfu.oversight.services.attachments import check_attachment

# Tracking codes: 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 59 bits.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 12

# The form offers this choice so that a well-meaning reporter learns why it is refused; it is never stored.
ABOUT_PREGNANT_WOMAN = "pregnant_woman"
PUBLIC_ABOUT_CHOICES = [
    *TipOffAbout.choices,
    (ABOUT_PREGNANT_WOMAN, gettext_lazy("A pregnant woman")),
]

_CHALLENGE_SALT = "xingfu.oversight.tipoff-challenge"


class TooManyReports(XingfuError):
    status_code = 429
    code = "throttled"

    @staticmethod
    def default_message() -> str:
        return _("Too many attempts from your connection. Please try again later, or call the hotline.")


class ReportAboutWomanRefused(ValidationFailed):
    code = "refused"


def refusal_message() -> str:
    return _(
        "Xingfu does not accept reports about women and their pregnancies. A pregnant woman is never the "
        "subject of a report: report the provider, clinic or person who offers fetal sex determination or "
        "sex-selective abortion instead."
    )


def not_found_message() -> str:
    return _("No report has that tracking code. Check the code and try again.")


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def normalise_tracking_code(text: str) -> str:
    """What the reporter typed, as the code was issued: upper case, without spaces or dashes."""
    return "".join(ch for ch in str(text or "").upper() if ch not in " -\t\r\n")[:64]


def tracking_digest(code: str) -> str:
    # Only this digest is stored. Looking a code up compares digests, so neither the database nor the time a
    # lookup takes tells anything about codes that exist.
    return hashlib.sha256(f"xingfu-tipoff:{code}".encode()).hexdigest()


def format_tracking_code(code: str) -> str:
    """``ABCD EFGH JKMN``: easier to read out and copy."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def client_digest(ip: str) -> str:
    """A keyed digest of the client's address: enough to count its submissions, useless to find the person."""
    return hmac.new(settings.SECRET_KEY.encode(), f"tipoff-client:{ip}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def challenge_new() -> Challenge:
    """A small sum to answer, signed so it cannot be forged, used once, and expires."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"a": a, "b": b, "n": secrets.token_hex(12)}, salt=_CHALLENGE_SALT)
    return Challenge(question=_("How much is %(a)d + %(b)d?") % {"a": a, "b": b}, token=token)


def challenge_check(token: str, answer: Any) -> str:
    """The challenge's one-time nonce if ``answer`` is right; otherwise a clear refusal."""
    try:
        data = signing.loads(str(token or ""), salt=_CHALLENGE_SALT, max_age=rules.challenge_max_age())
    except signing.SignatureExpired:
        raise ValidationFailed(
            _("The question has expired. Please answer the new question."), field="challenge_answer"
        ) from None
    except signing.BadSignature:
        raise ValidationFailed(
            _("The question could not be checked. Please answer the new question."), field="challenge_answer"
        ) from None
    try:
        given = int(str(answer).strip())
    except (TypeError, ValueError):
        given = None
    if not isinstance(data, dict) or given is None or given != int(data.get("a", 0)) + int(data.get("b", 0)):
        raise ValidationFailed(_("The answer to the question is not right."), field="challenge_answer")
    return str(data["n"])[:32]


def _clean_report(
    *, about: str, provider: str, description: str, place: str, occurred: str, contact: str
) -> dict[str, str]:
    if about == ABOUT_PREGNANT_WOMAN:
        raise ReportAboutWomanRefused(refusal_message(), field="about")
    check_choice(about, TipOffAbout.values, field="about")
    return {
        "about": about,
        "provider": clean_text(provider, field="provider", label=_("The provider")),
        "description": clean_text(
            description, field="description", label=_("What happened"), required=True, max_length=5000
        ),
        "place": clean_text(place, field="place", label=_("Where"), required=True, max_length=300),
        "occurred": clean_text(occurred, field="occurred", label=_("When"), max_length=100),
        "contact": clean_text(contact, field="contact", label=_("The contact")),
    }


def _create(
    *, actor: Any, values: dict[str, str], channel: str, orgunit: OrgUnit, attachment: Any = None
) -> tuple[TipOff, str]:
    code = new_tracking_code()
    while TipOff.objects.filter(tracking_digest=tracking_digest(code)).exists():  # pragma: no cover - 59 bits
        code = new_tracking_code()
    now = timezone.now()
    tipoff = TipOff(
        **values,
        tracking_digest=tracking_digest(code),
        channel=channel,
        orgunit=orgunit,
        received_at=now,
        status_changed_at=now,
    )
    if attachment is not None:
        upload, kind = check_attachment(attachment)
        tipoff.attachment = upload  # type: ignore[assignment]
        tipoff.attachment_type = kind.content_type
    tipoff.save()
    audit_record(
        actor=actor,
        action="oversight.tipoff.receive",
        object_type="tipoff",
        object_id=tipoff.pk,
        orgunit=orgunit,
        # The reporter's contact is never written to the trail, only whether there is one.
        changes={"about": values["about"], "channel": channel, "anonymous": not values["contact"]},
    )
    return tipoff, code


def _district() -> OrgUnit:
    return OrgUnit.objects.get(level="district")


@transaction.atomic
def tipoff_submit(
    *,
    about: str,
    description: str,
    place: str,
    client_ip: str,
    challenge_token: str,
    challenge_answer: Any,
    provider: str = "",
    occurred: str = "",
    contact: str = "",
    town: OrgUnit | None = None,
    attachment: Any = None,
) -> tuple[TipOff, str]:
    """A member of the public reports a provider or practice, without an account. Returns the tip-off and its
    tracking code (shown once; only its digest is kept). Leaving the contact empty keeps the report anonymous.

    Refused, with nothing stored: a report about a pregnant woman, a wrong or reused answer to the question,
    and more than the allowed number of reports from one address within an hour."""
    values = _clean_report(
        about=about, provider=provider, description=description, place=place, occurred=occurred, contact=contact
    )
    if town is not None and town.level not in ("town", "district"):
        raise ValidationFailed(_("Choose a town or leave it open."), field="town")
    client = client_digest(client_ip or "unknown")
    since = timezone.now() - dt.timedelta(hours=1)
    if SubmissionLog.objects.filter(client_digest=client, at__gte=since).count() >= rules.tipoffs_per_hour():
        raise TooManyReports(
            _("Too many reports from your connection in the last hour. Please try again later, or call the hotline.")
        )
    nonce = challenge_check(challenge_token, challenge_answer)
    if SubmissionLog.objects.filter(challenge_nonce=nonce).exists():
        raise ValidationFailed(
            _("This question was already used for a report. Please answer the new question."), field="challenge_answer"
        )
    # Keep the log short: the limit only looks back an hour, and a challenge expires sooner than a day.
    SubmissionLog.objects.filter(at__lt=timezone.now() - dt.timedelta(days=1)).delete()
    SubmissionLog.objects.create(client_digest=client, challenge_nonce=nonce, at=timezone.now())
    return _create(
        actor=None, values=values, channel=TipOffChannel.WEB, orgunit=town or _district(), attachment=attachment
    )


@transaction.atomic
def tipoff_record(
    *,
    actor: Any,
    channel: str,
    about: str,
    description: str,
    place: str,
    orgunit: OrgUnit,
    provider: str = "",
    occurred: str = "",
    contact: str = "",
) -> tuple[TipOff, str]:
    """Staff enter a tip-off taken by hotline, letter or from the media; the code is given to the reporter."""
    check_choice(channel, [TipOffChannel.HOTLINE, TipOffChannel.LETTER, TipOffChannel.MEDIA], field="channel")
    values = _clean_report(
        about=about, provider=provider, description=description, place=place, occurred=occurred, contact=contact
    )
    return _create(actor=actor, values=values, channel=channel, orgunit=orgunit)


@dataclass(frozen=True)
class PublicStatus:
    status: str
    status_label: str
    received_on: dt.date
    updated_on: dt.date


def tipoff_public_status(*, code: str) -> PublicStatus:
    """What the reporter may know: the status and two dates. A code that does not exist and one that is
    malformed take the same path and get the same answer."""
    row = (
        TipOff.objects.filter(tracking_digest=tracking_digest(normalise_tracking_code(code)))
        .values("status", "received_at", "status_changed_at")
        .first()
    )
    if row is None:
        raise NotFound(not_found_message(), field="code")
    return PublicStatus(
        status=row["status"],
        status_label=str(TipOffStatus(row["status"]).label),
        received_on=timezone.localdate(row["received_at"]),
        updated_on=timezone.localdate(row["status_changed_at"]),
    )


def set_status(tipoff: TipOff, status: str) -> None:
    if tipoff.status != status:
        tipoff.status = status
        tipoff.status_changed_at = timezone.now()


@transaction.atomic
def tipoff_dismiss(*, actor: Any, tipoff: TipOff, reason: str) -> TipOff:
    """Triage: nothing can be done with this tip-off (too vague, not about a provider, a duplicate)."""
    if tipoff.case_id is not None or tipoff.status != TipOffStatus.RECEIVED:
        raise Conflict(_("This tip-off was already triaged."))
    reason = clean_text(reason, field="reason", label=_("The reason"), required=True, max_length=500)
    set_status(tipoff, TipOffStatus.NOT_ACTIONABLE)
    tipoff.save(update_fields=["status", "status_changed_at"])
    audit_record(
        actor=actor,
        action="oversight.tipoff.dismiss",
        object_type="tipoff",
        object_id=tipoff.pk,
        orgunit=tipoff.orgunit,
        reason=reason,
    )
    return tipoff
