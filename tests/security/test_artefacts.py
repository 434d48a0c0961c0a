"""Saved artefacts are data: loading one never runs code, and replacing one never deletes what
kodial did not write (issue 10, items 1 and 9; SECURITY.md, "What is trusted on disk").

A crafted pickle that would create a marker file when unpickled is planted in model directories;
every way of loading them (the library, ``classify predict``/``eval``/``compare``) refuses it and
the marker never appears. The lexical classifier, which used to be one pickle, now saves JSON and
``.npz`` arrays and predicts bit-identically after loading.
"""

from __future__ import annotations

import ast
import json
import pickle
import shutil
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from kodial.classify.base import create_classifier, load_classifier
from kodial.classify.bundled import load_sample_queries, sample_queries_path
from kodial.classify.data import Example, LabelledData, load_labelled
from kodial.classify.lexical import LexicalClassifier
from kodial.errors import KodialError

from ._cli_fuzz import run, tree

SRC = Path(__file__).resolve().parents[2] / "src" / "kodial"


class _Touch:
    """Unpickling this creates ``marker``: the stand-in for "runs a shell command"."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        return (Path.touch, (self.marker,))


def crafted_pickle(marker: Path) -> bytes:
    """A pickle shaped like an old ``lexical.joblib`` whose loading creates ``marker``."""
    return pickle.dumps({"featurizer": _Touch(marker), "model": None})


def test_the_crafted_pickle_is_live(tmp_path: Path) -> None:
    """The payload really runs when unpickled (else the refusals below would prove nothing)."""
    marker = tmp_path / "ran"
    pickle.loads(crafted_pickle(marker))
    assert marker.exists()


@cache
def _fitted() -> LexicalClassifier:
    return LexicalClassifier().fit(load_sample_queries())


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    return _fitted().save(tmp_path / "model")


def _old_style_model(directory: Path, marker: Path) -> Path:
    """A model directory as an older kodial wrote it: manifest + ``lexical.joblib``."""
    directory.mkdir(parents=True)
    manifest = {"method": "lexical", "labels": ["finance", "weather"], "config": {}}
    (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (directory / "lexical.joblib").write_bytes(crafted_pickle(marker))
    return directory


@pytest.mark.parametrize("name", ["lexical.joblib", "extra.pkl", "model/pytorch_model.bin"])
def test_load_classifier_refuses_pickles_without_opening_them(
    tmp_path: Path, saved: Path, name: str
) -> None:
    marker = tmp_path / "ran"
    target = saved / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(crafted_pickle(marker))
    with pytest.raises(KodialError) as info:
        load_classifier(saved)
    assert "pickle" in info.value.message and name in info.value.message
    assert "kodial classify train" in (info.value.hint or "")
    assert not marker.exists()


def test_old_pickled_save_is_refused_with_how_to_resave(tmp_path: Path) -> None:
    """Regression: ``joblib.load`` of ``lexical.joblib`` ran whatever the file named."""
    marker = tmp_path / "ran"
    model = _old_style_model(tmp_path / "old", marker)
    with pytest.raises(KodialError, match="does not load pickles") as info:
        load_classifier(model)
    assert "re-run `kodial classify train" in (info.value.hint or "")
    assert not marker.exists()


def test_cli_predict_eval_compare_refuse_the_crafted_pickle(
    tmp_path: Path,
    saved: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    marker = tmp_path / "ran"
    evil = _old_style_model(tmp_path / "evil", marker)
    data = str(sample_queries_path())
    queries = tmp_path / "q.txt"
    queries.write_text("환율 알려줘\n", encoding="utf-8")
    before = tree(tmp_path)
    for args in (
        ["predict", str(evil), str(queries)],
        ["predict", str(evil)],
        ["eval", str(evil), data, "--out", str(tmp_path / "report")],
        ["compare", str(saved), str(evil), data, "--out", str(tmp_path / "cmp")],
    ):
        code, out, err = run(monkeypatch, capsys, "classify", *args, stdin="환율 알려줘\n")
        assert code == 2, (args, err)
        assert "does not load pickles" in err and "Traceback" not in err + out
        assert not marker.exists(), args
    assert tree(tmp_path) == before  # no report, no partial output


def test_object_arrays_in_npz_are_refused_unopened(tmp_path: Path, saved: Path) -> None:
    """An ``.npz`` can hold a pickle too (an object array); it is read with
    ``allow_pickle=False``, so the pickle is refused rather than run."""
    marker = tmp_path / "ran"
    arrays = dict(np.load(saved / "lexical.npz"))
    arrays["coef"] = np.array([_Touch(marker)], dtype=object)
    np.savez(saved / "lexical.npz", **arrays)  # numpy pickles the object array
    with pytest.raises(KodialError, match="cannot read"):
        load_classifier(saved)
    assert not marker.exists()


def test_saved_lexical_model_is_json_and_plain_arrays(saved: Path) -> None:
    files = sorted(p.relative_to(saved).as_posix() for p in saved.rglob("*") if p.is_file())
    assert files == ["lexical.json", "lexical.npz", "manifest.json"]
    with np.load(saved / "lexical.npz", allow_pickle=False) as arrays:
        assert all(arrays[name].dtype.kind in "biuf" for name in arrays.files)
    json.loads((saved / "lexical.json").read_text(encoding="utf-8"))


def _toy(multi: bool = False, labels: str = "abc") -> LabelledData:
    words = {"a": "주식 환율 코스피", "b": "영화 배우 개봉", "c": "날씨 비 우산"}
    examples = [
        Example(f"{w} {i}번 질문", (lab,))
        for lab in labels
        for i, w in enumerate(words[lab].split())
    ]
    examples += [
        Example(f"{words[lab].split()[0]} 알려줘 {k}", (lab,)) for lab in labels for k in "xy"
    ]
    if multi:
        examples += [Example("주식 영화 둘 다", ("a", "b")), Example("환율 배우 같이", ("a", "b"))]
    return LabelledData(examples, multi_label=multi)


@pytest.mark.parametrize(
    ("data", "options"),
    [
        (None, {}),  # the sample queries: SVM with softmax temperature
        (None, {"model": "logreg", "morph_ngrams": [1, 3]}),  # sklearn's own transform path
        (None, {"morph_ngrams": [0, 0], "class_weight": "balanced"}),  # character view only
        ("binary", {"model": "logreg"}),
        ("binary", {"model": "svm"}),
        ("multi", {}),  # one-vs-rest logistic regressions
    ],
)
def test_predictions_after_loading_are_bit_identical(
    tmp_path: Path, data: str | None, options: dict[str, object]
) -> None:
    train = {
        None: load_sample_queries(),
        "binary": _toy(labels="ab"),
        "multi": _toy(multi=True),
    }[data]
    clf = create_classifier("lexical", **options).fit(train)
    texts = [*train.texts[:40], "처음 보는 문장이에요", "", "환율 영화 날씨 섞어서"]
    loaded = load_classifier(clf.save(tmp_path / "m"))
    assert np.array_equal(loaded.predict_scores(texts), clf.predict_scores(texts))
    assert loaded.explain(texts[0]).to_dict() == clf.explain(texts[0]).to_dict()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: (d / "lexical.json").write_text("{", encoding="utf-8"), "not valid JSON"),
        (lambda d: (d / "lexical.json").unlink(), "has no lexical.json"),
        (lambda d: (d / "lexical.npz").write_bytes(b"PK\x03\x04junk"), "cannot read"),
        (
            lambda d: _edit_arrays(d, coef=np.zeros((3, 3))),
            "damaged lexical model: weights must be",
        ),
        (
            lambda d: _edit_arrays(d, train_indices=np.full(5, 10**9, dtype=np.int32)),
            "damaged lexical model: the training matrix is invalid",
        ),
        (
            lambda d: _edit_json(d, "lexical.json", vocabularies={"morph": [1, 2]}),
            "damaged lexical model",
        ),
        (lambda d: _edit_json(d, "manifest.json", fallback={"min_score": "x"}), "fallback"),
        (lambda d: _edit_json(d, "manifest.json", labels="finance"), "'labels' must be"),
    ],
)
def test_damaged_files_are_clear_errors(saved: Path, damage, message: str) -> None:  # type: ignore[no-untyped-def]
    damage(saved)
    with pytest.raises(KodialError, match=message):
        load_classifier(saved)


def _edit_arrays(directory: Path, **changes: np.ndarray) -> None:
    arrays = dict(np.load(directory / "lexical.npz"))
    arrays.update(changes)
    np.savez(directory / "lexical.npz", **arrays)


def _edit_json(directory: Path, name: str, **changes: object) -> None:
    value = json.loads((directory / name).read_text(encoding="utf-8"))
    value.update(changes)
    (directory / name).write_text(json.dumps(value), encoding="utf-8")


# -- item 9: replacing a saved model deletes only what kodial wrote --------------------------


def test_manifest_lists_every_file_written(saved: Path) -> None:
    manifest = json.loads((saved / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"] == ["lexical.json", "lexical.npz"]


def test_save_over_a_directory_with_other_files_deletes_nothing(
    tmp_path: Path, saved: Path
) -> None:
    (saved / "thesis.tex").write_text("years of work", encoding="utf-8")
    before = tree(saved)
    with pytest.raises(KodialError, match=r"holds thesis\.tex, which kodial did not write"):
        _fitted().save(saved)
    assert tree(saved) == before
    user_dir = tmp_path / "photos"
    user_dir.mkdir()
    (user_dir / "manifest.json").write_text("{}", encoding="utf-8")
    (user_dir / "cat.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(KodialError, match="does not list the files kodial wrote"):
        _fitted().save(user_dir)
    assert sorted(p.name for p in user_dir.iterdir()) == ["cat.jpg", "manifest.json"]


def test_overwrite_replaces_only_listed_files(
    tmp_path: Path,
    saved: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Regression: ``train --overwrite`` ran ``rmtree`` on any directory holding a
    manifest.json. A listed file outside the directory is never followed either."""
    outside = tmp_path / "outside.txt"
    outside.write_text("keep", encoding="utf-8")
    manifest = json.loads((saved / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"] += ["../outside.txt", str(outside)]
    (saved / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    small = tmp_path / "small.yaml"
    small.write_text(
        "a: [주식 시세, 환율 알려줘, 코스피]\nb: [영화 추천, 배우 누구, 개봉작]\n", encoding="utf-8"
    )
    # lexical, as the saved model is (auto would fit the hybrid's encoder for 6 queries: 20 s)
    args = ["classify", "train", str(small), "--method", "lexical", "--out", str(saved)]
    code, _, err = run(monkeypatch, capsys, *args, "--overwrite")
    assert code == 0, err
    assert outside.read_text(encoding="utf-8") == "keep"
    assert load_classifier(saved).labels == ["a", "b"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model", "outside.txt", "small.yaml"]


def test_load_labelled_sample_still_reads() -> None:
    assert len(load_labelled(sample_queries_path()).labels) == 10


# -- the audit, kept: no code path in kodial deserialises with pickle --------------------------


def _calls(tree_: ast.AST) -> list[tuple[str, ast.Call]]:
    out = []
    for node in ast.walk(tree_):
        if isinstance(node, ast.Call):
            func = node.func
            name = (
                f"{getattr(func.value, 'id', '?')}.{func.attr}"
                if isinstance(func, ast.Attribute)
                else getattr(func, "id", "?")
            )
            out.append((name, node))
    return out


def _kw(call: ast.Call, name: str) -> object:
    for kw in call.keywords:
        if kw.arg == name and isinstance(kw.value, ast.Constant):
            return kw.value.value
    return None


def test_no_unsafe_deserialisation_in_the_source() -> None:
    """Every ``src/kodial`` module: no pickle-family import, ``torch.load`` only with
    ``weights_only=True``, ``np.load`` never with ``allow_pickle=True``, YAML only through safe
    loaders, no ``eval``/``exec``. Fails when a change brings one back."""
    problems = []
    for path in sorted(SRC.rglob("*.py")):
        module = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(SRC)
        for node in ast.walk(module):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                if name.split(".")[0] in {
                    "pickle",
                    "joblib",
                    "dill",
                    "cloudpickle",
                    "shelve",
                    "marshal",
                }:
                    problems.append(f"{where}: imports {name}")
        for name, call in _calls(module):
            if name == "torch.load" and _kw(call, "weights_only") is not True:
                problems.append(f"{where}:{call.lineno}: torch.load without weights_only=True")
            if name in ("np.load", "numpy.load") and _kw(call, "allow_pickle") is True:
                problems.append(f"{where}:{call.lineno}: np.load(allow_pickle=True)")
            if name in ("yaml.unsafe_load", "yaml.full_load", "yaml.load_all"):
                problems.append(f"{where}:{call.lineno}: {name}")
            if name == "yaml.load":
                loader = next((kw.value for kw in call.keywords if kw.arg == "Loader"), None)
                if getattr(loader, "id", None) != "UniqueKeyLoader":  # textio's SafeLoader
                    problems.append(f"{where}:{call.lineno}: yaml.load with an unsafe Loader")
            if name in ("eval", "exec") or _kw(call, "trust_remote_code") is True:
                problems.append(f"{where}:{call.lineno}: {name}")
    assert not problems, "\n".join(problems)


def test_copy_of_a_good_model_still_loads(tmp_path: Path, saved: Path) -> None:
    """The refusals are about content, not location: a copied model directory loads."""
    copy = shutil.copytree(saved, tmp_path / "copy")
    assert load_classifier(copy).labels == _fitted().labels
