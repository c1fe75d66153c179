"""The linkage model on generated data with a known truth (no database), and the name and number features."""

import datetime
import random

from xingfu.linkage import engine, lists, synthetic
from xingfu.linkage.features import clean_id_number, clean_name, id_pattern, pinyin_compact
from xingfu.linkage.tests.factories import id_number

_SURNAMES = "王张李刘孙陈杨赵徐吴周胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈彭吕苏卢蒋蔡"
_GIVEN = "德福贵祥山国建军明华成文志庆春林发义忠兴友长金荣宝永伟强磊勇杰涛超刚辉鹏飞秀英兰桂凤玉珍芳霞梅"


def test_homophones_share_their_pinyin_and_names_are_cleaned() -> None:
    assert pinyin_compact("张伟") == pinyin_compact("章伟") == "zhangwei"
    assert pinyin_compact("曾国庆") == "zengguoqing"  # the surname reading, not "ceng"
    assert clean_name(" 张　伟 ") == "张伟"
    assert all(pinyin_compact(a) == pinyin_compact(c) for c, alikes in synthetic.HOMOPHONES.items() for a in alikes)


def test_numbers_are_made_comparable_but_kept_when_mistyped() -> None:
    assert clean_id_number("370406 19920315 0026") == "370406199203150026"
    legacy = clean_id_number("370406920315002")
    assert legacy is not None and legacy.startswith("37040619920315002") and len(legacy) == 18
    assert clean_id_number("370406199203150027") == "370406199203150027"  # wrong check digit, still evidence
    assert clean_id_number("12345") is None
    assert id_pattern("370406199203150026", "370406199203150036") == "================x="


def _registry(n: int, seed: int) -> list[synthetic.RegistryPerson]:
    rng = random.Random(seed)
    persons = []
    for i in range(1, n + 1):
        sex = rng.choice("MF")
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 70))
        village = f"370406101{rng.randint(1, 9):03d}"
        persons.append(
            synthetic.RegistryPerson(
                id=i,
                name=rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2)))),
                sex=sex,
                birth_date=born,
                id_number=id_number(born, sex, i),
                village_code=village,
                address=f"{village[-3:]}村{rng.randint(1, 9)}组{rng.randint(1, 99)}号",
            )
        )
    return persons


def _table(persons: list[synthetic.RegistryPerson]) -> engine.pa.Table:
    return engine.input_table(
        (p.id, p.name, pinyin_compact(p.name), p.id_number, p.birth_date, p.sex, p.village_code, p.village_code[:9],
         p.address, None, None, None)
        for p in persons
    )  # fmt: skip


def test_a_synthetic_extract_is_linked_with_high_precision_and_recall() -> None:
    persons = _registry(3000, seed=2)
    made = synthetic.household_extract(persons, rows=300, seed=3)
    problems = lists.RowProblems()
    rows = [(i + 1, lists.parse_row("household_extract", i + 2, r, problems)) for i, r in enumerate(made.rows)]
    outside = lists.outside_input((uid, row) for uid, row in rows if row is not None)

    outcome = engine.link(kind="household_extract", outside=outside, registry=_table(persons))

    found = {m.left: m.right for m in outcome.certain}
    for match in outcome.probable:
        found.setdefault(match.left, match.right)
    measured = synthetic.precision_recall(made.truth, found, [uid for uid, _ in rows])
    assert measured["precision"] >= 0.97, measured
    assert measured["recall"] >= 0.95, measured
    assert outcome.parameters["comparisons"][0]["levels"][1]["weight"] > 5  # exact characters count for a lot
    assert all(m.levels["id_number"] == 1 for m in outcome.certain)


def test_a_mothers_age_at_the_birth_must_be_plausible() -> None:
    girl = synthetic.RegistryPerson(1, "王秀英", "F", datetime.date(2018, 3, 1), None, "370406101001", "")
    mother = synthetic.RegistryPerson(2, "王秀英", "F", datetime.date(1990, 3, 1), None, "370406101001", "")
    others = _registry(200, seed=5)
    registry = _table([girl, mother, *[p for p in others if p.id > 2]])
    row = lists.Row(
        row=2, name="王秀英", id_number=None, sex="F", birth_date=None, address="", village_code="",
        child_sex="M", child_birth_date=datetime.date(2024, 5, 1),
    )  # fmt: skip
    outcome = engine.link(
        kind="hospital_births", outside=lists.outside_input([(1, row)]), registry=registry, probable_at=0.0,
        per_record=10,
    )  # fmt: skip
    proposed = {m.right for m in outcome.probable}
    assert 2 in proposed  # the woman of 34
    assert 1 not in proposed  # never the girl of 6 with the same name
