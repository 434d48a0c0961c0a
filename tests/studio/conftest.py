"""Fixtures of the studio tests: the bundled example assistant (built once per test process and
shared with the other suites), the studio app in-process (``TestClient``) on a fresh workspace
and SQLite file, and real servers on free loopback ports for the browser tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from studio_helpers import BASE_URL, studio_settings

from kodial.assistant.engine import build_demo_assistant
from kodial.serve.runner import ServerThread
from kodial.studio.app import create_studio_app


@pytest.fixture(scope="session")
def assistant() -> Any:
    return build_demo_assistant()


@pytest.fixture
def make_studio(assistant: Any, tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """``make_studio(**settings)``: the studio app in-process, its lifespan run."""
    clients: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        root = tmp_path / f"studio-{len(clients)}"
        root.mkdir()
        client = TestClient(
            create_studio_app(studio_settings(root, **overrides), assistant), base_url=BASE_URL
        )
        clients.append(client.__enter__())
        return client

    yield make
    for c in clients:
        c.__exit__(None, None, None)


@pytest.fixture
def studio(make_studio: Callable[..., TestClient]) -> TestClient:
    return make_studio()


@pytest.fixture
def start_studio(assistant: Any, tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Start a real studio server; returns its URL. Stopped after the test."""
    servers: list[ServerThread] = []

    def start(**overrides: Any) -> str:
        root = tmp_path / f"served-{len(servers)}"
        root.mkdir()
        server = ServerThread(create_studio_app(studio_settings(root, **overrides), assistant))
        servers.append(server)
        return server.start()

    yield start
    for s in servers:
        s.stop()
