"""Synthetic outside lists with a known truth, for tests and the benchmark.

A list is made by copying registry records the way lists really arrive from a hospital or the police
registry: a character replaced by one that sounds the same (张伟 → 章伟), two characters swapped, a character
mistyped, an ID number missing, mistyped in one digit, two digits swapped or in its old 15-digit form, birth
dates with a slipped digit or day and month swapped, and some rows of people the registry does not have.
The truth (which registry person each row copies, or None) stays in memory beside the rows.
"""

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass

from stdnum.cn import ric

from xingfu.registry.pinyin import name_pinyin

# Characters that sound alike, as a clerk types them from hearing a name; kept only where the pinyin really
# is the same (checked below), so the truth of "homophone" holds.
_HOMOPHONES_RAW = {
    "伟": "玮炜纬", "强": "蔷墙", "磊": "垒蕾", "勇": "永涌", "杰": "洁捷", "涛": "滔韬", "超": "潮钞",
    "刚": "钢纲", "辉": "晖徽", "鹏": "朋彭", "飞": "菲非", "鑫": "新欣", "波": "博", "斌": "彬宾",
    "宇": "雨玉", "浩": "皓昊", "凯": "恺楷", "健": "建剑", "俊": "骏峻", "帆": "凡繁", "宁": "凝",
    "龙": "隆", "阳": "杨洋", "博": "波", "轩": "萱宣", "睿": "瑞锐", "泽": "则", "晨": "辰臣",
    "航": "杭", "铭": "明名", "诚": "成城", "瑞": "睿", "昊": "浩", "娜": "那", "敏": "民闵",
    "静": "晶敬", "丽": "莉立", "艳": "燕彦", "娟": "鹃", "燕": "艳", "玲": "琳龄", "婷": "亭庭",
    "颖": "影莹", "慧": "惠蕙", "莉": "丽", "倩": "茜", "洁": "杰", "欣": "鑫新", "怡": "宜仪",
    "萱": "轩", "涵": "寒含", "诗": "师", "雨": "宇语", "梦": "孟", "佳": "嘉家", "悦": "月越",
    "思": "斯", "语": "雨", "可": "珂", "馨": "欣", "彤": "桐童", "琪": "琦淇", "瑶": "遥尧",
    "璐": "露路", "德": "得", "福": "富", "贵": "桂", "祥": "翔", "山": "珊", "国": "果",
    "建": "健", "军": "君均", "明": "铭鸣", "华": "桦", "成": "诚", "文": "雯", "志": "智",
    "春": "纯", "林": "琳霖", "发": "法", "义": "毅", "忠": "中", "兴": "星", "友": "有",
    "金": "今", "荣": "蓉", "宝": "保", "永": "勇", "秀": "修", "英": "莹瑛", "兰": "蓝",
    "桂": "贵", "凤": "峰", "玉": "育", "珍": "真", "芳": "方", "霞": "侠", "梅": "美",
    "淑": "书", "云": "芸", "翠": "萃", "花": "华", "琴": "勤", "爱": "艾", "美": "梅",
    "张": "章", "李": "黎理", "刘": "柳", "杨": "阳", "赵": "照", "徐": "许", "周": "州",
    "胡": "湖", "朱": "珠", "何": "和", "陈": "晨", "孙": "荪", "吴": "武",
}  # fmt: skip
_MISTYPED = "伟强磊勇杰涛超刚辉鹏飞鑫波斌宇浩凯健俊娜敏静丽艳娟燕玲婷颖慧莉倩洁欣怡德福贵祥山海国建军明华成文志"
_SURNAMES = "王张李刘孙陈杨赵徐褚颜孔孟吴周胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈"
_FACILITIES = ("山亭区人民医院", "山亭区妇幼保健院", "枣庄市妇幼保健院", "店子镇卫生院", "枣庄市立医院")


def _homophones() -> dict[str, list[str]]:
    table = {}
    for char, alikes in _HOMOPHONES_RAW.items():
        same = [a for a in alikes if name_pinyin(a)[0] == name_pinyin(char)[0]]
        if same:
            table[char] = same
    return table


