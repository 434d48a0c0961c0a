"""Chit-chat answered by a transformers causal LM (a tiny random Llama with a byte-level Korean
BPE tokenizer, built here) through the HTTP API (in-process): token deltas are streamed as SSE
without ever splitting a character, greedy streams equal the non-streamed reply, and max_tokens
cuts the generation."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from serve_helpers import BASE_URL, chat, reply_of

from kodial.assistant.config import bundled_config
from kodial.serve.app import create_app
from kodial.serve.settings import ServeSettings
from kodial.serve.streaming import graphemes


@pytest.fixture(scope="module")
def lm_http(assistant: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from kodial.assistant.config import load_config
    from kodial.assistant.engine import Assistant
    from kodial.testing.causal_lm import build_tiny_llama, untie_head

    tmp = tmp_path_factory.mktemp("lm")
    model_dir = build_tiny_llama(tmp / "llama", hidden_size=32, num_layers=2, num_heads=4)
    untie_head(model_dir)
    conf_dir = tmp / "assistant"
    shutil.copytree(bundled_config().parent, conf_dir)
    cfg = yaml.safe_load((conf_dir / "assistant.yaml").read_text(encoding="utf-8"))
    cfg["handlers"]["smalltalk"] = {
        "type": "chitchat",
        "backend": "transformers",
        "model": str(model_dir),
        "max_new_tokens": 24,
        "temperature": 0.0,
    }
    (conf_dir / "assistant.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), "utf-8")
    # the bundled assistant's trained classifier, reused: only the chit-chat backend differs
    lm_assistant = Assistant(
        load_config(conf_dir / "assistant.yaml"), assistant.classifier, persona=assistant.persona
    )
    settings = ServeSettings(  # type: ignore[call-arg]
        _env_file=None, database_url=f"sqlite:///{tmp / 's.db'}", rate_limit_per_minute=0
    )
    with TestClient(create_app(settings, lm_assistant), base_url=BASE_URL) as client:
        yield client


def test_lm_stream_is_character_safe_and_matches(lm_http: TestClient, model: str) -> None:
    plain = chat(lm_http, model, "안녕하세요!")
    streamed = chat(lm_http, model, "안녕하세요!", stream=True)
    route = streamed["kodial"]["route"]
    assert route["handler"] == "smalltalk" and route["chitchat"]["backend"] == "transformers"
    text = reply_of(streamed)
    assert len(text.split()) >= 3 and text == reply_of(plain)  # greedy: same tokens either way
    deltas = [
        e["choices"][0]["delta"].get("content")
        for e in streamed["_events"][1:-1]
        if e.get("choices")
    ]
    deltas = [d for d in deltas if d]
    assert len(deltas) >= 3  # token deltas, not one piece
    bounds = {0}
    pos = 0
    for g in graphemes(text):
        pos += len(g)
        bounds.add(pos)
    pos = 0
    for d in deltas:
        pos += len(d)
        assert pos in bounds, f"delta ends inside a character: {d!r}"


def test_lm_max_tokens(lm_http: TestClient, model: str) -> None:
    full = reply_of(chat(lm_http, model, "안녕하세요!"))
    out = chat(lm_http, model, "안녕하세요!", stream=True, max_tokens=3)
    assert out["usage"]["completion_tokens"] <= 3
    if len("".join(full.split())) > 3:
        assert out["choices"][0]["finish_reason"] == "length"
        assert full.startswith(reply_of(out))
