"""The four transformer methods through ``kodial classify train | predict`` with tiny checkpoints
passed as ``--option model=PATH`` (the same option a hub id takes)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
import yaml
from _cli import run

from kodial.classify.base import load_classifier
from kodial.classify.bundled import sample_queries_path

OPTIONS = {
    "nli-zeroshot": ["model={nli_roberta}", "candidates_top_k=3"],
    "nli-finetuned": ["model={nli_bert}", "epochs=1", "negatives=1", "device=cpu"],
    "embedding": ["model={sentence_model}", "k=3"],
    "finetune": ["model={encoder}", "epochs=1", "device=cpu"],
}


PER_LABEL = 12
"""Queries per domain the tests train and compare on: enough for the methods' held-out report
and calibration; the whole sample set (57+ a domain) only made the NLI pair counts larger."""


@pytest.fixture(scope="module")
def queries(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The bundled sample queries, the first :data:`PER_LABEL` of each domain."""
    data = yaml.safe_load(sample_queries_path().read_text(encoding="utf-8"))
    for entry in data.values():
        entry["examples"] = entry["examples"][:PER_LABEL]
    path = tmp_path_factory.mktemp("queries") / "queries.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("method", list(OPTIONS))
def test_train_and_predict_through_the_cli(method, request, monkeypatch, capsys, tmp_path, queries):
    paths = {
        name: request.getfixturevalue(name)
        for name in ("nli_roberta", "nli_bert", "sentence_model", "encoder")
        if any(f"{{{name}}}" in o for o in OPTIONS[method])
    }
    options = [o.format(**paths) for o in OPTIONS[method]]
    out = tmp_path / "model"
    args = ["classify", "train", queries, "--out", str(out), "--method", method]
    for o in options:
        args += ["--option", o]
    code, _, err = run(monkeypatch, capsys, *args)
    assert code == 0, err
    clf = load_classifier(out)
    assert clf.name == method and len(clf.labels) >= 8
    assert (out / "report").is_dir()

    monkeypatch.setattr(sys, "stdin", io.StringIO("코스닥 지수 알려줘\n"))
    code, stdout, err = run(monkeypatch, capsys, "classify", "predict", str(out), "--explain")
    assert code == 0, err
    obj = json.loads(stdout.splitlines()[0])
    assert obj["prediction"]["text"] == "코스닥 지수 알려줘"
    assert obj["prediction"]["label"] in [*clf.labels, "fallback"]


def test_nli_zeroshot_takes_new_labels_at_predict_time(
    nli_bert, monkeypatch, capsys, tmp_path, queries
):
    out = tmp_path / "zs"
    code, _, err = run(
        monkeypatch,
        capsys,
        "classify",
        "train",
        queries,
        "--out",
        str(out),
        "--method",
        "nli-zeroshot",
        "--option",
        f"model={nli_bert}",
    )
    assert code == 0, err
    monkeypatch.setattr(sys, "stdin", io.StringIO("축구 경기 결과\n"))
    code, stdout, err = run(
        monkeypatch, capsys, "classify", "predict", str(out), "--labels", "스포츠,음악,요리"
    )
    assert code == 0, err
    obj = json.loads(stdout)
    assert {r["label"] for r in obj["ranking"]} == {"스포츠", "음악", "요리"}


def test_missing_model_is_a_clean_cli_error(monkeypatch, capsys, tmp_path: Path):
    code, _, err = run(
        monkeypatch,
        capsys,
        "classify",
        "train",
        str(sample_queries_path()),
        "--out",
        str(tmp_path / "m"),
        "--method",
        "nli-zeroshot",
        "--option",
        f"model={tmp_path / 'no-such-model'}",
    )
    assert code == 2
    assert "no model at" in err and "Traceback" not in err
    assert not (tmp_path / "m").exists()


def test_compare_base_against_fine_tuned(nli_bert, monkeypatch, capsys, tmp_path, queries):
    data = queries
    for method, extra in (("nli-zeroshot", []), ("nli-finetuned", ["--option", "epochs=1"])):
        code, _, err = run(
            monkeypatch,
            capsys,
            *["classify", "train", data, "--out", str(tmp_path / method), "--method", method],
            *["--option", f"model={nli_bert}", *extra],
        )
        assert code == 0, err
    code, _, err = run(
        monkeypatch,
        capsys,
        *["classify", "compare", str(tmp_path / "nli-zeroshot"), str(tmp_path / "nli-finetuned")],
        *[data, "--out", str(tmp_path / "cmp")],
    )
    assert code == 0, err
    comparison = json.loads((tmp_path / "cmp" / "comparison.json").read_text(encoding="utf-8"))
    assert comparison
    assert "finance" in (tmp_path / "cmp" / "comparison.md").read_text(encoding="utf-8")
