"""Fixtures of the serve tests: the bundled example assistant, loaded once per test process;
the app in-process through FastAPI's ``TestClient`` (most tests: no socket, no server thread);
and real uvicorn servers on free loopback ports, for what needs the wire (streaming bytes over a
socket, a client leaving mid-stream, concurrent requests, the browser, load)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from serve_helpers import BASE_URL

from kodial.assistant.engine import build_demo_assistant
from kodial.serve.app import create_app
from kodial.serve.runner import ServerThread
from kodial.serve.settings import ServeSettings


@pytest.fixture(scope="session")
def assistant() -> Any:
    """The bundled example assistant (src/kodial/resources/assistant/assistant.yaml), built once
    per test process (shared with the other suites' fixtures)."""
    return build_demo_assistant()


def serve_settings(db: Path, **overrides: Any) -> ServeSettings:
    """Settings on a SQLite file, without rate limits (tests send bursts), and ``overrides``."""
    values: dict[str, Any] = {"database_url": f"sqlite:///{db}", "rate_limit_per_minute": 0}
    values.update(overrides)
    return ServeSettings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def make_client(assistant: Any, tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """``make_client(assistant=..., **settings)``: the app in-process (its lifespan run: the store open), on a
    fresh SQLite file; ``client.app.dependency_overrides`` swaps what the routes depend on."""
    clients: list[TestClient] = []

    def make(assistant: Any = assistant, **overrides: Any) -> TestClient:
        settings = serve_settings(tmp_path / f"sessions-{len(clients)}.db", **overrides)
        client = TestClient(create_app(settings, assistant), base_url=BASE_URL)
        clients.append(client.__enter__())
        return client

    yield make
    for c in clients:
        c.__exit__(None, None, None)


@pytest.fixture(scope="module")
def http(assistant: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One in-process app for a test module (no keys, no rate limit)."""
    db = tmp_path_factory.mktemp("serve") / "sessions.db"
    with TestClient(create_app(serve_settings(db), assistant), base_url=BASE_URL) as client:
        yield client


@pytest.fixture
def start_server(assistant: Any, tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Start a real server (``assistant=`` another one) with settings overrides; returns its URL. Stopped after the test."""
    servers: list[ServerThread] = []

    def start(assistant: Any = assistant, **overrides: Any) -> str:
        settings = serve_settings(tmp_path / f"served-{len(servers)}.db", **overrides)
        server = ServerThread(create_app(settings, assistant))
        servers.append(server)
        return server.start()

    yield start
    for s in servers:
        s.stop()


@pytest.fixture(scope="module")
def server_url(assistant: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real server for a test module (no keys, no rate limit)."""
    db = tmp_path_factory.mktemp("serve") / "sessions.db"
    server = ServerThread(create_app(serve_settings(db), assistant))
    yield server.start()
    server.stop()


@pytest.fixture
def socket_http(server_url: str) -> Iterator[httpx.Client]:
    """A client of the module's real server."""
    with httpx.Client(base_url=server_url, timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
def model(assistant: Any) -> str:
    name: str = assistant.name
    return name
