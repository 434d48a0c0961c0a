"""The one understanding pipeline: calibration that holds on new paraphrase groups, and the CLI
and the assistant answering alike for the same model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from _cli import run
from _grouped import paraphrase_groups

from kodial.classify.data import LabelledData
from kodial.classify.options import TrainConfig
from kodial.classify.pipeline import fit_classifier

TARGET = 0.95
"""Promised share of new in-domain queries answered (5% may fall back)."""


def _false_fallback(data: LabelledData, group_by: str) -> float:
    train = paraphrase_groups(seed=1, n_groups=30)
    config = TrainConfig(
        method="lexical", dev_ratio=0, group_by=group_by, target_recall=TARGET, noise_report=False
    )
    clf = fit_classifier(train, config).classifier
    preds = clf.predict(data.texts)
    return sum(p.fallback for p in preds) / len(preds)


def test_calibration_by_paraphrase_group_keeps_false_fallback_near_target() -> None:
    """Out-of-fold scores with whole groups held out predict how new groups score: the share
    of unseen groups' queries that fall back stays near the promised 5%. Ignoring the groups
    (each fold then holds paraphrases of its training queries) saturates the scores and sends
    about half of them to fallback: the bug of issue 12 (38.5% on ParaKQC)."""
    unseen = paraphrase_groups(seed=2, n_groups=20)
    grouped = _false_fallback(unseen, "column")
    leaky = _false_fallback(unseen, "none")
    # near the promise from both sides: 3.3% here; 1.25% before held-out rows dropped the
    # n-grams their training folds never saw (see kodial.classify.lexical.held_as_new)
    assert abs(grouped - (1 - TARGET)) <= 0.025, grouped
    assert leaky > 0.25, leaky  # the same test sees the leak


QUERIES = [
    "이번 주말 제주도 가볼 만한 곳",
    "영화 추천해 줘",
    "내일 비 와?",
    "환율 얼마야",
    "김치찌개 끓이는 법",
    "요즘 듣기 좋은 노래",
    "두통이 심해요",
    "강남역 가는 버스",
    "운동화 할인하는 곳",
    "양자역학이 뭐야",
    "비트코인 지갑 만드는 법 알려 줘",
    "고양이가 밥을 안 먹어",
    "오늘 기분이 좀 그래",
    "ㅋㅋㅋㅋ",
]
"""Queries nobody trained on: in-domain ones and others that should fall back."""


def _write_project(tmp: Path) -> str:
    """intents.yaml and ood.txt (the bundled sample queries) and queries.txt in ``tmp``;
    returns the assistant's handlers block."""
    from kodial.classify.bundled import load_sample_queries, sample_ood_path, sample_queries_path

    shutil.copy(sample_queries_path(), tmp / "intents.yaml")
    shutil.copy(sample_ood_path(), tmp / "ood.txt")
    (tmp / "queries.txt").write_text("\n".join(QUERIES) + "\n", encoding="utf-8")
    labels = load_sample_queries().labels
    return "".join(f"  {lab}: {{type: task, description: {lab}, slots: []}}\n" for lab in labels)


def _assistant_yaml(tmp: Path, classifier: str, handlers: str) -> Path:
    path = tmp / "assistant.yaml"
    path.write_text(
        f"name: agree\nclassifier: {classifier}\n"
        "intents:\n  data: intents.yaml\n  ood: ood.txt\n"
        f"handlers:\n{handlers}  fallback: {{type: fallback}}\n",
        encoding="utf-8",
    )
    return path


def _cli_predictions(monkeypatch, capsys, model: Path, queries: Path) -> list[dict]:
    code, out, err = run(monkeypatch, capsys, "classify", "predict", str(model), str(queries))
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def _same(cli: list[dict], assistant_preds: list, tolerance: float = 1e-6) -> None:
    """Same labels, fallbacks and reasons; scores equal to ``tolerance`` (the CLI prints 6
    places)."""
    assert len(cli) == len(assistant_preds)
    for c, a in zip(cli, assistant_preds, strict=True):
        assert (c["text"], c["label"], c["fallback"], c["fallback_reason"]) == (
            a.text,
            a.label,
            a.fallback,
            a.fallback_reason,
        )
        assert [r["label"] for r in c["ranking"]] == [ls.label for ls in a.ranking[:3]]
        assert [r["score"] for r in c["ranking"]] == pytest.approx(
            [ls.score for ls in a.ranking[:3]], abs=tolerance
        )


