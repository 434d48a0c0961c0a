"""Filling a tool's arguments from the whole conversation, never inventing a value.

Each parameter gets a *kind* from its JSON schema and, where the schema says little, from its
description (the words an app already writes for an LLM):

=============  ===================================================================================
kind           found as
=============  ===================================================================================
enum           an allowed value or a synonym (``male`` <- 남자/남성; options listed in the
               description, ``('small', 'large')`` or ``(긴급, 보통, 여유 중 하나)``)
boolean        the parameter's own words with a yes/no reading (반복은 끄고 -> false); a bare
               yes/no answer when it was asked
number         digits or Korean numerals with units (13만원, 십오프로, 네 명, 175cm), matched to the
               parameter by unit and by its words written next to the number (키 176)
date / time    :mod:`kodial.korean.datetimes`, written in the format the schema asks for
               (``format: date`` or "YYYY-MM-DD" -> ``2024-08-19``; ``HH:MM``; date-time), else
               the user's own words ("말한 그대로": 모레 저녁 8시); start/end ranges
email / phone  patterns
array          simple lists: the allowed values said (enum items), the numbers said, or a
               labelled list split at commas and 와/과
string         labelled values (이름은 X, 제목: X, X라는 메모), particles the description implies
               (출발지 X에서, 도착지 X까지, 수신자 X한테, 결과 X(으)로), a payload after a colon or on
               its own line, the noun phrase next to the tool's words (춘천 날씨), or the whole
               answer to a question that asked for it
=============  ===================================================================================

Values come from the latest user message first, then earlier ones, then arguments of earlier
tool calls and fields of tool results with the same name. A parameter found nowhere stays
missing: the caller asks for it if required and omits it if optional.

The package, one module per concern: :mod:`.params` (what a parameter is), :mod:`.message`,
:mod:`.dates`, :mod:`.numbers`, :mod:`.choices` (enums, booleans), :mod:`.clock` (times of day
among allowed values), :mod:`.strings` (strings, arrays), :mod:`.topic` (the noun phrase a
request is about), :mod:`.kinds` (values of particular kinds and shapes), :mod:`.handoff` (values
handed on from a tool result), :mod:`.addresses` (street addresses), :mod:`.answers` (values
said as a clause: where a thing is, whose make it is, what it is for), :mod:`.carried` (values
of earlier calls carried into the next), :mod:`.fill` (one message, the whole conversation),
:mod:`.results`.
"""

from kodial.tools.arguments.fill import extract_message, fill_arguments
from kodial.tools.arguments.params import (
    DateFormat,
    date_format,
    enum_options,
    param_keywords,
    param_kind,
)
from kodial.tools.arguments.results import Filling, Found

__all__ = [
    "DateFormat",
    "Filling",
    "Found",
    "date_format",
    "enum_options",
    "extract_message",
    "fill_arguments",
    "param_keywords",
    "param_kind",
]
