"""Hub ids on a machine that cannot reach the hub: a clear error in seconds, or the cache."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from kodial import hub
from kodial.errors import KodialError


def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def unreachable_hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Online mode, a hub endpoint that refuses connections and an empty hub cache."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    cache = tmp_path / "hub-cache"
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))
    return cache


def test_a_hub_id_without_network_fails_at_once_with_what_to_do(unreachable_hub: Path) -> None:
    with pytest.raises(KodialError, match="not reachable") as err:
        hub.load_kwargs("klue/roberta-base")
    assert "--local-dir" in (err.value.hint or "") and "HF_TOKEN" in (err.value.hint or "")


def test_local_paths_and_offline_mode_are_left_alone(
    unreachable_hub: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert hub.load_kwargs(tmp_path) == {}
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert hub.load_kwargs("klue/roberta-base") == {}


def test_a_cached_model_loads_from_the_cache_without_network(
    unreachable_hub: Path, tmp_path: Path
) -> None:
    """A snapshot in the hub cache is used with ``local_files_only`` instead of retrying."""
    from transformers import AutoTokenizer

    from kodial.testing.tokenizers import build_chat_tokenizer

    snapshot = unreachable_hub / "models--kodial--tiny" / "snapshots" / "abc123"
    build_chat_tokenizer(snapshot, template="chatml", vocab_size=300)
    (snapshot / "config.json").write_text('{"model_type": "llama"}')  # as every hub repo has
    (unreachable_hub / "models--kodial--tiny" / "refs").mkdir()
    (unreachable_hub / "models--kodial--tiny" / "refs" / "main").write_text("abc123")
    extra = hub.load_kwargs("kodial/tiny")
    assert extra == {"local_files_only": True}
    # transformers binds its default cache directory at import time, so name it here
    tokenizer = AutoTokenizer.from_pretrained("kodial/tiny", cache_dir=unreachable_hub, **extra)
    assert tokenizer.decode(tokenizer("안녕하세요")["input_ids"]) == "안녕하세요"


def test_classify_train_with_a_hub_id_fails_fast_from_the_cli(
    unreachable_hub: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import sys

    from kodial.cli import main

    queries = Path(__file__).parents[1] / "src/kodial/resources/queries/queries.yaml"
    argv = ["kodial", "classify", "train", str(queries), "--method", "nli-zeroshot"]
    argv += ["--option", "model=klue/roberta-base-nli", "--out", str(tmp_path / "zs")]
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.setenv("COLUMNS", "500")
    with pytest.raises(SystemExit) as exited:
        main()
    err = capsys.readouterr().err
    assert exited.value.code == 2 and "not reachable" in err and "Traceback" not in err
    assert not (tmp_path / "zs").exists()


def test_a_morpheme_tokenizer_loads_as_itself_through_every_loader(tmp_path: Path) -> None:
    """A fresh process that never imported kodial.tokenizer (as `kodial chat train` does) still
    gets kodial's morpheme-aware tokenizer, with its Kiwi pre-tokenizer and its own ids, not a
    plain byte-level BPE over the same vocabulary."""
    import subprocess
    import sys

    from kodial.tokenizer.templates import resolve_chat_format
    from kodial.tokenizer.train import TrainConfig, train_tokenizer

    texts = ["안녕하세요 반가워요", "오늘 날씨가 좋네요", "학교에 갔어요"] * 30
    config = TrainConfig(
        kind="morpheme-byte-bpe",
        vocab_size=400,
        min_frequency=1,
        chat_format=resolve_chat_format("llama3"),
    )
    tok = train_tokenizer(texts, config)
    tok.save_pretrained(tmp_path / "tok")
    expected = tok("학교에 갔어요")["input_ids"]
    script = (
        "import sys\n"
        "from kodial.chat.recipe import recipe_from_dict\n"
        "from kodial.chat.trainer import load_tokenizer\n"
        "assert 'kodial.tokenizer.morpheme' not in sys.modules\n"
        "t = load_tokenizer(recipe_from_dict({'model': sys.argv[1], 'data': 'd.jsonl'}))\n"
        "print(type(t).__name__, t('학교에 갔어요')['input_ids'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "tok")],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "HF_HUB_OFFLINE": "1"},
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[0] == "MorphemeByteBPETokenizer"
    assert out.stdout.strip().endswith(str(expected))
