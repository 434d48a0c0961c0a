"""The official ``openai`` Python client against the API: in-process (its HTTP client is the
app's TestClient), and streaming over a real socket from a real server."""

from __future__ import annotations

from typing import Any

import httpx
import openai
import pytest
from fastapi.testclient import TestClient
from openai import OpenAI
from serve_helpers import BASE_URL, as_caller


@pytest.fixture
def client(http: TestClient) -> OpenAI:
    return OpenAI(base_url=BASE_URL + "/v1", api_key="unused", max_retries=0, http_client=http)


def test_models(client: OpenAI, model: str) -> None:
    assert [m.id for m in client.models.list()] == [model]


def test_non_streaming(client: OpenAI, model: str) -> None:
    out = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "안녕하세요!"}]
    )
    assert out.choices[0].message.content and out.choices[0].finish_reason == "stop"
    assert out.usage is not None and out.usage.total_tokens > 0
    extra: Any = out.model_extra
    assert extra["kodial"]["route"]["handler"]


def test_streaming_with_a_server_session(model: str, server_url: str) -> None:
    client = OpenAI(base_url=server_url + "/v1", api_key="unused", max_retries=0)
    created = client.post("/sessions", body={}, cast_to=dict)  # as `kodial demo` prints
    sid, token = created["id"], created["session_token"]
    texts = []
    for message in ["안녕하세요!", "고마워요"]:
        stream = client.chat.completions.create(
            model=model,
            messages=[{"role": "user", "content": message}],
            stream=True,
            stream_options={"include_usage": True},
            extra_body={"session_id": sid, "session_token": token},
        )
        pieces, finish, usage = [], None, None
        for chunk in stream:
            if chunk.choices:
                pieces.append(chunk.choices[0].delta.content or "")
                finish = chunk.choices[0].finish_reason or finish
            usage = chunk.usage or usage
        assert finish == "stop" and usage is not None and usage.completion_tokens > 0
        texts.append("".join(pieces))
    headers = {"X-Kodial-Session-Token": token}
    turns = httpx.get(f"{server_url}/v1/sessions/{sid}", headers=headers).json()["turns"]
    assert [t["assistant"] for t in turns] == texts
    # the token as a header, through the client's extra_headers, works the same
    out = client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": "안녕하세요!"}],
        extra_body={"session_id": sid},
        extra_headers=headers,
    )
    assert out.model_extra is not None and out.model_extra["kodial"]["turn"] == 3
    with pytest.raises(openai.NotFoundError, match="session_token"):  # no token: not ours
        client.chat.completions.create(
            model=model,
            messages=[{"role": "user", "content": "안녕하세요!"}],
            extra_body={"session_id": sid},
        )


def test_errors_map_to_client_exceptions(client: OpenAI, model: str) -> None:
    with pytest.raises(openai.NotFoundError, match="does not exist"):
        client.chat.completions.create(model="gpt-x", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(openai.BadRequestError, match="too long"):
        client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": "가" * 5000}]
        )


def test_auth_error(make_client: Any, model: str) -> None:
    from kodial.serve.security import hash_key

    app = make_client(api_key_hashes=[hash_key("kd-right")])
    bad = OpenAI(
        base_url=BASE_URL + "/v1", api_key="kd-wrong", max_retries=0, http_client=as_caller(app)
    )
    with pytest.raises(openai.AuthenticationError):
        bad.models.list()
    good = OpenAI(
        base_url=BASE_URL + "/v1", api_key="kd-right", max_retries=0, http_client=as_caller(app)
    )
    out = good.chat.completions.create(model=model, messages=[{"role": "user", "content": "안녕"}])
    assert out.choices[0].message.content
