"""With API keys configured, every studio API route and the ratings API need a key (the same
keys and rate limit as ``/v1``); the console page itself is a data-free shell. An open studio is
refused on a non-loopback host, as an open API is. Job errors show no server paths."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from studio_helpers import BASE_URL, studio_settings

from kodial.errors import KodialError
from kodial.serve.security import hash_key
from kodial.studio.app import create_studio_app
from kodial.studio.jobs import redact

KEY = "kd-studio-operator"


def studio_routes(client: TestClient) -> list[tuple[str, str]]:
    """(method, path) of every studio API route and the feedback routes, from the app's own
    OpenAPI schema (so a route added later is covered), path parameters filled."""
    found = []
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    for path, operations in paths.items():
        if not (path.startswith("/studio/api") or "feedback" in path):
            continue
        path = path.replace("{run_id}", "r0001").replace("{session_id}", "s1")
        path = re.sub(r"\{[a-z_]+\}", "1", path)
        found += [(method.upper(), path) for method in operations]
    return sorted(found)


def test_every_studio_route_needs_the_key(make_studio: Any) -> None:
    client = make_studio(api_key_hashes=[hash_key(KEY)])
    routes = studio_routes(client)
    assert len(routes) >= 20  # the whole API is covered, not a sample
    for method, path in routes:
        for headers in ({}, {"Authorization": "Bearer kd-wrong"}):
            res = client.request(method, path, json={}, headers=headers)
            assert res.status_code == 401, (method, path, res.status_code)
            assert res.json()["error"]["code"] == "invalid_api_key"
    ok = client.get("/studio/api/info", headers={"Authorization": f"Bearer {KEY}"})
    assert ok.status_code == 200 and ok.json()["auth_required"] is True
    page = client.get("/studio/")
    assert page.status_code == 200 and "kodial 스튜디오" in page.text
    assert "kodial-demo" not in page.text  # the shell holds no data


def test_an_open_studio_is_refused_on_a_public_interface(assistant: Any, tmp_path: Any) -> None:
    app = create_studio_app(studio_settings(tmp_path, host="0.0.0.0"), assistant)
    with pytest.raises(KodialError, match="refusing to serve"), TestClient(app, base_url=BASE_URL):
        pass


def test_errors_shown_in_the_console_carry_no_server_paths() -> None:
    assert redact("/srv/kodial/ws/chat/exports/c0001 holds no model") == "c0001 holds no model"
    assert redact("cannot read '/home/me/ws/history/0002/faq.yaml'") == "cannot read 'faq.yaml'"
    assert redact("see https://example.com/a/b") == "see https://example.com/a/b"
