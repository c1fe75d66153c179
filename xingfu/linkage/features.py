"""What the comparisons look at: names made comparable (characters, pinyin) and resident-ID numbers as typed.

Names are compared by their characters and by their sound: 张伟 and 章伟 are written differently and read
alike ("zhangwei"), which is how most copying errors between a hospital's list and the registry look. The
pinyin comes from the registry's own reading (``registry.pinyin``), so the registry's stored column and a
list's names are read the same way.
"""

import datetime
import re
import unicodedata
from functools import lru_cache

from xingfu.core.errors import ValidationFailed
from xingfu.registry import resident_id
from xingfu.registry.pinyin import syllables

_SPACES = re.compile(r"\s+")
# A middle dot separates the parts of a transcribed (e.g. Uyghur) name; people type any of these for it.
_DOTS = re.compile(r"[·•‧∙.．・]")


def clean_name(raw: object) -> str:
    """A name as compared: full-width letters folded (NFKC), spaces removed, one kind of middle dot."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    text = _SPACES.sub("", text)
    return _DOTS.sub("·", text)[:50]


@lru_cache(maxsize=200_000)
def pinyin_compact(name: str) -> str:
    """``zhangwei`` for 张伟: the syllables run together, as the comparisons use them."""
    return "".join(syllables(name))


def clean_id_number(raw: object) -> str | None:
    """A resident-ID number as typed, made comparable: separators removed, upper-case X, a legacy 15-digit
    number in its 18-digit form. A number with a wrong check digit is kept as it is, because a number with
    one digit mistyped is still evidence (it agrees with the right one in 17 places). Anything that is not
    15 to 18 digits (with an X at the end) is no number at all."""
    number = resident_id.compact(str(raw or ""))
    if len(number) == 15 and number.isdigit():
        try:
            return resident_id.convert_15_to_18(number)
        except ValidationFailed:
            return None
    if 15 <= len(number) <= 18 and number[:-1].isdigit() and (number[-1].isdigit() or number[-1] == "X"):
        return number
    return None


def valid_id_number(number: str | None) -> bool:
    """Whether ``number`` is a valid 18-character number (check digit and birth date)."""
    if not number or len(number) != 18:
        return False
    try:
        resident_id.normalise(number)
    except ValidationFailed:
        return False
    return True


def birth_date_in_id(number: str | None) -> datetime.date | None:
    """The birth date a valid number carries, or None."""
    if not valid_id_number(number):
        return None
    return resident_id.birth_date_of(str(number))


def id_pattern(a: str | None, b: str | None) -> str:
    """Where two numbers agree, character by character, for a reviewer who may not see them:
    ``=`` same, ``x`` different, ``.`` missing on one side. Reveals nothing of the digits themselves."""
    if not a or not b:
        return ""
    width = max(len(a), len(b))
    a, b = a.ljust(width), b.ljust(width)
    return "".join("=" if x == y else ("." if " " in (x, y) else "x") for x, y in zip(a, b, strict=True))
