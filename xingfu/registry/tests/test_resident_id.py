"""Resident-ID numbers: the standard's examples, the legacy conversion, and messages that say what is wrong."""

import datetime

import pytest

from xingfu.core.errors import ValidationFailed
from xingfu.registry import resident_id


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_the_standards_worked_examples_are_valid(number: str) -> None:
    assert resident_id.normalise(number) == number


def test_a_lower_case_x_and_separators_are_accepted_and_tidied() -> None:
    assert resident_id.normalise(" 110105 19491231 002x ") == "11010519491231002X"


def test_birth_date_and_sex_are_read_from_the_number() -> None:
    assert resident_id.birth_date_of("11010519491231002X") == datetime.date(1949, 12, 31)
    assert resident_id.sex_of("11010519491231002X") == "F"  # 17th digit 2: even
    assert resident_id.birth_date_of("440524188001010014") == datetime.date(1880, 1, 1)
    assert resident_id.sex_of("440524188001010014") == "M"  # 17th digit 1: odd


def test_a_wrong_check_character_is_named_with_the_right_one() -> None:
    with pytest.raises(ValidationFailed) as err:
        resident_id.normalise("110105194912310021")
    assert "check character" in str(err.value.message)
    assert "X" in str(err.value.message)
    assert err.value.field == "id_number"


def test_an_impossible_birth_date_is_named_as_such() -> None:
    body = "37040619900230123"  # 30 February
    from stdnum.cn import ric

    number = body + ric.calc_check_digit(body + "0")
    with pytest.raises(ValidationFailed) as err:
        resident_id.normalise(number)
    assert "19900230" in str(err.value.message)
    assert "birth date" in str(err.value.message)


@pytest.mark.parametrize("number", ["1101051949123100", "1101051949123100211", ""])
def test_a_wrong_length_is_named_with_the_length_given(number: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        resident_id.normalise(number)
    assert "18 characters" in str(err.value.message)
    assert f"has {len(number)}" in str(err.value.message)


def test_letters_inside_the_number_are_refused() -> None:
    with pytest.raises(ValidationFailed) as err:
        resident_id.normalise("1101051949A231002X")
    assert "digits" in str(err.value.message)


def test_an_unknown_address_code_is_refused() -> None:
    from stdnum.cn import ric

    body = "99999919900101123"
    with pytest.raises(ValidationFailed) as err:
        resident_id.normalise(body + ric.calc_check_digit(body + "0"))
    assert "999999" in str(err.value.message)


def test_a_legacy_15_digit_number_is_converted_to_18_digits() -> None:
    # 110105491231002 is the 15-digit form of the standard's first example.
    assert resident_id.convert_15_to_18("110105491231002") == "11010519491231002X"
    assert resident_id.normalise("110105491231002") == "11010519491231002X"


def test_a_legacy_number_with_an_impossible_date_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        resident_id.normalise("370406901301123")


def test_a_recorded_birth_date_that_disagrees_with_the_number_is_refused() -> None:
    with pytest.raises(ValidationFailed) as err:
        resident_id.check_agrees("11010519491231002X", birth_date=datetime.date(1949, 12, 30), sex="F")
    assert err.value.field == "birth_date"
    assert "1949-12-31" in str(err.value.message)


def test_a_recorded_sex_that_disagrees_with_the_number_is_refused() -> None:
    with pytest.raises(ValidationFailed) as err:
        resident_id.check_agrees("11010519491231002X", birth_date=datetime.date(1949, 12, 31), sex="M")
    assert err.value.field == "sex"


def test_a_number_agreeing_with_the_record_passes() -> None:
    resident_id.check_agrees("440524188001010014", birth_date=datetime.date(1880, 1, 1), sex="M")
