"""Actions of the bundled example assistant (``resources/assistant/assistant.yaml``).

They are real functions of their inputs: a booking gets a confirmation number derived from the
booked slots (the same booking always gets the same number, different bookings differ), and the
weather answer comes from a small table of monthly climate normals rather than a made-up
forecast. A deployment replaces them with its own callables or a webhook.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from kodial.errors import KodialError


def confirmation_code(prefix: str, task: str, slots: dict[str, Any]) -> str:
    """A short code derived from the task and its slots (SHA-256 of their canonical JSON).

    >>> confirmation_code("R", "book_table", {"인원": 4, "장소": "강남점"})
    'R-8876E3'
    """
    payload = json.dumps({"task": task, "slots": slots}, ensure_ascii=False, sort_keys=True)
    return f"{prefix}-{hashlib.sha256(payload.encode('utf-8')).hexdigest()[:6].upper()}"


def book_table(task: str, slots: dict[str, Any]) -> dict[str, Any]:
    """Book a restaurant table: returns ``confirmation`` and the ``branch`` booked."""
    for key in ("날짜", "시간", "인원", "장소"):
        if key not in slots:
            raise KodialError(f"book_table needs the slot {key!r}")
    return {"confirmation": confirmation_code("R", task, slots), "branch": slots["장소"]}


def book_ticket(task: str, slots: dict[str, Any]) -> dict[str, Any]:
    """Book movie tickets: returns ``confirmation`` and the ``seats`` count."""
    for key in ("영화", "날짜", "시간", "매수"):
        if key not in slots:
            raise KodialError(f"book_ticket needs the slot {key!r}")
    return {"confirmation": confirmation_code("M", task, slots), "seats": int(slots["매수"])}


CLIMATE_NORMALS: dict[str, tuple[float, ...]] = {
    "서울": (-1.9, 0.7, 6.1, 12.6, 18.2, 22.7, 25.3, 26.1, 21.6, 14.8, 7.2, 0.4),
    "인천": (-1.5, 0.6, 5.3, 11.0, 16.4, 20.9, 24.3, 25.6, 21.6, 15.3, 8.0, 1.3),
    "대전": (-1.0, 1.4, 6.6, 12.9, 18.4, 22.6, 25.5, 25.9, 21.1, 14.5, 7.4, 1.0),
    "대구": (0.6, 3.3, 8.5, 14.5, 19.7, 23.4, 26.1, 26.5, 21.9, 16.0, 9.0, 2.5),
    "광주": (0.6, 2.6, 7.5, 13.4, 18.9, 22.9, 26.0, 26.6, 22.3, 16.2, 9.5, 2.9),
    "부산": (3.2, 5.0, 8.9, 13.6, 17.7, 21.0, 24.5, 25.9, 22.5, 17.8, 11.8, 5.6),
    "제주": (6.1, 7.0, 9.9, 14.2, 18.3, 21.8, 26.3, 27.2, 23.5, 18.8, 13.2, 8.3),
}
"""Approximate monthly mean temperatures (°C, January first) in the spirit of the KMA 1991-2020
normals, rounded; written for the demo and not checked against the official table, so the
replies say "평년 기온 ... 정도" and never claim to be a forecast."""


def weather_normals(task: str, slots: dict[str, Any]) -> dict[str, Any]:
    """The usual temperature for a city and day (no live forecast: this runs offline).

    Returns ``month``, ``temp`` (monthly mean, °C) and ``feel`` (a word for it)."""
    city = str(slots.get("지역", ""))
    if city not in CLIMATE_NORMALS:
        raise KodialError(f"no climate data for {city!r}")
    day = date.fromisoformat(str(slots.get("날짜"))[:10])
    temp = CLIMATE_NORMALS[city][day.month - 1]
    if temp < 3:
        feel = "많이 추워요"
    elif temp < 12:
        feel = "쌀쌀해요"
    elif temp < 20:
        feel = "선선해요"
    elif temp < 25:
        feel = "따뜻해요"
    else:
        feel = "더워요"
    return {"month": day.month, "temp": f"{temp:.1f}", "feel": feel}
