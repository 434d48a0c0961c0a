"""Korean numerals: native 1-99 (counts, ages, hours) and Sino-Korean up to 99."""

from __future__ import annotations

import pytest

from kodial.korean.numerals import number_value, sino_to_int


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("하나", 1),
        ("네", 4),
        ("열두", 12),
        ("스무", 20),
        ("스물한", 21),
        ("서른", 30),
        ("서른다섯", 35),
        ("마흔둘", 42),
        ("쉰", 50),
        ("아흔아홉", 99),
        ("이십오", 25),
        ("7", 7),
    ],
)
def test_numbers_read_as_koreans_say_them(word: str, value: int) -> None:
    assert number_value(word) == value


def test_words_that_are_not_numbers() -> None:
    assert number_value("많이") is None and number_value("서른여덟살") is None
    assert sino_to_int("십십") is None


def test_native_day_counts() -> None:
    """열흘 is ten days, 보름 fifteen: counts of days said without 일."""
    from kodial.korean.numerals import DAY_COUNTS

    assert (DAY_COUNTS["하루"], DAY_COUNTS["사흘"], DAY_COUNTS["열흘"], DAY_COUNTS["보름"]) == (
        1,
        3,
        10,
        15,
    )
