"""``kodial classify`` end to end through the real entry point: train, predict (file and stdin),
eval, compare, methods; bad input gives file:line:field errors, exit code 2 and no output."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from _cli import run

from kodial.classify.base import load_classifier
from kodial.classify.bundled import sample_ood_path, sample_queries_path
from kodial.cli import main


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lexical model trained through the CLI (module-scoped: the train test checks it)."""
    out = tmp_path_factory.mktemp("cli") / "model"
    mp = pytest.MonkeyPatch()
    mp.setattr(
        sys,
        "argv",
        [
            "kodial",
            "classify",
            "train",
            str(sample_queries_path()),
            "--out",
            str(out),
            "--ood",
            str(sample_ood_path()),
            "--target-recall",
            "0.9",
            "--method",
            "lexical",
        ],
    )
    try:
        main()
    finally:
        mp.undo()
    return out


def test_train_writes_model_and_report(trained: Path) -> None:
    names = sorted(p.name for p in trained.iterdir())
    assert names == ["lexical.json", "lexical.npz", "manifest.json", "near_ood.json", "report"]
    manifest = json.loads((trained / "manifest.json").read_text(encoding="utf-8"))
    # every file kodial wrote is listed, so --overwrite can delete exactly those
    written = sorted(
        p.relative_to(trained).as_posix()
        for p in trained.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    )
    assert manifest["files"] == written and "report/report.json" in written
    assert manifest["method"] == "lexical" and len(manifest["labels"]) == 10
    assert manifest["descriptions"]["weather"] == "날씨"
    assert manifest["fallback"]["min_score"] > 0 or manifest["fallback"]["min_margin"] > 0
    report = json.loads((trained / "report" / "report.json").read_text(encoding="utf-8"))
    assert report["metrics"]["accuracy"] > 0.7
    # the OOD queries: most calibrate the fallback, the rest are held out with the dev split
    assert report["fallback"]["in_domain_recall"] >= 0.85 and report["fallback"]["n_ood"] >= 5
    assert report["calibration"]["n_ood"] + report["fallback"]["n_ood"] > 40
    assert (trained / "report" / "confusion.png").exists()
    assert not [p for p in trained.parent.iterdir() if p.name.startswith(".")]


def test_predict_from_file_and_stdin(
    trained: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    queries = tmp_path / "q.txt"
    queries.write_text("내일 비 와?\n\n코스피 지수 알려줘\n", encoding="utf-8")
    code, out, _ = run(
        monkeypatch, capsys, "classify", "predict", str(trained), str(queries), "--top-k", "2"
    )
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["label"] for r in rows] == ["weather", "finance"]
    assert len(rows[0]["ranking"]) == 2 and rows[0]["fallback"] is False

    code, out, _ = run(
        monkeypatch,
        capsys,
        "classify",
        "predict",
        str(trained),
        "-",
        "--explain",
        stdin="서귀포 맛집 알려줘\n",
    )
    row = json.loads(out)
    assert code == 0 and row["prediction"]["label"] == "place"
    assert row["neighbors"][0]["label"] == "place" and row["features"]

    labelled = tmp_path / "l.jsonl"
    labelled.write_text(
        '{"text": "환율 알려줘", "label": "finance"}\n{"text": "안녕 반가워", "label": "__ood__"}\n',
        encoding="utf-8",
    )
    code, out, _ = run(
        monkeypatch,
        capsys,
        "classify",
        "predict",
        str(trained),
        str(labelled),
        "--labels",
        "finance,movie",
    )
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0]["gold"] == "finance" and rows[1]["gold"] == "__ood__"
    assert {r["label"] for r in rows[0]["ranking"]} <= {"finance", "movie"}


def test_eval_and_compare(
    trained: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    test_file = tmp_path / "test.csv"
    test_file.write_text(
        "text,label\n오늘 밤 기온 몇 도야,weather\n이번 주말 비 예보 있어?,weather\n"
        "주식 시장 어때,finance\n달러 환율 알려줘,finance\n안녕 뭐해,__ood__\n",
        encoding="utf-8",
    )
    code, out, err = run(
        monkeypatch,
        capsys,
        "classify",
        "eval",
        str(trained),
        str(test_file),
        "--out",
        str(tmp_path / "ev"),
    )
    assert code == 0, err
    report = json.loads((tmp_path / "ev" / "report.json").read_text(encoding="utf-8"))
    assert report["n"] == 4 and report["fallback"]["n_ood"] == 1
    assert report["per_class"]["weather"]["support"] == 2
    assert "accuracy" in out

    other = tmp_path / "morph-only"
    code, _, err = run(
        monkeypatch,
        capsys,
        "classify",
        "train",
        str(sample_queries_path()),
        "--out",
        str(other),
        "--option",
        "char_ngrams=[0, 0]",
        "--option",
        "model=logreg",
        "--method",
        "lexical",
    )
    assert code == 0, err
    assert load_classifier(other).config.char_ngrams == (0, 0)  # the declared type
    code, out, err = run(
        monkeypatch,
        capsys,
        "classify",
        "compare",
        str(trained),
        str(other),
        str(test_file),
        "--out",
        str(tmp_path / "cmp"),
    )
    assert code == 0, err
    md = (tmp_path / "cmp" / "comparison.md").read_text(encoding="utf-8")
    assert "| weather | 2 |" in md and "F1 B - A" in md
    assert (tmp_path / "cmp" / "a" / "report.json").exists()
    assert "weather" in out


def test_bad_inputs_exit_2_without_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\n환율 알려줘,finance\n,finance\n코스피,finance\n", encoding="utf-8")
    out_dir = tmp_path / "never"
    code, _, err = run(monkeypatch, capsys, "classify", "train", str(bad), "--out", str(out_dir))
    assert code == 2
    assert "bad.csv:3: field 'text': empty text" in err and "Traceback" not in err
    assert not out_dir.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]

    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes("text,label\n환율,finance\n".encode("cp949"))
    code, _, err = run(monkeypatch, capsys, "classify", "train", str(legacy), "--out", str(out_dir))
    assert code == 2 and "CP949" in err and not out_dir.exists()

    good = sample_queries_path()
    for args, message in [
        (["--method", "nope"], "unknown classifier method 'nope'"),
        (["--option", "colour=red"], "--option colour: unknown key"),
        (["--option", "oops"], "bad --option"),
        (["--ood", str(tmp_path / "missing.txt")], "missing.txt: file not found"),
    ]:
        code, _, err = run(
            monkeypatch, capsys, "classify", "train", str(good), "--out", str(out_dir), *args
        )
        assert code == 2, args
        assert message in err, err
        assert not out_dir.exists()

    cfg = tmp_path / "opts.yaml"
    cfg.write_text("- not a mapping\n", encoding="utf-8")
    code, _, err = run(
        monkeypatch,
        capsys,
        "classify",
        "train",
        str(good),
        "--out",
        str(out_dir),
        "--config",
        str(cfg),
    )
    assert code == 2 and "opts.yaml:1" in err

    code, _, err = run(monkeypatch, capsys, "classify", "predict", str(tmp_path), "-", stdin="x\n")
    assert code == 2 and "not a saved kodial classifier" in err


def test_methods_lists_registry(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(monkeypatch, capsys, "classify", "methods")
    assert code == 0 and "lexical" in out and "nli-zeroshot" in out
