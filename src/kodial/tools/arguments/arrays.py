"""Arrays: lists of allowed values, numbers, times of day, or a labelled list of strings."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from kodial.korean.datetimes import parse_datetime
from kodial.tools.arguments.choices import enum_mentions
from kodial.tools.arguments.message import EMAIL_RE, PHONE_RE, Msg
from kodial.tools.arguments.params import param_head
from kodial.tools.arguments.results import Found
from kodial.tools.arguments.strings import _label_keys, _labelled
from kodial.tools.schema import ParamSpec, ToolSpec
from kodial.tools.text import numbers

_EMAILS = re.compile(r"이메일|메일\s*주소|e-?mail", re.IGNORECASE)
_PHONES = re.compile(r"전화\s*번호|휴대폰|핸드폰|연락처|phone", re.IGNORECASE)


def _times_said(text: str, now: datetime) -> list[str]:
    """Every time of day ``text`` says, as HH:MM, in the order said (아침 8시 저녁 8시 ->
    08:00, 20:00)."""
    out: list[str] = []
    for _ in range(8):
        r = parse_datetime(text, now)
        if r.time is None or r.time_span is None:
            break
        out.append(f"{r.time.hour:02d}:{r.time.minute:02d}")
        s, e = r.time_span
        text = text[:s] + " " * (e - s) + text[e:]
    return out


def extract_arrays(
    tool: ToolSpec,
    params: list[ParamSpec],
    msg: Msg,
    out: dict[str, Found],
    source: str,
    now: datetime,
) -> None:
    """Simple arrays: every allowed value said (items with an enum), every number said (number
    items), every e-mail address or phone number said (string items described so), every time
    said (string items written HH:MM), or a labelled list split at commas and 와/과/하고 (string
    items)."""
    for p in params:
        values: list[Any] = []
        if p.items_enum:
            item = ParamSpec(p.name, p.items_type or "string", p.description, enum=p.items_enum)
            values = list(dict.fromkeys(opt for _, _, opt in enum_mentions(item, msg.masked)))
        elif p.items_type in ("number", "integer"):
            values = [
                int(n.value) if p.items_type == "integer" else n.value
                for n in numbers(msg.masked)
                if p.items_type != "integer" or float(n.value).is_integer()
            ]
        elif p.items_type == "string" and _EMAILS.search(f"{p.name} {p.description}"):
            # "참석자 이메일 목록": every e-mail address said
            values = list(dict.fromkeys(m.group(0) for m in EMAIL_RE.finditer(msg.text)))
        elif p.items_type == "string" and _PHONES.search(f"{p.name} {p.description}"):
            values = list(dict.fromkeys(m.group(0) for m in PHONE_RE.finditer(msg.text)))
        elif p.items_type == "string" and re.search(r"HH:?MM", p.description):
            # "복용 시각 목록 (HH:MM)": every time said ("아침 8시 저녁 8시")
            values = _times_said(msg.text, now)  # (dates and times are masked by now)
        elif p.items_type == "string":
            span = _labelled(msg.text, _label_keys(p), param_head(p), "text")
            if span:
                listed = msg.text[span[0] : span[1]]
                values = [
                    v.strip(" .")
                    for v in re.split(r"\s*(?:,|、|/|\s와\s|\s과\s|하고\s|랑\s)\s*", listed)
                    if v.strip(" .")
                ]
        if values:
            out[p.name] = Found(values, source, ", ".join(map(str, values)))
