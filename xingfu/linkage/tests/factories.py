"""Small generated registries and outside lists for the linkage tests, built through the registry's services."""

import csv
import datetime
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from stdnum.cn import ric

from xingfu.linkage.synthetic import RegistryPerson
from xingfu.orgunits.models import OrgUnit
from xingfu.registry.models import Household, Person, Relation
from xingfu.registry.services import birth_record, household_register, person_add

_SURNAMES = "王张李刘孙陈杨赵徐吴周胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴"
_MALE = "德福贵祥山国建军明华成文志庆春林发义忠兴友长金荣宝永伟强磊勇杰涛超刚辉鹏飞"
_FEMALE = "秀英兰桂凤玉珍芳霞梅荣华淑云翠春花琴爱美娜敏静丽艳娟燕玲婷颖慧莉倩"


def id_number(birth: datetime.date, sex: str, serial: int) -> str:
    """A valid, fictional number of the district (sequence codes by ``serial``)."""
    seq = (2 * (serial % 240) + (1 if sex == "M" else 2)) % 1000
    body = f"370406{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


@dataclass
class Registry:
    persons: list[Person] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)

    def synthetic(self) -> list[RegistryPerson]:
        return [
            RegistryPerson(
                p.pk, p.name, p.sex, p.birth_date, p.id_number, p.orgunit.code, self.address_of.get(p.pk, "")
            )
            for p in self.persons
        ]

    address_of: dict[int, str] = field(default_factory=dict)


def registry(actor: Any, villages: Sequence[OrgUnit], *, couples: int = 30, seed: int = 1) -> Registry:
    """``couples`` households per village: a husband and wife (born 1965–1995) and one or two children, every
    person with a number; names drawn so that few repeat."""
    rng = random.Random(seed)
    out = Registry()
    serial = 0
    used: set[str] = set()

    def name(sex: str, surname: str | None = None) -> str:
        for _ in range(50):
            given = "".join(rng.choice(_MALE if sex == "M" else _FEMALE) for _ in range(2))
            candidate = (surname or rng.choice(_SURNAMES)) + given
            if candidate not in used:
                used.add(candidate)
                return candidate
        return candidate

    for village in villages:
        for h in range(couples):
            home = household_register(
                actor=actor,
                village=village,
                number=f"L{seed}{h:04d}",
                residence="rural",
                registered_on=datetime.date(2000, 1, 1),
                address=f"{village.name_zh}{h % 9 + 1}组{h + 1}号",
            )
            out.households.append(home)
            husband_born = datetime.date(rng.randint(1965, 1995), rng.randint(1, 12), rng.randint(1, 28))
            wife_born = husband_born + datetime.timedelta(days=rng.randint(0, 1500))
            serial += 1
            husband = person_add(
                actor=actor, household=home, name=name("M"), sex="M", birth_date=husband_born, relation=Relation.HEAD,
                id_number=id_number(husband_born, "M", serial), start_date=datetime.date(2000, 1, 1),
            )  # fmt: skip
            serial += 1
            wife = person_add(
                actor=actor, household=home, name=name("F"), sex="F", birth_date=wife_born, relation=Relation.SPOUSE,
                id_number=id_number(wife_born, "F", serial), start_date=datetime.date(2000, 1, 1),
            )  # fmt: skip
            out.persons += [husband, wife]
            born = max(wife_born + datetime.timedelta(days=365 * 22), datetime.date(2000, 6, 1))
            for _ in range(rng.randint(1, 2)):
                born = born + datetime.timedelta(days=rng.randint(400, 1500))
                if born > datetime.date(2025, 12, 31):
                    break
                sex = rng.choice("MF")
                serial += 1
                event = birth_record(
                    actor=actor, mother=wife, father=husband, date=born, sex=sex, name=name(sex, husband.name[0]),
                    id_number=id_number(born, sex, serial), place="山亭区人民医院",
                )  # fmt: skip
                assert event.child is not None
                out.persons.append(event.child)
            for p in out.persons[-4:]:
                out.address_of[p.pk] = home.address
    return out


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


HOUSEHOLD_HEADER = ["姓名", "身份证号", "性别", "出生日期", "住址", "村代码"]
HOSPITAL_HEADER = ["母亲姓名", "母亲身份证号", "婴儿性别", "出生日期", "助产机构", "婴儿姓名"]


def household_row(person: Person, **changes: Any) -> list[str]:
    values = {
        "name": person.name,
        "id_number": person.id_number or "",
        "sex": "男" if person.sex == "M" else "女",
        "birth_date": person.birth_date.isoformat(),
        "address": "",
        "village_code": person.orgunit.code,
    }
    values.update(changes)
    return [values[k] for k in ("name", "id_number", "sex", "birth_date", "address", "village_code")]
