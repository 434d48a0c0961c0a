"""``kodial classify``: bad options and output paths are refused up front, with one clear error,
before any data is loaded or any model trained, and nothing is left half-written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _cli import run

from kodial.classify.bundled import sample_queries_path
from kodial.classify.lexical import LexicalClassifier


@pytest.fixture
def no_training(monkeypatch: pytest.MonkeyPatch) -> None:
    """Training must not start: the checks come first."""

    def boom(*_: object, **__: object) -> None:
        raise AssertionError("training started before the options were checked")

    monkeypatch.setattr(LexicalClassifier, "fit", boom)


@pytest.fixture
def tiny_model(tmp_path: Path) -> Path:
    """A saved lexical model (a tiny one, trained directly)."""
    from kodial.classify.base import create_classifier
    from kodial.classify.data import load_labelled

    data = load_labelled(sample_queries_path())
    return create_classifier("lexical").fit(data).save(tmp_path / "model")


def test_train_out_is_a_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_training: None,
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("keep me", encoding="utf-8")
    for out in (afile, afile / "model"):
        code, _, err = run(
            monkeypatch, capsys, "classify", "train", str(sample_queries_path()), "--out", str(out)
        )
        assert code == 2 and "is a file, expected a directory" in err, err
        assert "Traceback" not in err
    assert afile.read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_eval_and_compare_out_is_a_file(
    tmp_path: Path,
    tiny_model: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("keep me", encoding="utf-8")
    data = str(sample_queries_path())
    for args in (
        ["eval", str(tiny_model), data, "--out", str(afile)],
        ["compare", str(tiny_model), str(tiny_model), data, "--out", str(afile)],
    ):
        code, _, err = run(monkeypatch, capsys, "classify", *args)
        assert code == 2 and "is a file, expected a directory" in err, err
        assert "Traceback" not in err
    assert afile.read_text(encoding="utf-8") == "keep me"


def test_train_refuses_existing_model_without_overwrite(
    tmp_path: Path,
    tiny_model: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_training: None,
) -> None:
    before = (tiny_model / "manifest.json").read_text(encoding="utf-8")
    code, _, err = run(
        monkeypatch,
        capsys,
        "classify",
        "train",
        str(sample_queries_path()),
        "--out",
        str(tiny_model),
    )
    assert code == 2 and "already exists and is not empty" in err and "--overwrite" in err
    assert (tiny_model / "manifest.json").read_text(encoding="utf-8") == before


def test_overwrite_never_deletes_unrelated_content(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_training: None,
) -> None:
    other = tmp_path / "photos"
    other.mkdir()
    (other / "cat.jpg").write_bytes(b"\xff\xd8")
    code, _, err = run(
        monkeypatch,
        capsys,
        "classify",
        "train",
        str(sample_queries_path()),
        "--out",
        str(other),
        "--overwrite",
    )
    assert code == 2 and "not a saved kodial classifier" in err, err
    assert (other / "cat.jpg").read_bytes() == b"\xff\xd8"


def test_overwrite_replaces_a_saved_model(
    tmp_path: Path,
    tiny_model: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(
        monkeypatch,
        capsys,
        "classify",
        "train",
        str(sample_queries_path()),
        "--out",
        str(tiny_model),
        "--overwrite",
        "--method",
        "lexical",
    )
    assert code == 0, err
    manifest = json.loads((tiny_model / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["labels"] and "report/report.json" in manifest["files"]
    assert (tiny_model / "report" / "report.json").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


def test_overwrite_refuses_a_model_dir_holding_other_files(
    tmp_path: Path,
    tiny_model: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_training: None,
) -> None:
    """Regression: --overwrite deleted any directory holding a manifest.json, with whatever
    else was in it. Now it deletes only the files the manifest lists, and a directory holding
    anything else is refused, naming the file, before any work."""
    (tiny_model / "notes").mkdir()
    (tiny_model / "notes" / "mine.txt").write_text("keep", encoding="utf-8")
    before = sorted(p.relative_to(tiny_model) for p in tiny_model.rglob("*"))
    code, _, err = run(
        monkeypatch,
        capsys,
        "classify",
        "train",
        str(sample_queries_path()),
        "--out",
        str(tiny_model),
        "--overwrite",
    )
    assert code == 2 and "notes/mine.txt" in err and "kodial did not write" in err, err
    assert "Traceback" not in err
    assert sorted(p.relative_to(tiny_model) for p in tiny_model.rglob("*")) == before


def test_overwrite_refuses_a_manifest_that_lists_no_files(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_training: None,
) -> None:
    """A directory whose manifest.json does not list kodial's files (an older save, or any
    folder that happens to hold a manifest.json) is never deleted."""
    other = tmp_path / "project"
    other.mkdir()
    (other / "manifest.json").write_text('{"name": "web app"}', encoding="utf-8")
    (other / "index.html").write_text("<html>", encoding="utf-8")
    code, _, err = run(
        monkeypatch,
        capsys,
        "classify",
        "train",
        str(sample_queries_path()),
        "--out",
        str(other),
        "--overwrite",
    )
    assert code == 2 and "does not list the files kodial wrote" in err, err
    assert sorted(p.name for p in other.iterdir()) == ["index.html", "manifest.json"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target-recall", "0"], "--target-recall: must be greater than 0"),
        (["--target-recall", "2"], "--target-recall: must be at most 1"),
        (["--dev-ratio", "1"], "--dev-ratio: must be less than 1"),
    ],
)
def test_train_options_checked_before_loading(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    # The data file does not exist: the option error must come before the data is read.
    code, _, err = run(
        monkeypatch,
        capsys,
        "classify",
        "train",
        str(tmp_path / "missing.csv"),
        "--out",
        str(tmp_path / "m"),
        *args,
    )
    assert code == 2 and message in err, err
    assert "file not found" not in err


def test_predict_top_k_must_be_positive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        monkeypatch, capsys, "classify", "predict", str(tmp_path / "nomodel"), "--top-k", "0"
    )
    assert code == 2 and "--top-k must be 1 or more" in err and not out, err


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("svm_C=-1", "--option svm_C: must be greater than 0.0, got -1"),
        ("char_ngrams=abc", "--option char_ngrams: must be a list of 2 values"),
        ("char_ngrams=[4, 2]", "--option char_ngrams: must be [lo, hi] with 1 <= lo <= hi"),
        ("model=forest", "--option model: Input should be 'auto', 'svm', 'logreg' or 'ridge'"),
        ("min_df=1.5", "--option min_df: expected a whole number"),
        ("content_only=maybe", "--option content_only: expected true or false"),
        ("logreg_C=abc", "--option logreg_C: expected a number"),
    ],
)
def test_bad_option_values_refused_before_training(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_training: None,
    option: str,
    message: str,
) -> None:
    out = tmp_path / "m"
    code, _, err = run(
        monkeypatch,
        capsys,
        "classify",
        "train",
        str(sample_queries_path()),
        "--out",
        str(out),
        "--option",
        option,
    )
    assert code == 2 and message in err and "Traceback" not in err, err
    assert "hint: the default is" in err
    assert not out.exists()


def test_option_values_converted_where_harmless() -> None:
    from kodial.classify.base import create_classifier

    clf = create_classifier("lexical", svm_C="5e-1", char_ngrams=[2, 3], logreg_C=3)
    assert clf.config.svm_C == 0.5 and clf.config.char_ngrams == (2, 3)
    assert isinstance(clf.config.logreg_C, float)
    assert create_classifier("lexical", char_ngrams=[0, 0]).config.char_ngrams == (0, 0)


def test_ood_directory_says_so(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_training: None,
) -> None:
    adir = tmp_path / "adir"
    adir.mkdir()
    code, _, err = run(
        monkeypatch,
        capsys,
        "classify",
        "train",
        str(sample_queries_path()),
        "--out",
        str(tmp_path / "m"),
        "--ood",
        str(adir),
    )
    assert code == 2 and "adir: is a directory, expected a file" in err, err
    assert "extension" not in err
