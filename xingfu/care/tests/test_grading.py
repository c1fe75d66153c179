"""Five-colour grading: the highest colour counts; purple combines with another colour."""

import pytest

from xingfu.care.grading import Grade, grade_combine
from xingfu.core.errors import ValidationFailed


def test_the_highest_colour_counts() -> None:
    assert grade_combine(["yellow", "red", "orange"]) == Grade("red", False)
    assert grade_combine(["green"]) == Grade("green", False)


def test_purple_combines_with_the_highest_other_colour() -> None:
    grade = grade_combine(["yellow", "purple", "orange"])
    assert grade == Grade("orange", True)
    assert str(grade) == "orange + purple"


def test_purple_alone_is_green_and_purple_and_is_case_managed() -> None:
    grade = grade_combine(["purple"])
    assert grade == Grade("green", True)
    assert grade.case_managed


def test_yellow_and_above_are_case_managed_green_is_not() -> None:
    assert not grade_combine(["green"]).case_managed
    assert all(grade_combine([c]).case_managed for c in ("yellow", "orange", "red"))


def test_purple_ranks_above_its_colour_and_below_the_next() -> None:
    assert Grade("green").rank < Grade("green", True).rank < Grade("yellow").rank < Grade("red", True).rank


@pytest.mark.parametrize("colours", [["blue"], ["green", "black"], []])
def test_anything_but_the_five_colours_is_refused(colours: list[str]) -> None:
    with pytest.raises(ValidationFailed):
        grade_combine(colours)
