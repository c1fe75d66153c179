"""Defining programmes and changing their rules (district administrators)."""

import datetime
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xingfu.accounts.roles import Perm
from xingfu.audit.services import audit_record
from xingfu.benefits.eligibility.amounts import validate_amount
from xingfu.benefits.eligibility.conditions import validate_conditions
from xingfu.benefits.models import (
    BenefitKind,
    Fund,
    PayeeKind,
    Programme,
    ProgrammeLevel,
    ProgrammeRule,
    Unit,
)
from xingfu.benefits.services._common import require_perm
from xingfu.core.errors import Conflict, ValidationFailed

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
MAX_ATTACHMENTS = 10


def _choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise ValidationFailed(
            _("%(field)s is one of: %(choices)s.") % {"field": field, "choices": ", ".join(choices.values)},
            field=field,
        )
    return value


def _attachments(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list | tuple) or len(value) > MAX_ATTACHMENTS:
        raise ValidationFailed(
            _("attachments is a list of at most %(n)d documents.") % {"n": MAX_ATTACHMENTS}, field="attachments"
        )
    cleaned = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise ValidationFailed(_("Each attachment has a name."), field="attachments")
        types = item.get("types", "")
        if not isinstance(types, str) or len(types) > 40 or len(item["name"]) > 100:
            raise ValidationFailed(_("An attachment's name or types are too long."), field="attachments")
        cleaned.append({"name": item["name"].strip(), "types": types.strip()})
    return cleaned


def _check_shape(*, unit: str, benefit_kind: str, payee: str, third_party: str, needs_application: bool) -> None:
    """Combinations that make no sense are refused with the reason."""
    if unit == Unit.HOUSEHOLD and payee == PayeeKind.PERSON:
        raise ValidationFailed(_("A household programme pays the head of household or a third party."), field="payee")
    if benefit_kind == BenefitKind.PREMIUM and payee != PayeeKind.THIRD_PARTY:
        raise ValidationFailed(_("A premium is paid to a third party (the insurer)."), field="payee")
    if payee == PayeeKind.THIRD_PARTY and not third_party.strip():
        raise ValidationFailed(_("Name the third party that is paid."), field="third_party")
    if benefit_kind == BenefitKind.CERTIFICATE and unit != Unit.HOUSEHOLD:
        raise ValidationFailed(_("A discount certificate is issued to a household."), field="unit")
    if needs_application and benefit_kind != BenefitKind.CASH_ONCE:
        raise ValidationFailed(
            _("Only one-off cash programmes take applications (each approved application is paid once)."),
            field="needs_application",
        )