def test_cli_and_assistant_answer_alike_for_the_same_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A model saved by ``kodial classify train`` gives the same labels, scores, fallbacks and
    reasons through ``kodial classify predict`` and through the assistant (``model_dir``); an
    assistant trained at start-up on the same files with the same options (no dev split, four
    folds) builds the same model, since both go through ``fit_classifier``."""
    from kodial.assistant.engine import Assistant

    handlers = _write_project(tmp_path)
    model = tmp_path / "model"
    args = ["classify", "train", str(tmp_path / "intents.yaml"), "--out", str(model)]
    args += ["--ood", str(tmp_path / "ood.txt")]
    args += ["--method", "lexical", "--dev-ratio", "0", "--folds", "4", "--no-noise-report"]
    code, _, err = run(monkeypatch, capsys, *args)
    assert code == 0, err
    cli = _cli_predictions(monkeypatch, capsys, model, tmp_path / "queries.txt")
    texts = [c["text"] for c in cli]
    assert any(c["fallback"] for c in cli) and not all(c["fallback"] for c in cli)

    saved = Assistant.from_config(_assistant_yaml(tmp_path, "{model_dir: model}", handlers))
    _same(cli, saved.predict(texts))
    payload = saved.classify(texts)
    assert [(c.label, c.fallback_reason) for c in payload] == [
        (c["label"], c["fallback_reason"]) for c in cli
    ]

    started = Assistant.from_config(
        _assistant_yaml(tmp_path, "{method: lexical, target_recall: 0.95}", handlers)
    )
    # a saved model holds its weights in float32: scores agree to 1e-4, decisions exactly
    _same(cli, started.predict(texts), tolerance=1e-4)
    a, b = started.understanding.thresholds, saved.understanding.thresholds
    assert (a.min_score, a.min_margin) == pytest.approx((b.min_score, b.min_margin), abs=1e-4)


def test_near_ood_rule_is_saved_with_the_model_and_narrow(tmp_path: Path) -> None:
    """A near-paraphrase of a known OOD query falls back (``near_ood``) even when the
    classifier is confident, before and after saving; an in-domain query that shares only its
    ending with OOD queries does not."""
    from kodial.classify.base import load_classifier
    from kodial.classify.bundled import load_sample_queries

    data = load_sample_queries()
    data.ood = [*data.ood, "주식 시세 좀 알려줘", "로또 번호 추천해 줘", "고양이 사료 추천해 줘"]
    clf = fit_classifier(data, TrainConfig(method="lexical", dev_ratio=0, noise_report=False))
    queries = ["주식 시세 좀 알려 줘", "영화 추천해 줘"]
    before = clf.classifier.predict(queries)
    assert [p.fallback_reason for p in before] == ["near_ood", None]
    assert before[1].label == "movie"
    clf.classifier.save(tmp_path / "m")
    after = load_classifier(tmp_path / "m").predict(queries)
    assert [p.fallback_reason for p in after] == ["near_ood", None]
    off = TrainConfig(method="lexical", dev_ratio=0, noise_report=False, near_ood=None)
    assert fit_classifier(data, off).classifier.ood_neighbors is None


def _emotions(seed: int, n: int) -> LabelledData:
    """Multi-label queries: each label has cue words; 'joy' is common, 'fear' rare, and some
    cues are shared by two labels (a threshold per label has something to learn)."""
    import random

    from kodial.classify.data import Example

    cues = {
        "joy": ["좋아", "신나", "행복해", "웃겨"],
        "sad": ["슬퍼", "우울해", "눈물나", "행복해"],
        "anger": ["화나", "짜증나", "열받아", "웃겨"],
        "fear": ["무서워", "겁나", "떨려", "짜증나"],
    }
    rates = {"joy": 0.5, "sad": 0.3, "anger": 0.3, "fear": 0.12}
    filler = ["오늘", "진짜", "그냥", "너무", "완전", "좀", "아까", "요즘", "정말"]
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        labels = tuple(lab for lab, r in rates.items() if rng.random() < r)
        if not labels:
            continue
        words = [rng.choice(cues[lab]) for lab in labels] + rng.sample(filler, 3)
        rng.shuffle(words)
        out.append(Example(" ".join(words), labels))
    return LabelledData(out, multi_label=True)


def test_multi_label_thresholds_per_label_out_of_fold_and_label_set_metrics() -> None:
    """Each label gets its own threshold from out-of-fold scores, the report has micro,
    macro and samples F1 with per-label precision and recall. On new queries the per-label
    thresholds are about as good as one shared 0.5 (here they are not better: measured 0.856
    vs 0.859 micro-F1; on KOTE see bench/results/classify.md)."""
    from kodial.classify.evaluate import evaluate

    train, test = _emotions(1, 600), _emotions(2, 300)
    trained = fit_classifier(train, TrainConfig(method="lexical", dev_ratio=0, noise_report=False))
    clf = trained.classifier
    assert clf.multi_label and trained.calibration.method == "out-of-fold"
    assert set(clf.calibration.thresholds) == {"joy", "sad", "anger", "fear"}
    assert len({round(t, 3) for t in clf.calibration.thresholds.values()}) > 1
    report = evaluate(clf, test)
    assert {"micro_f1", "macro_f1", "samples_f1"} <= set(report.metrics)
    assert set(report.per_class) == {"joy", "sad", "anger", "fear"}
    assert all(0 <= m.precision <= 1 and 0 <= m.recall <= 1 for m in report.per_class.values())
    per_label = report.metrics["micro_f1"]
    clf.calibration.thresholds = {}  # every label at default_threshold (0.5)
    shared = evaluate(clf, test).metrics["micro_f1"]
    assert per_label >= shared - 0.02, (per_label, shared)
    assert per_label > 0.8


def _texts() -> list[str]:
    from kodial.classify.bundled import load_sample_queries

    return load_sample_queries().texts[:60]


@pytest.mark.parametrize("ending_weight", [0.0, 0.5])
def test_out_of_fold_rows_are_what_a_featurizer_fitted_on_the_other_folds_gives(
    ending_weight: float,
) -> None:
    """A held-out row is the row a featurizer fitted on the training folds' texts alone gives
    the query: its unseen n-grams dropped, the folds' idf, each view normalised again. The
    old out-of-fold rows (all texts' vocabulary and idf, or unseen n-grams dropped and the
    whole row normalised) are not."""
    import numpy as np
    from sklearn.preprocessing import normalize

    from kodial.classify.features import KoreanFeaturizer

    texts = _texts()
    held_texts, rest_texts = texts[:15], texts[15:]
    featurizer = KoreanFeaturizer(ending_weight=ending_weight)
    X = featurizer.fit_transform(texts)
    fold = KoreanFeaturizer(ending_weight=ending_weight)
    fold.fit(rest_texts)
    # the fold featurizer's columns in the full featurizer's column order
    full_terms, _ = featurizer.fitted_state()
    fold_terms, _ = fold.fitted_state()
    offsets, index = 0, {}
    for view in KoreanFeaturizer.VIEWS:
        for j, term in enumerate(full_terms.get(view, [])):
            index[(view, term)] = offsets + j
        offsets += len(full_terms.get(view, []))
    cols = [index[(v, t)] for v in KoreanFeaturizer.VIEWS for t in fold_terms.get(v, [])]
    expected = np.zeros((len(held_texts), X.shape[1]))
    expected[:, cols] = fold.transform(held_texts).toarray()

    got = featurizer.as_new(X[:15], X[15:]).toarray()
    assert np.allclose(got, expected, atol=1e-5)
    present = np.asarray((X[15:] != 0).sum(axis=0)).ravel() > 0
    whole_row = normalize(X[:15].multiply(present[None, :]).tocsr()).toarray()
    assert not np.allclose(whole_row, expected, atol=1e-3)  # the old path


def test_out_of_fold_rows_keep_the_extra_features_as_a_new_query_has_them() -> None:
    """``hybrid`` appends a sentence vector (norm = encoder weight) to the TF-IDF row; a new
    query's row keeps it as it is, so the held-out row must too: renormalising the whole row
    shrank hybrid's out-of-fold scores and its false fallback came out at 2.2-2.4% for 5%
    promised (bench/results/classify.md)."""
    import numpy as np
    import scipy.sparse as sp

    from kodial.classify.features import KoreanFeaturizer
    from kodial.classify.lexical import held_as_new

    texts = _texts()
    featurizer = KoreanFeaturizer()
    tfidf = featurizer.fit_transform(texts)
    extra = np.random.default_rng(1).normal(size=(len(texts), 5))
    extra = 0.5 * extra / np.linalg.norm(extra, axis=1, keepdims=True)
    X = sp.hstack([tfidf, sp.csr_matrix(extra)], format="csr")
    held, rest = X[:10], X[10:]
    out = held_as_new(featurizer, held, rest).toarray()
    n = featurizer.n_features()
    assert np.allclose(out[:, n:], extra[:10])  # the sentence vector untouched
    assert np.allclose(out[:, :n], featurizer.as_new(tfidf[:10], tfidf[10:]).toarray(), atol=1e-6)
    assert np.allclose(np.linalg.norm(out, axis=1), np.sqrt(1 + 0.5**2), atol=1e-5)


def test_multi_label_fit_featurizes_once_and_analyses_each_word_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The training texts are featurized once (the out-of-fold heads slice that matrix, each
    fold's rows reweighted as new), and no word goes to Kiwi twice, not even across
    featurizers: ``hybrid`` fits one per candidate weight and then the final one on the same
    texts, and each used to analyse every word again."""
    from kodial.classify import features
    from kodial.classify.features import KoreanFeaturizer

    analysed: list[str] = []
    real = features.shared_kiwi

    class Counting:
        def __init__(self, kiwi: object) -> None:
            self.kiwi = kiwi

        def tokenize(self, words: list[str]) -> object:
            analysed.extend(words)
            return self.kiwi.tokenize(words)  # type: ignore[attr-defined]

    monkeypatch.setattr(features, "shared_kiwi", lambda n: Counting(real(n)))
    monkeypatch.setattr(features, "_MORPH_CACHES", {})  # nothing analysed yet
    fitted = []
    fit_transform = KoreanFeaturizer.fit_transform

    def counting_fit(self: KoreanFeaturizer, texts: object, *args: object, **kw: object) -> object:
        fitted.append(len(texts))  # type: ignore[arg-type]
        return fit_transform(self, texts, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(KoreanFeaturizer, "fit_transform", counting_fit)
    train = _emotions(3, 300)
    config = TrainConfig(method="lexical", dev_ratio=0, noise_report=False)
    assert fit_classifier(train, config).classifier.multi_label
    assert fitted == [len(train)]
    # a second featurizer (another ending weight) on the same texts analyses nothing again
    KoreanFeaturizer(ending_weight=0.5).fit_transform(train.texts)
    assert analysed and len(analysed) == len(set(analysed))


def test_out_of_fold_scores_do_not_depend_on_numpys_global_generator() -> None:
    """liblinear's coordinate order is seeded by the model, not drawn from numpy's global
    generator: the same data gave slightly different models (and thresholds) depending on what
    the process had drawn before, e.g. in the CLI and in the assistant."""
    import numpy as np

    from kodial.classify.base import create_classifier
    from kodial.classify.splits import group_folds

    train = paraphrase_groups(seed=2, n_groups=12)
    folds = group_folds(train.first_labels, [ex.group or "" for ex in train.examples], 5)
    scores = []
    for seed in (1, 2):
        np.random.seed(seed)
        clf = create_classifier("lexical", model="svm").fit(train)
        scores.append(clf.out_of_fold_scores(train, folds, clf.labels))
    assert scores[0].shape == (len(train), 4) and (scores[0].sum(1) > 0).all()
    assert np.array_equal(scores[0], scores[1])


def test_multi_label_calibrates_on_three_folds_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``folds: auto`` is 3 for multi-label data (every query still gets one out-of-fold score,
    with 4 one-vs-rest rounds instead of 6: most of KOTE's training time) and 5 for single-label
    data; a number given is kept as it is."""
    from kodial.classify.lexical import LexicalClassifier

    heads: list[int] = []
    real = LexicalClassifier._head

    def counting(self: LexicalClassifier, X: object, train: LabelledData, labels: list) -> object:
        heads.append(len(train))
        return real(self, X, train, labels)  # type: ignore[arg-type]

    monkeypatch.setattr(LexicalClassifier, "_head", counting)
    train = _emotions(4, 300)
    auto = fit_classifier(train, TrainConfig(method="lexical", dev_ratio=0, noise_report=False))
    assert auto.calibration.folds == 3 and len(heads) == 4  # the final model and 3 folds
    assert heads[0] == len(train) and all(n < len(train) for n in heads[1:])
    heads.clear()
    five = TrainConfig(method="lexical", dev_ratio=0, noise_report=False, folds=5)
    assert fit_classifier(train, five).calibration.folds == 5 and len(heads) == 6
    single = paraphrase_groups(seed=2, n_groups=12)
    config = TrainConfig(method="lexical", dev_ratio=0, noise_report=False)
    assert fit_classifier(single, config).calibration.folds == 5


@pytest.mark.parametrize("value", ["1", "x", 2.5, True])
def test_folds_is_auto_or_a_whole_number_of_at_least_two(value: object) -> None:
    from kodial.classify.options import validate_flags
    from kodial.errors import DataErrors

    assert validate_flags(TrainConfig, {"folds": "4"}, {"folds": "--folds"}).folds == 4
    with pytest.raises(DataErrors, match="--folds: must be auto or a whole number of at least 2"):
        validate_flags(TrainConfig, {"folds": value}, {"folds": "--folds"})
