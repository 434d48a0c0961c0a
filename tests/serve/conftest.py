"""Fixtures of the serve tests: the bundled example assistant, loaded once per test process,
and real uvicorn servers on free loopback ports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kodial.serve import runtime
from kodial.serve.app import create_app
from kodial.serve.runner import ServerThread
from kodial.serve.settings import ServeSettings


@pytest.fixture(scope="session")
def assistant() -> Any:
    """The bundled example assistant (src/kodial/resources/assistant/assistant.yaml)."""
    return runtime.load_assistant(None)


def _settings(db: Path, **overrides: Any) -> ServeSettings:
    values: dict[str, Any] = {"database_url": f"sqlite:///{db}", "rate_limit_per_minute": 0}
    values.update(overrides)
    return ServeSettings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def start_server(assistant: Any, tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Start a server with settings overrides; returns its URL. Stopped after the test."""
    servers: list[ServerThread] = []

    def start(**overrides: Any) -> str:
        settings = _settings(tmp_path / f"sessions-{len(servers)}.db", **overrides)
        server = ServerThread(create_app(settings, assistant))
        servers.append(server)
        return server.start()

    yield start
    for s in servers:
        s.stop()


@pytest.fixture(scope="module")
def server_url(assistant: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One default server for a test module (no keys, no rate limit)."""
    db = tmp_path_factory.mktemp("serve") / "sessions.db"
    server = ServerThread(create_app(_settings(db), assistant))
    yield server.start()
    server.stop()


@pytest.fixture
def http(server_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server_url, timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
def model(assistant: Any) -> str:
    name: str = assistant.name
    return name
