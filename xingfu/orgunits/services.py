"""Writes to the org-unit tree."""

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xingfu.audit.services import audit_record, field_changes
from xingfu.core.errors import ValidationFailed
from xingfu.orgunits.models import PARENT_LEVEL, Level, OrgUnit

# Statistical division codes: district 6 digits, town 9, village 12, each extending its parent's code.
CODE_LENGTH = {Level.DISTRICT: 6, Level.TOWN: 9, Level.VILLAGE: 12}


@transaction.atomic
def orgunit_create(
    *, actor: Any, code: str, name_zh: str, name_en: str = "", level: str, parent: OrgUnit | None
) -> OrgUnit:
    """Add a town or village under its parent. The code must extend the parent's code."""
    code = (code or "").strip()
    name_zh = (name_zh or "").strip()
    lvl = Level(level)
    if not name_zh:
        raise ValidationFailed(_("The Chinese name is required."), field="name_zh")
    if not re.fullmatch(r"\d+", code) or len(code) != CODE_LENGTH[lvl]:
        raise ValidationFailed(
            _("A %(level)s code has %(n)d digits.") % {"level": lvl.label, "n": CODE_LENGTH[lvl]}, field="code"
        )
    if lvl is Level.DISTRICT:
        if parent is not None:
            raise ValidationFailed(_("A district has no parent."), field="parent")
    else:
        if parent is None or parent.level != PARENT_LEVEL[lvl]:
            raise ValidationFailed(
                _("A %(level)s must sit under a %(parent)s.")
                % {"level": lvl.label, "parent": Level(PARENT_LEVEL[lvl]).label},
                field="parent",
            )
        if not code.startswith(parent.code):
            raise ValidationFailed(
                _("The code must begin with the parent's code %(code)s.") % {"code": parent.code}, field="code"
            )
    if OrgUnit.objects.filter(code=code).exists():
        raise ValidationFailed(_("An org unit with code %(code)s already exists.") % {"code": code}, field="code")
    unit = OrgUnit(code=code, name_zh=name_zh, name_en=(name_en or "").strip(), level=lvl, parent=parent)
    unit.path = unit.build_path()
    unit.save()
    audit_record(
        actor=actor,
        action="orgunit.create",
        object_type="orgunit",
        object_id=unit.code,
        orgunit=unit,
        changes=field_changes(None, {"code": code, "name_zh": name_zh, "name_en": unit.name_en, "level": lvl.value}),
    )
    return unit
