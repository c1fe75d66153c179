"""A village's or town's registry as an XLSX workbook, for roles that may export it.

Numbers are masked unless the role may unmask them and the user asks; an unmasked workbook is recorded as
one sensitive read of the whole unit, a masked one as an ordinary export.
"""

import io
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from xingfu.accounts.access import may_see_unit, require
from xingfu.accounts.roles import Perm
from xingfu.audit.services import audit_record, audit_sensitive_read
from xingfu.core.errors import PermissionDenied, ValidationFailed
from xingfu.core.masking import mask_id_number, mask_phone
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.registry.models import Membership, Person, PersonStatus, Relation, Residence, Sex

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_filename(unit: OrgUnit) -> str:
    return f"registry-{unit.code}-{timezone.localdate():%Y%m%d}.xlsx"


def registry_export_xlsx(*, actor: Any, unit: OrgUnit, unmask: bool = False) -> bytes:
    """The persons of ``unit`` (a village or a town), one row each, with their current household."""
    require(actor, Perm.REGISTRY_EXPORT)
    if unmask:
        require(actor, Perm.REGISTRY_UNMASK)
    if not may_see_unit(actor, unit):
        raise PermissionDenied(_("%(unit)s is outside your scope.") % {"unit": unit.name})
    if unit.level not in (Level.VILLAGE, Level.TOWN):
        raise ValidationFailed(_("Export one village or one town at a time."), field="orgunit")

    open_membership = Membership.objects.filter(person=OuterRef("pk"), end_date__isnull=True)
    rows = (
        Person.objects.filter(orgunit__path__startswith=unit.path)
        .annotate(
            household_number=Subquery(open_membership.values("household__number")[:1]),
            residence=Subquery(open_membership.values("household__residence")[:1]),
            relation=Subquery(open_membership.values("relation")[:1]),
        )
        .order_by("orgunit__path", "household_number", "id")
        .values_list(
            "orgunit__name_zh",
            "household_number",
            "residence",
            "relation",
            "name",
            "sex",
            "birth_date",
            "id_number",
            "phone",
            "status",
            "death_date",
        )
    )
    labels = {
        **dict(Sex.choices),
        **dict(PersonStatus.choices),
        **{f"r:{k}": v for k, v in Relation.choices},
        **{f"h:{k}": v for k, v in Residence.choices},
    }

    book = Workbook(write_only=True)
    sheet = book.create_sheet(unit.name_zh[:31])
    sheet.append(
        [
            str(_("Village")),
            str(_("Household number")),
            str(_("Residence")),
            str(_("Relation to the head")),
            str(pgettext("person", "Name")),
            str(_("Sex")),
            str(_("Birth date")),
            str(_("Resident ID number")),
            str(_("Phone")),
            str(_("Status")),
            str(_("Death date")),
        ]
    )
    count = 0
    for village, number, residence, relation, name, sex, born, id_number, phone, status, died in rows.iterator(
        chunk_size=2000
    ):
        count += 1
        sheet.append(
            [
                village,
                number or "",
                str(labels.get(f"h:{residence}", "")),
                str(labels.get(f"r:{relation}", "")),
                name,
                str(labels.get(sex, sex)),
                born,
                (id_number or "") if unmask else mask_id_number(id_number),
                (phone or "") if unmask else mask_phone(phone),
                str(labels.get(status, status)),
                died,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)

    if unmask:
        audit_sensitive_read(
            actor=actor,
            what="id_number",
            object_type="registry_export",
            object_id=unit.code,
            orgunit=unit,
            reason=f"unmasked export of {count} persons (resident-ID numbers and phones)",
        )
    else:
        audit_record(
            actor=actor,
            action="registry.export",
            object_type="registry_export",
            object_id=unit.code,
            orgunit=unit,
            reason=f"masked export of {count} persons",
        )
    return buffer.getvalue()
