"""The registry as the linkage model reads it: the persons of a scope, one query, streamed into Arrow.

Persons merged away into another (``Person.merged_into``) are left out: they are nobody's match any more.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from django.db.models import OuterRef, Subquery

from xingfu.linkage import engine
from xingfu.linkage.features import clean_name
from xingfu.registry.models import EventKind, LifeEvent, Membership, Person


@dataclass
class RegistryInput:
    table: pa.Table
    # person id -> the village's org-unit id, for scoping what a run proposes
    village_of: dict[int, int]
    # mother's person id -> her registered births (event id, date, sex of the child), when asked for
    births: dict[int, list[tuple[int, datetime.date, str]]] = field(default_factory=dict)


def registry_input(
    *, scope_path: str, with_mothers: bool = False, with_births: bool = False, chunk: int = 20_000
) -> RegistryInput:
    """The persons whose village lies under ``scope_path``, with their current household's address; for
    deduplication the mother named by their birth event, for a birth list the births women gave."""
    births: dict[int, list[tuple[int, datetime.date, str]]] = defaultdict(list)
    if with_births:
        events = LifeEvent.objects.filter(kind=EventKind.BIRTH, mother__orgunit__path__startswith=scope_path)
        for pk, mother, date, sex in events.values_list("pk", "mother_id", "date", "sex").order_by().iterator(chunk):
            births[mother].append((pk, date, sex))
    open_membership = Membership.objects.filter(person=OuterRef("pk"), end_date__isnull=True)
    qs = (
        Person.objects.filter(orgunit__path__startswith=scope_path)
        .filter(merged_into__isnull=True)
        .annotate(address=Subquery(open_membership.values("household__address")[:1]))
    )
    fields = ["pk", "name", "pinyin", "id_number", "birth_date", "sex", "orgunit__code", "address", "orgunit_id"]
    if with_mothers:
        birth = LifeEvent.objects.filter(kind=EventKind.BIRTH, child=OuterRef("pk"))
        qs = qs.annotate(mother=Subquery(birth.values("mother_id")[:1]))
        fields.append("mother")
    village_of: dict[int, int] = {}

    def rows() -> Iterator[tuple[Any, ...]]:
        for values in qs.values_list(*fields).order_by().iterator(chunk_size=chunk):
            pk, name, pinyin, number, born, sex, code, address, orgunit_id = values[:9]
            village_of[pk] = orgunit_id
            yield (
                pk,
                clean_name(name),
                (pinyin or "").replace(" ", "") or None,
                number,
                born,
                sex,
                code,
                code[:9] if code else None,
                address or None,
                None,
                values[9] if with_mothers else None,
                [b[1] for b in births[pk]] if pk in births else None,
            )

    table = engine.input_table(rows())
    return RegistryInput(table=table, village_of=village_of, births=dict(births))