HOMOPHONES = _homophones()


@dataclass(frozen=True)
class RegistryPerson:
    id: int
    name: str
    sex: str
    birth_date: datetime.date
    id_number: str | None
    village_code: str
    address: str


@dataclass(frozen=True)
class RegistryBirth:
    mother_id: int
    date: datetime.date
    sex: str


@dataclass
class SyntheticList:
    """Rows keyed by the template's field names, and for each row the registry person it copies (the mother,
    on a hospital list) or None for someone the registry does not have."""

    template: str
    rows: list[dict[str, str]]
    truth: list[int | None]


class _Typist:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def name(self, name: str) -> str:
        rng = self.rng
        r = rng.random()
        chars = list(name)
        if r < 0.70 or len(chars) < 2:
            return name
        if r < 0.82:  # a character replaced by one that sounds the same
            places = [i for i, c in enumerate(chars) if c in HOMOPHONES]
            if places:
                i = rng.choice(places)
                chars[i] = rng.choice(HOMOPHONES[chars[i]])
                return "".join(chars)
            return name
        if r < 0.87 and len(chars) >= 3:  # two given-name characters swapped
            chars[1], chars[2] = chars[2], chars[1]
            return "".join(chars)
        if r < 0.93:  # a character mistyped
            i = rng.randrange(1, len(chars))
            chars[i] = rng.choice(_MISTYPED)
            return "".join(chars)
        if r < 0.96:  # spaces and a full-width letter where none belong: cleaned before comparing
            return " ".join(chars)
        if len(chars) >= 3:  # a character dropped
            del chars[rng.randrange(1, len(chars))]
            return "".join(chars)
        return name

    def id_number(self, number: str | None) -> str:
        rng = self.rng
        if not number:
            return ""
        r = rng.random()
        if r < 0.12:
            return ""
        if r < 0.17:  # one digit mistyped
            i = rng.randrange(0, 17)
            digit = str((int(number[i]) + rng.randint(1, 9)) % 10)
            return number[:i] + digit + number[i + 1 :]
        if r < 0.20:  # two neighbouring digits swapped
            i = rng.randrange(6, 16)
            return number[:i] + number[i + 1] + number[i] + number[i + 2 :]
        if r < 0.23 and number[6:8] == "19":  # the old 15-digit form
            return number[:6] + number[8:17]
        if r < 0.26:  # typed with spaces
            return f"{number[:6]} {number[6:14]} {number[14:]}"
        return number

    def date(self, value: datetime.date | None) -> str:
        rng = self.rng
        if value is None:
            return ""
        r = rng.random()
        if r < 0.04:
            return ""
        if r < 0.07:  # one digit slipped
            text = value.strftime("%Y%m%d")
            for _ in range(10):
                i = rng.randrange(2, 8)
                typed = text[:i] + str(rng.randrange(10)) + text[i + 1 :]
                try:
                    day = datetime.datetime.strptime(typed, "%Y%m%d").date()
                except ValueError:
                    continue
                return day.isoformat()
            return value.isoformat()
        if r < 0.09 and value.day <= 12 and value.day != value.month:
            return value.replace(month=value.day, day=value.month).isoformat()
        if r < 0.11:
            return (value + datetime.timedelta(days=rng.choice((-2, -1, 1, 2)))).isoformat()
        if r < 0.30:
            return value.strftime("%Y/%m/%d")
        return value.isoformat()

    def sex(self, value: str) -> str:
        r = self.rng.random()
        if r < 0.02:
            return ""
        if r < 0.025:
            return "F" if value == "M" else "M"
        return {"M": "男", "F": "女"}[value] if r < 0.6 else value

    def address(self, value: str) -> str:
        r = self.rng.random()
        if r < 0.2 or not value:
            return ""
        if r < 0.3:
            return value.replace("号", "").replace("组", "队")
        return value


