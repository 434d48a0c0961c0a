"""Slots of a task: how a value is found in a message (extractors) and checked (validation).

An extractor reads one message and returns an :class:`Extracted` value (a JSON value for the
dialogue state and the action, a Korean ``display`` text for confirmations) with the character
span it came from. Extractors register in :data:`EXTRACTORS`; each is a pydantic model, so the
``extractor:`` block of a slot in ``assistant.yaml`` is validated by the class that runs it:

- ``lexicon``: canonical values with synonyms (``강남점: [강남, 강남역]``).
- ``regex``: a pattern; the ``value`` group (or group 1, or the whole match) is the value.
- ``datetime``: Korean date/time expressions (:mod:`kodial.korean.datetimes`), the ``date``,
  ``time`` or full ``datetime`` part.
- ``number``: Arabic, native or Sino-Korean numerals followed by a unit (4명, 네 명, 두 사람),
  plus words such as 혼자; a bare number only when the slot is the one being asked.

Every message is offered to every slot of the active task, so "내일 7시에 4명" fills three slots
at once and "아니 시간은 8시로" changes one; spans claimed by a date/time are hidden from the
other extractors so that "7시 30분" never reads as 30 people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from kodial.config import FrozenConfig
from kodial.korean import attach_particle
from kodial.korean.date_format import format_date_ko, format_time_ko
from kodial.korean.datetimes import (
    KoreanDateTime,
    parse_datetime,
)
from kodial.korean.dialogue_acts import negated
from kodial.korean.numerals import NATIVE_RE, number_value


@dataclass
class Extracted:
    """A value found in a message."""

    value: Any
    """JSON value stored in the dialogue state and passed to the action (str, int, ISO date)."""
    display: str
    """How the value is said back to the user (``내일(11월 19일 목요일)``, ``오후 7시``)."""
    spans: tuple[tuple[int, int], ...] = ()
    """(start, end) of each run of words it came from in the message (hidden from the
    extractors that run after this one)."""


@dataclass
class ExtractContext:
    """What an extractor may need besides the message."""

    now: datetime
    asked: bool = False
    """True when this slot is the question the assistant just asked."""
    period_hint: str | None = None
    """Part of day said earlier without an hour (내일 저녁 -> 저녁), for a later bare "7시"."""
    cache: dict[str, Any] = field(default_factory=dict)
    """Per-message memo shared by the extractors (one date/time parse per message)."""


class LexiconExtractor(FrozenConfig):
    """Canonical values and their synonyms; the longest, earliest mention wins."""

    type: Literal["lexicon"] = "lexicon"
    values: dict[str, list[str]]
    """Canonical value -> synonyms (the canonical value itself always matches)."""

    @field_validator("values")
    @classmethod
    def _not_empty(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        if not v:
            raise ValueError("a lexicon needs at least one value")
        return v

    def extract(self, text: str, ctx: ExtractContext) -> Extracted | None:
        low = text.lower()
        best: tuple[int, int, str] | None = None  # (start, -length, canonical)
        for canon, synonyms in self.values.items():
            for word in {canon, *synonyms}:
                for m in re.finditer(re.escape(word.lower()), low):
                    pos = m.start()
                    if negated(low, m.end()):
                        continue
                    if best is None or (pos, -len(word)) < best[:2]:
                        best = (pos, -len(word), canon)
                    break
        if best is None:
            return None
        return Extracted(best[2], best[2], ((best[0], best[0] - best[1]),))

    def choices(self) -> list[str]:
        return list(self.values)


class RegexExtractor(FrozenConfig):
    """A regular expression; the named group ``value``, else group 1, else the match is the value."""

    type: Literal["regex"] = "regex"
    pattern: str
    """Python regular expression searched in the message."""

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"invalid regular expression: {exc}") from None
        return v

    def extract(self, text: str, ctx: ExtractContext) -> Extracted | None:
        m = re.search(self.pattern, text)
        if m is None:
            return None
        if "value" in m.re.groupindex:
            key: int | str = "value"
        else:
            key = 1 if m.re.groups else 0
        value = m.group(key)
        if value is None:
            return None
        return Extracted(value, value, (m.span(key),))

    def choices(self) -> list[str]:
        return []


class DatetimeExtractor(FrozenConfig):
    """Korean date/time expressions resolved against the current time (Asia/Seoul)."""

    type: Literal["datetime"] = "datetime"
    part: Literal["date", "time", "datetime"] = "datetime"
    """Which part fills the slot: ISO date ``2026-11-19``, ``19:30``, or ``2026-11-19T19:30``."""
    prefer_hours: tuple[int, int] | None = None
    """Opening hours [start, end) on a 24-hour clock: a bare "7시" becomes 19:00 if 7:00 is
    outside them."""

    def parse(self, text: str, ctx: ExtractContext) -> KoreanDateTime:
        key = f"datetime:{self.prefer_hours}:{ctx.period_hint}"
        if key not in ctx.cache:
            ctx.cache[key] = parse_datetime(
                text, ctx.now, prefer_hours=self.prefer_hours, period_hint=ctx.period_hint
            )
        parsed: KoreanDateTime = ctx.cache[key]
        return parsed

    def extract(self, text: str, ctx: ExtractContext) -> Extracted | None:
        r = self.parse(text, ctx)
        today = ctx.now.date()
        date_spans = (r.date_span,) if r.date_span else ()
        time_spans = (r.time_span,) if r.time_span else ()
        if self.part == "date" and r.date is not None:
            return Extracted(r.date.isoformat(), format_date_ko(r.date, today), date_spans)
        if self.part == "time" and r.time is not None:
            return Extracted(r.time.strftime("%H:%M"), format_time_ko(r.time), time_spans)
        if self.part == "datetime" and r.time is not None:
            when = r.to_datetime(ctx.now)
            assert when is not None
            display = f"{format_date_ko(when.date(), today)} {format_time_ko(when.time())}"
            return Extracted(when.isoformat(timespec="minutes"), display, date_spans + time_spans)
        return None

    def period(self, text: str, ctx: ExtractContext) -> str | None:
        """A part of day said without an hour (remembered for the next answer)."""
        r = self.parse(text, ctx)
        return r.period if r.time is None else None

    def choices(self) -> list[str]:
        return []


_NUM_WORD = r"\d{1,4}|" + NATIVE_RE + r"|[일이삼사오육칠팔구십]{1,3}"


class NumberExtractor(FrozenConfig):
    """A count: a numeral followed by one of ``units``, or a word from ``words``."""

    type: Literal["number"] = "number"
    units: list[str] = Field(default_factory=list)
    """Counter words after the number (명, 인, 사람, 장). Empty: any number."""
    words: dict[str, int] = Field(default_factory=dict)
    """Whole words meaning a number (혼자: 1, 둘이서: 2)."""

    def extract(self, text: str, ctx: ExtractContext) -> Extracted | None:
        for word, count in sorted(self.words.items(), key=lambda kv: -len(kv[0])):
            pos = text.find(word)
            if pos >= 0:
                return Extracted(count, str(count), ((pos, pos + len(word)),))
        if self.units:
            unit_re = "|".join(re.escape(u) for u in sorted(self.units, key=len, reverse=True))
            pattern = rf"(?<![\d가-힣])(?P<n>{_NUM_WORD})\s*(?:{unit_re})"
        else:
            pattern = r"(?<![\d:])(?P<n>\d{1,4})(?![\d:])"
        for m in re.finditer(pattern, text):
            n = number_value(m.group("n"))
            if n is not None and not negated(text, m.end()):
                return Extracted(n, str(n), (m.span(),))
        if ctx.asked:
            # The slot was just asked: a bare answer ("4", "넷이요", "다섯") counts.
            bare = re.fullmatch(
                rf"\s*(?P<n>{_NUM_WORD})\s*(?:이요|요|이|개|명)?\s*[.!?~]*\s*", text
            )
            value = number_value(bare.group("n")) if bare is not None else None
            if bare is not None and value is not None:
                return Extracted(value, str(value), (bare.span("n"),))
        return None

    def choices(self) -> list[str]:
        return []


Extractor = Annotated[
    LexiconExtractor | RegexExtractor | DatetimeExtractor | NumberExtractor,
    Field(discriminator="type"),
]
"""Any extractor config; ``type`` chooses the class."""

EXTRACTORS: dict[str, type[FrozenConfig]] = {
    "lexicon": LexiconExtractor,
    "regex": RegexExtractor,
    "datetime": DatetimeExtractor,
    "number": NumberExtractor,
}
"""Registry of slot extractors: ``type`` in YAML -> class. A test keeps it in sync with
:data:`Extractor`."""

EXTRACTION_ORDER: dict[str, int] = {"datetime": 0, "regex": 1, "lexicon": 2, "number": 3}
"""Dates and times first, counts last: earlier extractors hide their spans from later ones."""


class SlotConfig(FrozenConfig):
    """One value a task needs, how to ask for it, find it and check it."""

    name: str
    """Slot name, used in templates as ``{name}`` (e.g. 날짜, 시간, 인원, 장소)."""
    prompt: str
    """Question asked when the slot is empty ("몇 분이 오시나요?")."""
    extractor: Extractor
    """How to find the value in a message."""
    required: bool = True
    """A task is complete when every required slot is filled."""
    min: float | None = None
    """Numbers: smallest allowed value."""
    max: float | None = None
    """Numbers: largest allowed value."""
    not_past: bool = False
    """Dates and datetimes: refuse days before today."""
    max_days_ahead: int | None = None
    """Dates: refuse days more than this many days ahead."""
    hours: tuple[int, int] | None = None
    """Times: allowed [start, end) hours on a 24-hour clock (opening hours)."""
    date_slot: str | None = None
    """Times: the date slot to combine with, so that a time earlier today is refused."""
    unit: str = ""
    """Said after the value in messages (``4`` + ``명``)."""
    example: str | None = None
    """An example answer offered after repeated failures ("내일, 12월 3일, 다음 주 금요일")."""
    default: str | None = None
    """Text read by the extractor when the user never gives this slot (e.g. ``오늘``): the slot
    is then filled without asking."""

    def extractor_type(self) -> str:
        return str(self.extractor.type)

    def choices(self) -> list[str]:
        """Allowed values to offer after repeated failures (lexicon slots only)."""
        return self.extractor.choices()

    def check(self, value: Any, now: datetime, filled: dict[str, Any]) -> str | None:
        """Why ``value`` is refused (a Korean sentence), or None when it is acceptable.

        ``filled`` holds the values of the other slots (for ``date_slot``)."""
        subject = attach_particle(self.name, "은/는")
        if isinstance(value, int | float) and not isinstance(value, bool):
            if self.min is not None and value < self.min:
                return f"{subject} {_num(self.min)}{self.unit} 이상으로 말씀해 주세요."
            if self.max is not None and value > self.max:
                return f"{subject} {_num(self.max)}{self.unit}까지만 가능해요."
        if self.extractor_type() == "datetime":
            day = _as_date(value)
            today = now.date()
            if day is not None and self.not_past and day < today:
                return "이미 지난 날짜예요. 오늘 이후 날짜로 말씀해 주세요."
            if (
                day is not None
                and self.max_days_ahead is not None
                and (day - today).days > self.max_days_ahead
            ):
                return f"{self.max_days_ahead}일 이내의 날짜만 가능해요."
            clock = _as_time(value)
            if clock is not None and self.hours is not None:
                lo, hi = self.hours
                if not lo <= clock.hour + clock.minute / 60 < hi:
                    return f"{lo}시부터 {hi}시 사이의 시간으로 말씀해 주세요."
            if clock is not None and self.date_slot is not None:
                other = _as_date(filled.get(self.date_slot))
                at = datetime.combine(other or today, clock, tzinfo=now.tzinfo)
                if (other is None or other == today) and at <= now:
                    return "이미 지난 시간이에요. 더 늦은 시간으로 말씀해 주세요."
        return None


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _as_date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10 or value[4] != "-":
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _as_time(value: Any) -> time | None:
    if not isinstance(value, str):
        return None
    tail = value.split("T", 1)[1] if "T" in value else value
    if len(tail) < 5 or tail[2] != ":":
        return None
    try:
        return time.fromisoformat(tail[:5])
    except ValueError:
        return None


def extract_all(
    slots: list[SlotConfig],
    text: str,
    now: datetime,
    asked: str | None = None,
    period_hint: str | None = None,
) -> tuple[dict[str, Extracted], str | None]:
    """Offer ``text`` to every slot; returns (slot name -> value, a part of day said alone).

    Slots run in :data:`EXTRACTION_ORDER`; each kind's spans are blanked out before the next
    kind runs, so a word is read once (the date/time words are shared by date and time slots).
    """
    ctx = ExtractContext(now=now, period_hint=period_hint)
    found: dict[str, Extracted] = {}
    period: str | None = None
    masked = text
    by_kind = sorted(slots, key=lambda s: EXTRACTION_ORDER[s.extractor_type()])
    kinds = sorted({s.extractor_type() for s in slots}, key=EXTRACTION_ORDER.__getitem__)
    for kind in kinds:
        spans: list[tuple[int, int]] = []
        for slot in (s for s in by_kind if s.extractor_type() == kind):
            ctx.asked = slot.name == asked
            got = slot.extractor.extract(masked, ctx)
            if got is not None:
                found[slot.name] = got
                spans.extend(got.spans)
            elif isinstance(slot.extractor, DatetimeExtractor) and slot.extractor.part == "time":
                period = slot.extractor.period(masked, ctx) or period
        for start, end in spans:
            masked = masked[:start] + " " * (end - start) + masked[end:]
        ctx.cache.clear()
    return found, period
