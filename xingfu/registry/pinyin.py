"""Pinyin of names, so that a clerk can find 张伟 by typing "zhang wei", "zhangwei" or "zw"."""

import re

from pypinyin import lazy_pinyin

# Surnames read differently from the same character elsewhere (pypinyin reads 曾 as "ceng", 单 as "dan").
_SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "区": "ou",
    "乐": "yue",
    "覃": "qin",
    "盖": "ge",
    "缪": "miao",
    "召": "shao",
    "繁": "po",
    "员": "yun",
    "秘": "bi",
}

_WORD = re.compile(r"[a-z0-9]+")


def syllables(name: str) -> list[str]:
    """Lower-case syllables of ``name``; letters in a name written in Latin script are kept as words."""
    name = (name or "").strip()
    if not name:
        return []
    first = _SURNAME_READINGS.get(name[0])
    parts = lazy_pinyin(name[1:] if first else name)
    words = [first] if first else []
    for part in parts:
        words.extend(_WORD.findall(part.lower()))
    return words


def name_pinyin(name: str) -> tuple[str, str]:
    """``("zhang wei", "zw")`` for 张伟: the stored pinyin and its initials."""
    words = syllables(name)
    return " ".join(words)[:200], "".join(w[0] for w in words)[:50]


def query_letters(query: str) -> str:
    """A Latin search query reduced to its lower-case letters and digits ("Zhang Wei" -> "zhangwei")."""
    return "".join(_WORD.findall((query or "").lower()))
