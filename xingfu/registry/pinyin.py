"""Pinyin of names, so that a clerk can find 张伟 by typing "zhang wei", "zhangwei" or "zw".

The readings are pypinyin's (``lazy_pinyin``), computed once per word and remembered: pypinyin cuts a name
into words (phrases of its dictionary, or single characters) and reads each word on its own, so the pinyin of
a name is the pinyin of its words put together. An import of a million rows then asks pypinyin about a few
thousand words rather than a few hundred thousand names, and gets the same answer.
"""

import re

from pypinyin import lazy_pinyin
from pypinyin.constants import RE_HANS
from pypinyin.seg import mmseg
from pypinyin.seg.simpleseg import seg as pypinyin_words

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

# Enough for every character and common phrase of names; past it, words are read but not remembered.
_MEMORY_LIMIT = 100_000
_syllables_of_word: dict[str, tuple[str, ...]] = {}
_is_han: dict[str, bool] = {}


def _word_syllables(word: str) -> tuple[str, ...]:
    found = _syllables_of_word.get(word)
    if found is None:
        found = tuple(w for part in lazy_pinyin(word) for w in _WORD.findall(part.lower()))
        if len(_syllables_of_word) < _MEMORY_LIMIT:
            _syllables_of_word[word] = found
    return found


def _words(text: str) -> list[str]:
    """The words pypinyin reads ``text`` as. Most names are Chinese characters of which no two neighbours
    begin a phrase of its dictionary: then each character is a word (what pypinyin's own cut would give,
    without its cost)."""
    for char in text:
        han = _is_han.get(char)
        if han is None:
            han = RE_HANS.match(char) is not None
            if len(_is_han) < _MEMORY_LIMIT:
                _is_han[char] = han
        if not han:
            return list(pypinyin_words(text))
    if any(text[i : i + 2] in mmseg.p_set for i in range(len(text) - 1)):
        return list(pypinyin_words(text))
    return list(text)


def syllables(name: str) -> list[str]:
    """Lower-case syllables of ``name``; letters in a name written in Latin script are kept as words."""
    name = (name or "").strip()
    if not name:
        return []
    first = _SURNAME_READINGS.get(name[0])
    words = [first] if first else []
    for word in _words(name[1:] if first else name):
        words.extend(_word_syllables(word))
    return words


def name_pinyin(name: str) -> tuple[str, str]:
    """``("zhang wei", "zw")`` for 张伟: the stored pinyin and its initials."""
    words = syllables(name)
    return " ".join(words)[:200], "".join(w[0] for w in words)[:50]


def query_letters(query: str) -> str:
    """A Latin search query reduced to its lower-case letters and digits ("Zhang Wei" -> "zhangwei")."""
    return "".join(_WORD.findall((query or "").lower()))