def check_rule(programme: Programme, *, conditions: Any, amount: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A rule's conditions and amount, checked against the programme (unknown facts, amounts below zero, ...)."""
    clean_conditions = validate_conditions(conditions, unit=programme.unit)
    clean_amount = validate_amount(
        amount,
        unit=programme.unit,
        needs_application=programme.needs_application,
        percent=programme.benefit_kind == BenefitKind.CERTIFICATE,
    )
    return clean_conditions, clean_amount


@transaction.atomic
def programme_define(
    *,
    actor: Any,
    code: str,
    name_zh: str,
    name_en: str = "",
    description: str = "",
    level: str = ProgrammeLevel.DISTRICT,
    unit: str,
    benefit_kind: str,
    payee: str,
    third_party: str = "",
    funding_source: str = "",
    fund: Fund | None = None,
    needs_application: bool = False,
    attachments: Any = (),
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    conditions: Any,
    amount: Any,
) -> Programme:
    """Set up a programme without code: who it is for, what it gives and to whom, and its first rule (the
    conditions over registry facts and the amount), in force from ``starts_on``."""
    require_perm(actor, Perm.BENEFITS_MANAGE)
    if not isinstance(code, str) or not _CODE.match(code):
        raise ValidationFailed(
            _("The code is 2–40 lower-case letters, digits and dashes, e.g. only-daughter."), field="code"
        )
    if not name_zh.strip():
        raise ValidationFailed(_("The programme needs a name."), field="name_zh")
    _choice(level, ProgrammeLevel, "level")
    _choice(unit, Unit, "unit")
    _choice(benefit_kind, BenefitKind, "benefit_kind")
    _choice(payee, PayeeKind, "payee")
    _check_shape(
        unit=unit, benefit_kind=benefit_kind, payee=payee, third_party=third_party, needs_application=needs_application
    )
    if ends_on is not None and ends_on < starts_on:
        raise ValidationFailed(_("The programme cannot end before it starts."), field="ends_on")
    programme = Programme(
        code=code,
        name_zh=name_zh.strip()[:100],
        name_en=name_en.strip()[:100],
        description=description.strip(),
        level=level,
        unit=unit,
        benefit_kind=benefit_kind,
        payee=payee,
        third_party=third_party.strip()[:100] if payee == PayeeKind.THIRD_PARTY else "",
        funding_source=funding_source.strip()[:100],
        fund=fund,
        needs_application=needs_application,
        attachments=_attachments(list(attachments)),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    clean_conditions, clean_amount = check_rule(programme, conditions=conditions, amount=amount)
    try:
        with transaction.atomic():
            programme.save()
    except IntegrityError:
        raise Conflict(_("A programme with the code %(code)s exists already.") % {"code": code}, field="code") from None
    rule = ProgrammeRule.objects.create(
        programme=programme,
        valid_from=starts_on,
        valid_to=ends_on,
        conditions=clean_conditions,
        amount=clean_amount,
        created_by=actor,
        note=_("First rule"),
    )
    audit_record(
        actor=actor,
        action="benefits.programme_define",
        object_type="programme",
        object_id=programme.pk,
        changes={
            "code": {"before": None, "after": code},
            "unit": {"before": None, "after": unit},
            "benefit_kind": {"before": None, "after": benefit_kind},
            "rule": {
                "before": None,
                "after": {"valid_from": starts_on, "conditions": rule.conditions, "amount": rule.amount},
            },
        },
    )
    return programme


def _overlaps(
    a_from: datetime.date, a_to: datetime.date | None, b_from: datetime.date, b_to: datetime.date | None
) -> bool:
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)


@transaction.atomic
def programme_rule_add(
    *,
    actor: Any,
    programme: Programme,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    conditions: Any,
    amount: Any,
    note: str = "",
) -> ProgrammeRule:
    """Change a programme's conditions or amount from ``valid_from``. The rule in force until then keeps its
    content and ends the day before; a new rule may not overlap any other rule's effective dates."""
    require_perm(actor, Perm.BENEFITS_MANAGE)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    clean_conditions, clean_amount = check_rule(programme, conditions=conditions, amount=amount)
    if valid_to is not None and valid_to < valid_from:
        raise ValidationFailed(_("A rule cannot end before it starts."), field="valid_to")
    if valid_from < programme.starts_on:
        raise ValidationFailed(
            _("The programme starts on %(date)s; a rule cannot start before it.") % {"date": programme.starts_on},
            field="valid_from",
        )
    superseded = None
    for rule in programme.rules.order_by("valid_from"):
        if not _overlaps(valid_from, valid_to, rule.valid_from, rule.valid_to):
            continue
        open_before = rule.valid_to is None and rule.valid_from < valid_from
        if open_before and superseded is None:
            superseded = rule
            continue
        raise ValidationFailed(
            _("These dates overlap the rule in force from %(start)s to %(end)s.")
            % {"start": rule.valid_from, "end": rule.valid_to or _("open end")},
            field="valid_from",
        )
    if superseded is not None:
        ProgrammeRule.objects.filter(pk=superseded.pk).update(valid_to=valid_from - datetime.timedelta(days=1))
    rule = ProgrammeRule.objects.create(
        programme=programme,
        valid_from=valid_from,
        valid_to=valid_to,
        conditions=clean_conditions,
        amount=clean_amount,
        note=note.strip()[:200],
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="benefits.rule_add",
        object_type="programme",
        object_id=programme.pk,
        changes={
            "rule": {
                "before": None,
                "after": {
                    "valid_from": valid_from,
                    "valid_to": valid_to,
                    "conditions": clean_conditions,
                    "amount": clean_amount,
                },
            },
            **(
                {"superseded_until": {"before": None, "after": valid_from - datetime.timedelta(days=1)}}
                if superseded
                else {}
            ),
        },
    )
    return rule


@transaction.atomic
def programme_update(
    *,
    actor: Any,
    programme: Programme,
    name_zh: str | None = None,
    name_en: str | None = None,
    description: str | None = None,
    funding_source: str | None = None,
    ends_on: datetime.date | None = None,
    attachments: Any = None,
) -> Programme:
    """Correct a programme's names, description, funding source or attachment list, or set its end date."""
    require_perm(actor, Perm.BENEFITS_MANAGE)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    before = {
        "name_zh": programme.name_zh,
        "name_en": programme.name_en,
        "description": programme.description,
        "funding_source": programme.funding_source,
        "ends_on": programme.ends_on,
        "attachments": programme.attachments,
    }
    if name_zh is not None:
        if not name_zh.strip():
            raise ValidationFailed(_("The programme needs a name."), field="name_zh")
        programme.name_zh = name_zh.strip()[:100]
    if name_en is not None:
        programme.name_en = name_en.strip()[:100]
    if description is not None:
        programme.description = description.strip()
    if funding_source is not None:
        programme.funding_source = funding_source.strip()[:100]
    if attachments is not None:
        programme.attachments = _attachments(attachments)
    if ends_on is not None:
        if ends_on < programme.starts_on:
            raise ValidationFailed(_("The programme cannot end before it starts."), field="ends_on")
        programme.ends_on = ends_on
    programme.save()
    after = {k: getattr(programme, k) for k in before}
    audit_record(
        actor=actor,
        action="benefits.programme_update",
        object_type="programme",
        object_id=programme.pk,
        changes={k: {"before": before[k], "after": after[k]} for k in before if before[k] != after[k]},
    )
    return programme
