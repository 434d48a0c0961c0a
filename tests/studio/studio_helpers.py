"""Helpers of the studio tests (fixtures are in conftest.py)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from kodial.studio.settings import StudioSettings

BASE_URL = "http://127.0.0.1:8000"


def studio_settings(root: Path, **overrides: Any) -> StudioSettings:
    """A workspace and a SQLite store under ``root``, no rate limits, and ``overrides``."""
    values: dict[str, Any] = {
        "workspace": root / "workspace",
        "database_url": f"sqlite:///{root / 'sessions.db'}",
        "rate_limit_per_minute": 0,
    }
    values.update(overrides)
    return StudioSettings(_env_file=None, **values)  # type: ignore[call-arg]


def wait_job(client: TestClient, job: dict[str, Any], timeout: float = 300) -> dict[str, Any]:
    """Poll a studio job until it ends (the console does the same)."""
    deadline = time.monotonic() + timeout
    while True:
        found: dict[str, Any] = client.get(f"/studio/api/jobs/{job['id']}").json()
        if found["status"] not in ("queued", "running"):
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job['id']} still {found['status']} after {timeout} s")
        time.sleep(0.1)


def add_delivery_intent(doc: dict[str, Any]) -> dict[str, Any]:
    """The intent the tests add: delivery questions, answered by an FAQ of its own."""
    doc["intents"]["delivery"] = {
        "description": "배달 문의",
        "examples": [
            "배달 되나요",
            "집으로 배달해 주세요",
            "배달 가능한가요",
            "음식 배달 돼요?",
            "배달 주문하고 싶어요",
            "배달비는 얼마예요",
            "집에서 받아 볼 수 있어요?",
        ],
    }
    doc["assistant"]["handlers"]["delivery"] = {
        "type": "faq",
        "description": "배달 문의",
        "data": "delivery.yaml",
        "min_similarity": 0.0,
    }
    doc["files"]["delivery.yaml"] = [
        {"q": ["배달 되나요"], "a": "지금은 배달하지 않아요. 포장 주문은 가능해요."}
    ]
    return doc


UNSEEN_DELIVERY = "우리 집 앞까지 음식 갖다 주세요"
"""A delivery question the assistant with the delivery intent still falls back on (no example
shares its words); once it is an example, that assistant answers it with the delivery FAQ."""
