"""Identifiers written as codes: digit groups (account and tracking numbers), code-shaped words
(M-20817), long runs of digits, which string parameters take them, and numbers that are part
of a code."""

from __future__ import annotations

import re
from collections.abc import Callable

from kodial.tools.arguments.params import enum_options, is_code_param, param_kind
from kodial.tools.schema import ParamSpec, ToolSpec
from kodial.tools.text import NumberMention

DIGIT_GROUPS = re.compile(r"(?<![\w-])\d{2,}(?:[ -]\d{2,}){1,4}(?![\d-]|\s*(?:호|동|층|번지))")
"""Digits written in groups, as codes are (account, tracking and order numbers), not a street
number and a unit (성수이로 77 302호)."""

_CODE_WORD = re.compile(r"(?<![\w-])[A-Za-z0-9][A-Za-z0-9-]*\d[A-Za-z0-9-]*(?![A-Za-z0-9-])")
"""A code-shaped word: Latin letters, digits and dashes, with a digit (110-482-339017, M-20817)."""
QUANTITY = re.compile(r"\d+(?:\.\d+)?(?:mg|g|kg|ml|l|cm|mm|m|km|kb|mb|gb|tb|oz|lb)", re.I)
"""A number and its unit of measure (500g, 90ml, 10km, 256GB): how much, not an identifier."""


def one_code(text: str, lettered: bool) -> tuple[int, int] | None:
    """The span of the one code-shaped word in ``text`` (with a letter or a dash in it when
    ``lettered``); None when there is none or more than one."""
    codes = [
        m
        for m in _CODE_WORD.finditer(text)
        if (not lettered or re.search(r"[A-Za-z-]", m.group(0)))
        and not QUANTITY.fullmatch(m.group(0))
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


_ACCOUNT_PARAM = re.compile(r"계좌|account", re.I)
_BANK_PARAM = re.compile(r"(?<![가-힣])은행|bank(?!_?account)", re.I)
_BANK_BEFORE = re.compile(
    r"(?<![가-힣\w])(?:[가-힣A-Za-z]{1,8}(?:은행|뱅크)|농협|신협|우체국|새마을금고|수협|[A-Z]{2,5})"
    r"\s*(?:계좌)?\s*$"
)


def is_account(p: ParamSpec) -> bool:
    """Whether ``p`` takes a bank account (지원금 받을 계좌, refund_account)."""
    said = f"{p.name} {p.description}"
    return param_kind(p) == "string" and _ACCOUNT_PARAM.search(said) is not None


def with_its_bank(
    tool: ToolSpec, p: ParamSpec, text: str, span: tuple[int, int], free: Callable[[int, int], bool]
) -> tuple[int, int]:
    """The span of an account number with the bank said before it ("카카오뱅크 3333-08-5521947")
    when ``p`` is an account and no parameter of ``tool`` takes the bank; else ``span``."""
    banked = any(_BANK_PARAM.search(f"{q.name} {q.description}") for q in tool.params)
    if banked or not is_account(p):
        return span
    bank = _BANK_BEFORE.search(text, 0, span[0])
    return (bank.start(), span[1]) if bank and free(bank.start(), span[1]) else span


def in_a_code(text: str, n: NumberMention) -> bool:
    """Whether a number is glued to more digits by a slash or hyphen, after or before it, or
    to Latin letters by a hyphen before it: part of a code (235/55R19, a tyre size;
    110-482-339017, an account; M-77120, a member), not a quantity."""
    if re.match(r"-\d+\s*(?:명|박|일|개|시간|장|인|살|세|분|층|회)", text[n.end :]) or (
        n.unit and re.fullmatch(r"\d-", text[max(0, n.start - 2) : n.start])
    ):
        return False  # "3-4명", "2-3박": a range of counts, not a code
    return bool(
        re.match(r"[/-]\d", text[n.end : n.end + 2])
        or re.fullmatch(r"\d[/-]|[A-Za-z]-", text[max(0, n.start - 2) : n.start])
    )
