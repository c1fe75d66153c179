"""Resident identity numbers (居民身份证号码, GB 11643-1999): checking them and reading what they say.

The algorithm is python-stdnum's (``stdnum.cn.ric``); what is ours is the messages a clerk can act on, the
conversion of legacy 15-digit numbers, and the cross-checks against what is recorded for the person.
"""

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from xingfu.core.errors import ValidationFailed

FIELD = "id_number"

# Spaces and dashes people type when copying a number from a card or a spreadsheet.
_SEPARATORS = re.compile(r"[\s\-]+")


def compact(raw: str) -> str:
    """The number as stored: no separators, upper-case X."""
    return _SEPARATORS.sub("", raw or "").upper()


def convert_15_to_18(number: str) -> str:
    """A legacy 15-digit number (issued before 1999) as its 18-digit form: the century "19" goes in after
    the 6-digit address code, and the check character is computed."""
    number = compact(number)
    if len(number) != 15 or not number.isdigit():
        raise ValidationFailed(_("A legacy resident ID number has exactly 15 digits."), field=FIELD)
    body = number[:6] + "19" + number[6:]
    # calc_check_digit expects the check character's place to be there; it ignores what is in it.
    return body + ric.calc_check_digit(body + "0")


def _address_code_known(number: str) -> bool:
    # Any assignment in any year will do: counties are renamed and merged, and a number keeps the code
    # it was issued with (the standard's own example 440524188001010014 predates its county's code).
    return any(props for _part, props in numdb.get("cn/loc").info(number[:6]))


def normalise(raw: str) -> str:
    """The valid 18-character number for ``raw``, or ValidationFailed saying what is wrong with it.

    Accepts separators and a lower-case x; converts a 15-digit legacy number to 18 digits.
    """
    number = compact(raw)
    if len(number) == 15 and number.isdigit():
        number = convert_15_to_18(number)
    try:
        return str(ric.validate(number))
    except InvalidLength:
        raise ValidationFailed(
            _("A resident ID number has 18 characters (or 15 digits for an old one); this one has %(n)d.")
            % {"n": len(number)},
            field=FIELD,
        ) from None
    except InvalidFormat:
        raise ValidationFailed(
            _("A resident ID number is made of digits; only the last character may be X."), field=FIELD
        ) from None
    except InvalidChecksum:
        raise ValidationFailed(
            _(
                "The check character is wrong: for these first 17 digits it must be %(expected)s, "
                "not %(given)s. Please look for a typing error."
            )
            % {"expected": ric.calc_check_digit(number), "given": number[-1]},
            field=FIELD,
        ) from None
    except InvalidComponent:
        try:
            ric.get_birth_date(number)
        except ValidationError:
            raise ValidationFailed(
                _("Digits 7 to 14 (%(digits)s) are not a real birth date (YYYYMMDD).") % {"digits": number[6:14]},
                field=FIELD,
            ) from None
        if not _address_code_known(number):
            raise ValidationFailed(
                _("The first 6 digits (%(code)s) are not a known county address code.") % {"code": number[:6]},
                field=FIELD,
            ) from None
        return number
    except ValidationError:
        raise ValidationFailed(_("This is not a valid resident ID number."), field=FIELD) from None


def birth_date_of(number: str) -> datetime.date:
    """The birth date a valid 18-character number carries."""
    return ric.get_birth_date(number)


def sex_of(number: str) -> str:
    """``"M"`` or ``"F"``: the 17th digit (the end of the sequence code) is odd for men, even for women."""
    return "M" if int(number[16]) % 2 == 1 else "F"


def check_agrees(number: str, *, birth_date: datetime.date | None, sex: str | None) -> None:
    """Raise ValidationFailed if the recorded birth date or sex contradicts a valid ``number``."""
    in_number = birth_date_of(number)
    if birth_date is not None and birth_date != in_number:
        raise ValidationFailed(
            _("The birth date %(recorded)s does not agree with the resident ID number, which says %(in_number)s.")
            % {"recorded": birth_date.isoformat(), "in_number": in_number.isoformat()},
            field="birth_date",
        )
    if sex and sex != sex_of(number):
        raise ValidationFailed(
            _("The sex recorded does not agree with the resident ID number (its 17th digit is %(kind)s).")
            % {"kind": _("odd, for a man") if sex_of(number) == "M" else _("even, for a woman")},
            field="sex",
        )
    if in_number > timezone.localdate():
        raise ValidationFailed(_("The birth date in the resident ID number lies in the future."), field=FIELD)
