"""Plausible, generated village names for the demo district (real village lists are imported later)."""

import random

from pypinyin import lazy_pinyin

from xingfu.orgunits.district import TOWNS

N_VILLAGES = 268

_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾"
    "彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
)
_PLACES = [
    "庄",
    "家庄",
    "家峪",
    "家洼",
    "家沟",
    "楼",
    "屯",
    "集",
    "店",
    "坡",
    "岭",
    "湖",
    "河",
    "桥",
    "山",
    "营",
    "寨",
    "埠",
]
_PREFIXES = ["东", "西", "南", "北", "前", "后", "上", "下", "大", "小", "新"]


def village_names(seed: int) -> list[tuple[str, str, str]]:
    """268 (code, Chinese name, English name) spread over the 10 towns, deterministic for a seed.

    Towns take 27 or 26 villages each; a subdistrict's units are communities (社区), a town's villages (村).
    """
    rng = random.Random(seed)
    per_town = [N_VILLAGES // len(TOWNS) + (1 if i < N_VILLAGES % len(TOWNS) else 0) for i in range(len(TOWNS))]
    used: set[str] = set()
    out: list[tuple[str, str, str]] = []
    for (town_code, town_zh, _town_en), count in zip(TOWNS, per_town, strict=True):
        suffix_zh, suffix_en = ("社区", "Community") if town_zh.endswith("街道") else ("村", "Village")
        for i in range(1, count + 1):
            while True:
                stem = rng.choice(_SURNAMES) + rng.choice(_PLACES)
                if rng.random() < 0.3:
                    stem = rng.choice(_PREFIXES) + stem
                if stem not in used:
                    used.add(stem)
                    break
            name_en = "".join(lazy_pinyin(stem)).capitalize() + " " + suffix_en
            out.append((f"{town_code}{i:03d}", stem + suffix_zh, name_en))
    return out