def _fictional_person(rng: random.Random, serial: int, *, sex: str | None = None) -> RegistryPerson:
    """Someone the registry does not have: a valid-looking number from sequence codes the demo never uses."""
    sex = sex or rng.choice("MF")
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 70))
    seq = 900 + 2 * (serial % 45) + (1 if sex == "M" else 2)
    body = f"370406{birth:%Y%m%d}{seq:03d}"
    given = "".join(rng.choice(_MISTYPED) for _ in range(rng.choice((1, 2))))
    return RegistryPerson(
        id=-1,
        name=rng.choice(_SURNAMES) + given,
        sex=sex,
        birth_date=birth,
        id_number=body + ric.calc_check_digit(body + "0"),
        village_code="",
        address="",
    )


def household_extract(
    persons: Sequence[RegistryPerson], *, rows: int, seed: int = 1, new_share: float = 0.05
) -> SyntheticList:
    """A household-registration extract: ``rows`` rows, ``new_share`` of them people the registry lacks."""
    rng = random.Random(seed)
    typist = _Typist(rng)
    n_new = int(rows * new_share)
    sample = rng.sample(range(len(persons)), min(rows - n_new, len(persons)))
    sources: list[RegistryPerson | None] = [persons[i] for i in sample] + [None] * n_new
    rng.shuffle(sources)
    out, truth = [], []
    for serial, source in enumerate(sources):
        person = source or _fictional_person(rng, serial)
        give_village = bool(person.village_code) and rng.random() < 0.5
        out.append(
            {
                "name": typist.name(person.name),
                "id_number": typist.id_number(person.id_number),
                "sex": typist.sex(person.sex),
                "birth_date": typist.date(person.birth_date),
                "address": typist.address(person.address),
                "village_code": person.village_code if give_village else "",
            }
        )
        truth.append(source.id if source else None)
    return SyntheticList("household_extract", out, truth)


def hospital_births(
    persons: Sequence[RegistryPerson],
    births: Sequence[RegistryBirth],
    *,
    rows: int,
    seed: int = 1,
    new_share: float = 0.05,
) -> SyntheticList:
    """A hospital's birth list: ``rows`` births of registry mothers (copied with typos), ``new_share`` of them
    to mothers the registry lacks. The truth is the mother."""
    rng = random.Random(seed)
    typist = _Typist(rng)
    by_id = {p.id: p for p in persons}
    n_new = int(rows * new_share)
    chosen = rng.sample(range(len(births)), min(rows - n_new, len(births)))
    sources: list[RegistryBirth | None] = [births[i] for i in chosen] + [None] * n_new
    rng.shuffle(sources)
    out, truth = [], []
    for serial, birth in enumerate(sources):
        if birth is None:
            mother = _fictional_person(rng, serial, sex="F")
            date = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(2000))
            sex = rng.choice("MF")
        else:
            mother, date, sex = by_id[birth.mother_id], birth.date, birth.sex
        out.append(
            {
                "mother_name": typist.name(mother.name),
                "mother_id_number": typist.id_number(mother.id_number),
                "child_sex": typist.sex(sex) or sex,
                "birth_date": date.isoformat(),
                "facility": rng.choice(_FACILITIES),
                "child_name": "",
                "mother_birth_date": typist.date(mother.birth_date) if rng.random() < 0.5 else "",
                "address": typist.address(mother.address) if rng.random() < 0.5 else "",
                "village_code": "",
            }
        )
        truth.append(birth.mother_id if birth else None)
    return SyntheticList("hospital_births", out, truth)


def precision_recall(
    truth: Sequence[int | None], found: dict[int, int], row_ids: Sequence[int]
) -> dict[str, float | int]:
    """Precision and recall of ``found`` (row id -> registry person) against the truth (by row position;
    ``row_ids[i]`` is row i's id)."""
    proposed = len(found)
    correct = sum(1 for i, rid in enumerate(row_ids) if truth[i] is not None and found.get(rid) == truth[i])
    wanted = sum(1 for t in truth if t is not None)
    return {
        "proposed": proposed,
        "correct": correct,
        "true_pairs": wanted,
        "precision": round(correct / proposed, 4) if proposed else 1.0,
        "recall": round(correct / wanted, 4) if wanted else 1.0,
    }
