"""The `kodial tokenizer` commands end to end on a small file, and their clean errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from kodial.cli import main
from kodial.testing.tokenizers import sample_corpus_lines
from kodial.tokenizer import load_tokenizer


def run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["kodial", "tokenizer", *args])
    try:
        main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(sample_corpus_lines()), encoding="utf-8")
    return path


def test_train_compare_sample_size(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, corpus: Path
) -> None:
    m, b = tmp_path / "m", tmp_path / "b"
    args = ["--vocab-size", "700", "--min-frequency", "1", str(corpus)]
    assert (
        run(
            monkeypatch,
            "train",
            "--kind",
            "morpheme-byte-bpe",
            "--out",
            str(m),
            "--chat-template",
            "chatml",
            "--workers",
            "2",
            "--special-tokens",
            "<tool>",
            *args,
        )
        == 0
    )
    assert run(monkeypatch, "train", "--kind", "byte-bpe", "--out", str(b), *args) == 0
    tok = load_tokenizer(m)
    assert (
        tok.eos_token == "<|im_end|>"
        and len(tok("<tool>", add_special_tokens=False)["input_ids"]) == 1
    )
    assert tok.apply_chat_template([{"role": "user", "content": "안녕"}], tokenize=False) == (
        "<|im_start|>user\n안녕<|im_end|>\n"
    )
    # retraining into the same directory replaces it whole
    assert run(monkeypatch, "train", "--kind", "byte-bpe", "--out", str(b), *args) == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []

    rep = tmp_path / "rep"
    assert (
        run(monkeypatch, "compare", str(m), str(b), "--text", str(corpus), "--out", str(rep)) == 0
    )
    rows = json.loads((rep / "report.json").read_text())
    assert [r["name"] for r in rows] == ["m", "b"] and rows[0]["morpheme_crossing"] == 0.0

    ss = tmp_path / "ss"
    assert (
        run(
            monkeypatch,
            "sample-size",
            str(corpus),
            "--kind",
            "byte-bpe",
            "--vocab-size",
            "500",
            "--fractions",
            "0.2,1",
            "--out",
            str(ss),
        )
        == 0
    )
    assert len(json.loads((ss / "sample_size.json").read_text())) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["train", "MISSING.txt", "--out", "o"], "file not found"),
        (["train", "CP949", "--out", "o"], "CP949"),
        (["train", "CORPUS", "--kind", "sentencepiece", "--out", "o"], "unknown tokenizer kind"),
        (["train", "CORPUS", "--chat-template", "vicuna", "--out", "o"], "unknown chat template"),
        (["compare", "CORPUS_DIR", "--text", "CORPUS", "--out", "o"], "no tokenizer"),
        (["sample-size", "CORPUS", "--fractions", "a,b", "--out", "o"], "must be numbers"),
    ],
)
def test_bad_input_gives_clean_error(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    corpus: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    cp949 = tmp_path / "old.txt"
    cp949.write_bytes("옛 인코딩 파일".encode("cp949"))
    swap = {
        "CORPUS": str(corpus),
        "CP949": str(cp949),
        "CORPUS_DIR": str(tmp_path),
        "MISSING.txt": str(tmp_path / "missing.txt"),
    }
    monkeypatch.chdir(tmp_path)
    assert run(monkeypatch, *[swap.get(a, a) for a in args]) == 2
    err = " ".join(capsys.readouterr().err.split())  # rich wraps long lines
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_train_never_replaces_what_is_not_a_tokenizer(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    corpus: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--out on a file or on a directory with other content is refused before training, and
    both are left as they were; an earlier tokenizer is replaced, readable beyond its owner."""
    import os
    import stat

    afile = tmp_path / "afile"
    afile.write_text("mine")
    project = tmp_path / "project"
    project.mkdir()
    (project / "notes.txt").write_text("keep")
    args = ["train", "--kind", "byte-bpe", "--vocab-size", "400", str(corpus), "--out"]
    assert run(monkeypatch, *args, str(afile)) == 2
    assert "is a file" in capsys.readouterr().err and afile.read_text() == "mine"
    assert run(monkeypatch, *args, str(project)) == 2
    assert "holds no tokenizer" in capsys.readouterr().err
    assert (project / "notes.txt").read_text() == "keep"
    out = tmp_path / "tok"
    assert run(monkeypatch, *args, str(out)) == 0
    assert run(monkeypatch, *args, str(out)) == 0  # an earlier tokenizer is replaced
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~umask
    assert not list(tmp_path.glob(".tok*"))


def test_train_replaces_only_the_tokenizer_files(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    corpus: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Regression: --out on a model directory (a tokenizer plus weights) deleted the whole
    directory to replace it. Now anything that is not a tokenizer file refuses the run before
    training, and an earlier tokenizer's own files are all that is replaced."""
    args = ["train", "--kind", "byte-bpe", "--vocab-size", "400", str(corpus), "--out"]
    model = tmp_path / "model"
    assert run(monkeypatch, *args, str(model)) == 0
    (model / "model.safetensors").write_bytes(b"weights")
    assert run(monkeypatch, *args, str(model)) == 2
    err = capsys.readouterr().err
    assert "model.safetensors" in err and "not a tokenizer file" in err
    assert (model / "model.safetensors").read_bytes() == b"weights"
    (model / "model.safetensors").unlink()
    (model / "added_tokens.json").write_text("{}")  # a tokenizer file: replaced
    assert run(monkeypatch, *args, str(model)) == 0
    assert not (model / "added_tokens.json").exists() and (model / "tokenizer.json").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
