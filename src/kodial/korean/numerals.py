"""Korean numerals: native (한, 두, 세 ... 스무) and Sino-Korean (일, 이, 삼 ... 구십구).

Hours and counts use native numerals (세 시, 네 명); dates, minutes and prices use Sino-Korean
ones (삼월 오일, 이십 분). :func:`number_value` reads either, or Arabic digits, up to 99 (times
and dates); :func:`korean_number` reads any amount, with 백/천/만/억 and digits mixed in (13만원).
"""

from __future__ import annotations

import math
import re

NATIVE_UNITS: dict[str, int] = {
    "한": 1,
    "하나": 1,
    "두": 2,
    "둘": 2,
    "세": 3,
    "셋": 3,
    "석": 3,
    "네": 4,
    "넷": 4,
    "넉": 4,
    "다섯": 5,
    "여섯": 6,
    "일곱": 7,
    "여덟": 8,
    "아홉": 9,
}
"""Native units, in the forms used before a noun (한 명) and alone (하나)."""

NATIVE_TENS: dict[str, int] = {
    "열": 10,
    "스물": 20,
    "서른": 30,
    "마흔": 40,
    "쉰": 50,
    "예순": 60,
    "일흔": 70,
    "여든": 80,
    "아흔": 90,
}
"""Native tens; a unit follows without a space (서른다섯, 스물한)."""

NATIVE_NUMERALS: dict[str, int] = {
    **NATIVE_UNITS,
    **NATIVE_TENS,
    "스무": 20,  # 20 before a noun (스무 명); 21 and up use 스물 (스물한 명)
    **{tens + unit: t + u for tens, t in NATIVE_TENS.items() for unit, u in NATIVE_UNITS.items()},
}
"""Native Korean numerals 1-99 (hours, counts): 한 시, 네 명, 스무 명, 서른다섯 살."""

SINO_DIGITS: dict[str, int] = {
    "일": 1,
    "이": 2,
    "삼": 3,
    "사": 4,
    "오": 5,
    "육": 6,
    "륙": 6,
    "칠": 7,
    "팔": 8,
    "구": 9,
}
"""Sino-Korean digits; 십 (ten) combines them: 이십오 = 25."""

SINO_MONTHS: dict[str, int] = {"유": 6, "시": 10}
"""Months whose Sino-Korean numeral drops its final consonant: 유월 (6월), 시월 (10월)."""

DAY_COUNTS: dict[str, int] = {
    "하루": 1,
    "이틀": 2,
    "사흘": 3,
    "나흘": 4,
    "닷새": 5,
    "엿새": 6,
    "이레": 7,
    "여드레": 8,
    "아흐레": 9,
    "열흘": 10,
    "보름": 15,
    "일주일": 7,
}
"""Native words for a number of days (열흘 = 10 days, 보름 = 15, and 일주일 = 7): a count of
days without 일."""

NATIVE_RE = "|".join(sorted(NATIVE_NUMERALS, key=len, reverse=True))
"""Regex alternation of the native numerals, longest first (열한 before 열)."""

DAY_COUNT_RE = "|".join(sorted(DAY_COUNTS, key=len, reverse=True))
"""Regex alternation of the native day counts (:data:`DAY_COUNTS`), longest first."""

SINO_RE = "[일이삼사오육륙칠팔구십]{1,4}"
"""Regex of a Sino-Korean numeral up to 99."""


def sino_to_int(word: str) -> int | None:
    """Value of a Sino-Korean numeral up to 99 (``"이십오"`` -> 25), None if not one.

    >>> sino_to_int("삼"), sino_to_int("십이"), sino_to_int("이십오"), sino_to_int("가")
    (3, 12, 25, None)
    """
    if not word or word.count("십") > 1 or any(ch not in SINO_DIGITS and ch != "십" for ch in word):
        return None
    if "십" not in word:
        return SINO_DIGITS[word] if len(word) == 1 else None
    tens, _, ones = word.partition("십")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (SINO_DIGITS[tens] if tens else 1) * 10 + (SINO_DIGITS[ones] if ones else 0)


def number_value(word: str) -> int | None:
    """Arabic, native or Sino-Korean numeral -> int (``"7"``, ``"일곱"``, ``"칠"``).

    >>> number_value("7"), number_value("일곱"), number_value("칠"), number_value("많이")
    (7, 7, 7, None)
    >>> number_value("서른다섯"), number_value("마흔"), number_value("스물한")
    (35, 40, 21)
    """
    word = word.strip()
    if word.isdigit():
        return int(word)
    if word in NATIVE_NUMERALS:
        return NATIVE_NUMERALS[word]
    return sino_to_int(word)


_SMALL_UNIT = {"십": 10, "백": 100, "천": 1000}


_BIG_UNIT = {"만": 10_000, "억": 100_000_000}


def korean_number(word: str) -> float | None:
    """Digits, Sino-Korean words and their mix -> value: ``"61,500"`` 61500, ``"13만"`` 130000,
    ``"삼만칠천"`` 37000, ``"십오"`` 15, ``"1억 2천만"`` 120000000, ``"163.2"`` 163.2; native
    counts (``"다섯"``) too. None when it is not a number, or a run of digits too long to be a
    quantity (it overflows a float: a pasted id, not an amount).

    >>> korean_number("삼만칠천"), korean_number("13만"), korean_number("십오"), korean_number("네")
    (37000, 130000, 15, 4)
    """
    w = word.replace(",", "").replace(" ", "")
    if not w:
        return None
    if w in NATIVE_NUMERALS:
        return NATIVE_NUMERALS[w]
    if re.fullmatch(r"\d+(\.\d+)?", w):
        value = float(w)
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() and "." not in w else value
    total = 0.0
    section = 0.0
    digit: float | None = None
    pos = 0
    seen = False
    while pos < len(w):
        m = re.match(r"\d+(\.\d+)?", w[pos:])
        if m:
            digit = float(m.group(0))
            pos += m.end()
            seen = True
            continue
        ch = w[pos]
        pos += 1
        if ch in SINO_DIGITS:
            if digit is not None:
                return None
            digit = SINO_DIGITS[ch]
        elif ch in _SMALL_UNIT:
            section += (1 if digit is None else digit) * _SMALL_UNIT[ch]
            digit = None
        elif ch in _BIG_UNIT:
            section += digit or 0
            total += (section or 1) * _BIG_UNIT[ch]
            section, digit = 0.0, None
        else:
            return None
        seen = True
    if not seen:
        return None
    value = total + section + (digit or 0)
    if not math.isfinite(value):
        return None
    return int(value) if float(value).is_integer() else value
