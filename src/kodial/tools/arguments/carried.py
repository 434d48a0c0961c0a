"""Values of earlier calls carried into the next call: which argument of a call of one tool
may fill a parameter of another (the same thing by its name, its description or its kind), and
which may not (an event's name is no contact's; the time of the one visit booked is not when the
regular ones come)."""

from __future__ import annotations

from collections.abc import Sequence

from kodial.tools.acts import tool_act
from kodial.tools.arguments.params import is_code_param, param_kind
from kodial.tools.schema import ParamSpec, ToolSpec
from kodial.tools.text import content_words, tokens

_GENERIC_PARAM_WORDS = frozenset({"이름", "명칭", "name", "id", "아이디", "식별자", "값", "value"})
"""Head nouns nearly every parameter of their kind has: two parameters sharing only these (an
event's 이름 and a person's 이름) hold different things."""


def same_meaning(p: ParamSpec, other: ParamSpec) -> bool:
    """Whether two same-named parameters of different tools hold the same thing: their
    descriptions share a word other than a generic head noun (킬로그램 단위의 무게 / 체중
    (킬로그램 단위) do; 추가할 일정의 이름 / 사람의 이름 do not). Without a description on
    either side there is nothing to tell them apart, and the name decides."""
    if not p.description.strip() or not other.description.strip():
        return True
    return bool(_meaning_words(p.description) & _meaning_words(other.description))


def _meaning_words(description: str) -> set[str]:
    """Content words of a parameter description, with its units (킬로그램 is a bound noun to
    the analyser), less the generic head nouns."""
    units = {t.form.lower() for t in tokens(description) if t.tag == "NNB" and len(t.form) > 1}
    return (set(content_words(description)) | units) - _GENERIC_PARAM_WORDS


def carries(tool: ToolSpec, p: ParamSpec, called: str, tools: Sequence[ToolSpec]) -> bool:
    """Whether an argument ``p.name`` of an earlier call of ``called`` may fill ``p``."""
    if called == tool.name:
        return True
    spec = next((t for t in tools if t.name == called), None)
    other = next((q for q in spec.params if q.name == p.name), None) if spec else None
    return other is None or same_meaning(p, other)


def made_by(tool: ToolSpec, called: str, tools: Sequence[ToolSpec]) -> bool:
    """Whether ``called`` is another tool that made a thing (a booking, an order)."""
    spec = next((t for t in tools if t.name == called and t.name != tool.name), None)
    return spec is not None and tool_act(spec) == "create"


def option_carried(tool: ToolSpec, p: ParamSpec, called: str, act: str | None) -> bool:
    """Whether an option of an earlier call of another tool goes with the thing now made: a
    yes/no option or a choice of the same name, from a look-up the request follows (the
    quote's 잡목 정리 포함 is the application's; the grade whose price was asked, the order's)."""
    return (
        act == "create"
        and called != tool.name
        and param_kind(p) in ("boolean", "enum")
        and called.split("_")[0] == tool.name.split("_")[0]
    )


def described_alike(p: ParamSpec, called: str, tools: Sequence[ToolSpec]) -> str:
    """The parameter of the tool ``called`` that another name gives the same description and
    type as ``p``, for a day or an identifier (a search's start_date "입소일" is an
    application's check_in "입소일"), or an empty string."""
    spec = next((t for t in tools if t.name == called), None)
    said = p.description.strip()
    if spec is None or len(said) < 3 or not (param_kind(p) == "date" or is_code_param(p)):
        return ""  # (an amount described as 금액 in a conversion is no transfer's)
    alike = [
        q.name
        for q in spec.params
        if q.description.strip() == said and q.type == p.type and q.format == p.format
    ]
    return alike[0] if len(alike) == 1 else ""
