"""embedding: kNN and centroid scoring over a tiny sentence-transformers model."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from kodial.classify.base import create_classifier, load_classifier
from kodial.classify.data import Example, LabelledData
from kodial.classify.embedding import EmbeddingClassifier
from kodial.errors import KodialError


def test_knn_recovers_training_examples_and_explains_the_decider(sentence_model, toy_data):
    clf = create_classifier("embedding", model=str(sentence_model), k=1).fit(toy_data)
    preds = clf.predict(toy_data.texts)
    assert [p.label for p in preds] == toy_data.first_labels
    text = toy_data.texts[5]
    exp = clf.explain(text)
    assert exp.neighbors[0].text == text
    assert exp.neighbors[0].label == toy_data.first_labels[5]
    assert exp.neighbors[0].similarity == pytest.approx(1.0, abs=1e-5)
    assert exp.details["decided_by"]["text"] == text


def test_knn_scores_are_similarity_weighted_votes(sentence_model, toy_data):
    from sentence_transformers import SentenceTransformer

    clf = create_classifier("embedding", model=str(sentence_model), k=4, temperature=0.1)
    clf.fit(toy_data)
    queries = ["환율 알려줘", "배우 누구야", "눈 와"]
    scores = clf.predict_scores(queries)
    np.testing.assert_allclose(scores.sum(1), 1.0, atol=1e-6)

    st = SentenceTransformer(str(sentence_model), device="cpu")
    q = st.encode(queries, normalize_embeddings=True)
    x = st.encode(toy_data.texts, normalize_embeddings=True)
    sims = q @ x.T
    for n in range(len(queries)):
        top = np.argsort(-sims[n])[:4]
        w = np.exp(sims[n, top] / 0.1)
        expected = {lab: 0.0 for lab in clf.labels}
        for i, wi in zip(top, w / w.sum(), strict=True):
            expected[toy_data.first_labels[i]] += wi
        np.testing.assert_allclose(scores[n], [expected[lab] for lab in clf.labels], atol=1e-5)


def test_centroid_mode_is_softmax_over_centroid_similarity(sentence_model, toy_data):
    clf = create_classifier("embedding", model=str(sentence_model), mode="centroid")
    clf.fit(toy_data)
    queries = ["코스피 얼마야", "영화 추천"]
    scores = clf.predict_scores(queries)
    q = clf.embed(queries)
    cents = []
    for lab in clf.labels:
        rows = [i for i, labs in enumerate(clf.example_labels) if lab in labs]
        c = clf.vectors[rows].mean(0)
        cents.append(c / np.linalg.norm(c))
    s = q @ np.stack(cents).T / 0.05
    expected = np.exp(s) / np.exp(s).sum(1, keepdims=True)
    np.testing.assert_allclose(scores, expected, atol=1e-5)
    exp = clf.explain(queries[0])
    assert set(exp.details["centroid_similarity"]) == set(clf.labels)
    assert exp.neighbors[0].label == exp.prediction.label


def test_multi_label_knn_gives_independent_shares(sentence_model):
    data = LabelledData(
        examples=[
            Example("영화 보면서 주식 얘기", ("영화", "금융")),
            Example("주식 시장 전망", ("금융",)),
            Example("극장 예매", ("영화",)),
            Example("비 오는 날", ("날씨",)),
        ],
        multi_label=True,
    )
    clf = create_classifier("embedding", model=str(sentence_model), k=4).fit(data)
    scores = clf.predict_scores(["영화 보면서 주식 얘기"])
    assert clf.multi_label
    assert ((scores >= 0) & (scores <= 1)).all()
    assert scores.sum() > 1.0  # the two-label example counts for both labels
    with pytest.raises(KodialError, match="multi-label"):
        create_classifier("embedding", model=str(sentence_model), mode="centroid").fit(data)


def test_predict_restricted_to_some_labels(sentence_model, toy_data):
    clf = create_classifier("embedding", model=str(sentence_model)).fit(toy_data)
    scores = clf.predict_scores(["환율"], ["금융", "날씨"])
    assert scores.shape == (1, 2)
    np.testing.assert_allclose(scores.sum(), 1.0, atol=1e-6)
    with pytest.raises(KodialError, match="no examples of"):
        clf.predict_scores(["환율"], ["스포츠"])


def test_save_load_round_trip_with_and_without_model_copy(sentence_model, toy_data, tmp_path):
    private = tmp_path / "st"
    shutil.copytree(sentence_model, private)
    clf = create_classifier("embedding", model=str(private), copy_model=True).fit(toy_data)
    queries = ["주가 알려줘", "내일 날씨"]
    before = clf.predict_scores(queries)
    clf.save(tmp_path / "by-ref")
    clf.config.copy_model = False
    clf.save(tmp_path / "by-ref-only")
    assert not (tmp_path / "by-ref-only" / "model").exists()
    np.testing.assert_array_equal(
        load_classifier(tmp_path / "by-ref-only").predict_scores(queries), before
    )
    shutil.rmtree(private)
    loaded = load_classifier(tmp_path / "by-ref")
    assert isinstance(loaded, EmbeddingClassifier)
    np.testing.assert_array_equal(loaded.predict_scores(queries), before)


def test_missing_model_is_a_clear_error(tmp_path, toy_data):
    clf = create_classifier("embedding", model=str(tmp_path / "missing"))
    with pytest.raises(KodialError, match="no model at"):
        clf.fit(toy_data)
