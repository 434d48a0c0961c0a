"""Identifiers written as codes: digit groups (account and tracking numbers), code-shaped words
(M-20817), long runs of digits, and which string parameters take them."""

from __future__ import annotations

import re

from kodial.tools.arguments.params import enum_options, is_code_param, param_kind
from kodial.tools.schema import ParamSpec

DIGIT_GROUPS = re.compile(r"(?<![\w-])\d{2,}(?:[ -]\d{2,}){1,4}(?![\d-]|\s*(?:호|동|층|번지))")
"""Digits written in groups, as codes are (account, tracking and order numbers), not a street
number and a unit (성수이로 77 302호)."""

_CODE_WORD = re.compile(r"(?<![\w-])[A-Za-z0-9][A-Za-z0-9-]*\d[A-Za-z0-9-]*(?![A-Za-z0-9-])")
"""A code-shaped word: Latin letters, digits and dashes, with a digit (110-482-339017, M-20817)."""


def one_code(text: str, lettered: bool) -> tuple[int, int] | None:
    """The span of the one code-shaped word in ``text`` (with a letter or a dash in it when
    ``lettered``); None when there is none or more than one."""
    codes = [
        m for m in _CODE_WORD.finditer(text) if not lettered or re.search(r"[A-Za-z-]", m.group(0))
    ]
    return codes[0].span() if len(codes) == 1 else None


LONG_DIGITS = re.compile(r"(?<![\w.,-])\d{6,}(?![\w.,-])")
"""Six digits or more in a row: a number that names something (운송장, 주문 번호), not a count."""


NOT_AN_ID_AFTER = re.compile(r"\s*(?:원|만원|달러|계좌|결제|짜리|번\s*계좌|으로\s*입금|로\s*입금)")
NOT_AN_ID_BEFORE = re.compile(r"(?:은행|계좌|카드|뱅크|금액|가격)\s*$")
"""An amount (1290000 결제한) or an account (국민은행 1234...) is no identifier of the request."""


def takes_code(p: ParamSpec) -> bool:
    """A string parameter whose value is a code or a number written as text: an identifier
    (:func:`is_code_param`) or what the description calls a 번호 (카드 번호 뒤 4자리)."""
    return is_code_param(p) or (
        p.type == "string"
        and not enum_options(p)
        and param_kind(p) == "string"
        and "번호" in p.description
    )
