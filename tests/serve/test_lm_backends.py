"""The chit-chat backends behind the service: the transformers backend batches concurrent
streams (replies identical to alone, greedy), the openai backend talks to a real
OpenAI-compatible server (``transformers serve`` on loopback) with the persona prompt and
answers what the local model answers, a server that is down gives a polite reply with an error
id, and the config refuses what it must (the removed in-process vllm backend, a key in YAML)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from serve_helpers import chat, reply_of

from kodial.assistant.chitchat import UNAVAILABLE_REPLY, ChitchatHandler
from kodial.assistant.config import ChitchatConfig, bundled_config, load_config
from kodial.config import validate
from kodial.errors import KodialError
from kodial.serve.runner import free_port
from kodial.testing.services import transformers_serve

MESSAGE = "안녕하세요!"


@pytest.fixture(scope="module")
def tiny_lm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kodial.testing.causal_lm import build_tiny_llama, untie_head

    model_dir = build_tiny_llama(
        tmp_path_factory.mktemp("lm") / "llama", hidden_size=32, num_layers=2, num_heads=4
    )
    untie_head(model_dir)
    return model_dir


@pytest.fixture
def lm_assistant(assistant: Any, tmp_path: Path) -> Callable[..., Any]:
    """``lm_assistant(**smalltalk)``: the bundled assistant (its trained classifier reused) with
    chit-chat answered by the given backend."""
    from kodial.assistant.engine import Assistant

    def make(**smalltalk: Any) -> Any:
        conf_dir = tmp_path / f"assistant-{len(list(tmp_path.iterdir()))}"
        shutil.copytree(bundled_config().parent, conf_dir)
        cfg = yaml.safe_load((conf_dir / "assistant.yaml").read_text(encoding="utf-8"))
        cfg["handlers"]["smalltalk"] = {"type": "chitchat", "temperature": 0.0, **smalltalk}
        (conf_dir / "assistant.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), "utf-8")
        return Assistant(
            load_config(conf_dir / "assistant.yaml"),
            assistant.classifier,
            persona=assistant.persona,
        )

    return make


def _smalltalk(lm: Any) -> ChitchatHandler:
    handler: ChitchatHandler = lm.handlers["smalltalk"]
    return handler


def test_concurrent_streams_share_batches_and_reply_as_alone(
    lm_assistant: Callable[..., Any], tiny_lm: Path, start_server: Callable[..., str], model: str
) -> None:
    lm = lm_assistant(backend="transformers", model=str(tiny_lm), max_new_tokens=24, max_batch=4)
    batcher = _smalltalk(lm).backend.model.batcher
    assert batcher is not None and batcher.max_batch == 4
    url = start_server(assistant=lm)
    with httpx.Client(base_url=url, timeout=120) as http:
        alone = reply_of(chat(http, model, MESSAGE, stream=True))

    def one(_: int) -> str:
        with httpx.Client(base_url=url, timeout=120) as http:
            return reply_of(chat(http, model, MESSAGE, stream=True))

    with ThreadPoolExecutor(6) as pool:
        together = list(pool.map(one, range(6)))
    assert alone and together == [alone] * 6


def test_max_batch_one_answers_one_at_a_time(
    lm_assistant: Callable[..., Any], tiny_lm: Path
) -> None:
    lm = lm_assistant(backend="transformers", model=str(tiny_lm), max_batch=1)
    assert _smalltalk(lm).backend.model.batcher is None


@pytest.fixture(scope="module")
def served(tiny_lm: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with transformers_serve(tiny_lm, tmp_path_factory.mktemp("served") / "serve.log") as url:
        yield url


@pytest.mark.slow
def test_openai_backend_answers_what_the_local_model_answers(
    lm_assistant: Callable[..., Any],
    tiny_lm: Path,
    served: str,
    make_client: Callable[..., Any],
    model: str,
) -> None:
    """Greedy: the reply through kodial -> transformers serve is the reply of the same model
    run locally with the same persona prompt, streamed or not."""
    remote = lm_assistant(backend="remote", base_url=served, model=str(tiny_lm), max_new_tokens=12)
    local = lm_assistant(backend="transformers", model=str(tiny_lm), max_new_tokens=12)
    handler = _smalltalk(remote)
    assert handler.config.backend == "openai"
    bot = handler.backend.model
    assert bot.messages([{"role": "user", "content": MESSAGE}])[0]["content"] == (
        remote.persona.system_prompt()
    )
    client = make_client(assistant=remote)
    local_client = make_client(assistant=local)
    # a random model may end on half a character, which servers drop and decode differently
    want = reply_of(chat(local_client, model, MESSAGE)).rstrip("\ufffd").strip()
    streamed = chat(client, model, MESSAGE, stream=True)
    whole = chat(client, model, MESSAGE)
    assert streamed["kodial"]["route"]["chitchat"] == {
        "backend": "openai",
        "model": str(tiny_lm),
        "nearest": None,
        "similarity": None,
        "threshold": None,
        "default_reply": False,
    }
    assert want
    assert reply_of(streamed).rstrip("\ufffd").strip() == want
    assert reply_of(whole).rstrip("\ufffd").strip() == want


def test_a_server_that_is_down_gets_a_polite_reply(
    lm_assistant: Callable[..., Any], make_client: Callable[..., Any], model: str
) -> None:
    down = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there: connection refused
    lm = lm_assistant(backend="openai", base_url=down, model="m", retries=0, timeout_s=2)
    client = make_client(assistant=lm)
    for stream in (False, True):
        out = chat(client, model, MESSAGE, stream=stream)
        head = UNAVAILABLE_REPLY.split("{ref}")[0]
        assert reply_of(out).startswith(head) and "(오류 번호 " in reply_of(out)


def test_the_api_key_comes_from_the_named_environment_variable(
    lm_assistant: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KODIAL_TEST_LM_KEY", raising=False)
    with pytest.raises(KodialError, match=r"\$KODIAL_TEST_LM_KEY, which is not set"):
        lm_assistant(
            backend="openai", base_url="http://x/v1", model="m", api_key_env="KODIAL_TEST_LM_KEY"
        )
    monkeypatch.setenv("KODIAL_TEST_LM_KEY", "sk-test-123")
    lm = lm_assistant(
        backend="openai", base_url="http://x/v1", model="m", api_key_env="KODIAL_TEST_LM_KEY"
    )
    assert _smalltalk(lm).backend.model.client.headers["Authorization"] == "Bearer sk-test-123"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"backend": "vllm", "model": "m"}, "vllm serve MODEL_DIR"),
        ({"backend": "openai", "model": "m"}, "needs 'base_url'"),
        ({"backend": "openai", "base_url": "x", "model": "m"}, "must start with http"),
        (
            {"backend": "openai", "base_url": "http://x/v1", "model": "m", "api_key": "sk-1"},
            "api_key is not read from assistant.yaml",
        ),
        (
            {"backend": "openai", "base_url": "http://x/v1", "model": "m", "api_key_env": "a b"},
            "must name an environment variable",
        ),
    ],
)
def test_config_refusals(values: dict[str, Any], message: str) -> None:
    """Refused with words that say what to do, and a key found in the YAML is not echoed."""
    with pytest.raises(KodialError, match=message) as err:
        validate(ChitchatConfig, values, source="assistant.yaml")
    assert "sk-1" not in str(err.value)


def test_remote_is_an_alias_of_openai() -> None:
    cfg = ChitchatConfig(backend="remote", base_url="http://x/v1", model="m")  # type: ignore[arg-type]
    assert cfg.backend == "openai"
