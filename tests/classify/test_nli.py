"""nli-zeroshot: parity with the transformers zero-shot pipeline, templates, errors, narrowing,
save/load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kodial.classify.base import create_classifier, load_classifier
from kodial.classify.data import Example, LabelledData
from kodial.classify.nli import NLIZeroShotClassifier
from kodial.errors import KodialError

QUERIES = [
    "코스닥 지수 알려줘",
    "오펜하이머 등장인물 알려줘",
    "서귀포 맛집 알려줘",
    "내일 아침에 비가 오면 우산을 챙겨야 하는지 날씨 예보를 자세히 확인해 줄래",
    "영화",
]
LABELS = ["금융", "영화", "장소", "날씨"]


def reference_pipeline(path: Path):
    """The transformers pipeline on the same checkpoint. The klue-style tokenizer of the RoBERTa
    model emits token_type_ids the model cannot take, so the reference is told not to pass them
    (what kodial does by itself)."""
    from transformers import AutoTokenizer, pipeline

    tok = AutoTokenizer.from_pretrained(path)
    if "roberta" in path.name:
        tok.model_input_names = ["input_ids", "attention_mask"]
    return pipeline("zero-shot-classification", model=str(path), tokenizer=tok, device="cpu")


def pipeline_scores(pipe, texts, labels, multi_label, template="이 문장은 {}에 관한 것입니다."):
    out = pipe(
        texts, candidate_labels=labels, multi_label=multi_label, hypothesis_template=template
    )
    return np.array(
        [[dict(zip(o["labels"], o["scores"], strict=True))[lab] for lab in labels] for o in out]
    )


@pytest.mark.parametrize("style", ["nli_bert", "nli_roberta"])
@pytest.mark.parametrize("multi_label", [False, True])
def test_scores_equal_transformers_pipeline(style, multi_label, request):
    path = request.getfixturevalue(style)
    clf = create_classifier("nli-zeroshot", model=str(path), multi_label=multi_label, batch_size=3)
    ours = clf.predict_scores(QUERIES, LABELS)
    ref = pipeline_scores(reference_pipeline(path), QUERIES, LABELS, multi_label)
    assert ours.shape == (len(QUERIES), len(LABELS))
    np.testing.assert_allclose(ours, ref, atol=1e-5, rtol=0)
    # the check has teeth: the scores spread over 10x the tolerance (the tiny random model's
    # softmax spread was 0.001-0.011 over runs, since the tokenizer it is built with trains to
    # another vocabulary each run: huggingface/tokenizers#1794; 0.00099 once failed "> 1e-3")
    assert np.ptp(ours) > 1e-4
    if not multi_label:
        np.testing.assert_allclose(ours.sum(1), 1.0, atol=1e-5)


def test_single_label_candidate_uses_entailment_vs_contradiction(nli_bert):
    clf = create_classifier("nli-zeroshot", model=str(nli_bert))
    ours = clf.predict_scores(QUERIES[:2], ["금융"])
    ref = pipeline_scores(reference_pipeline(nli_bert), QUERIES[:2], ["금융"], False)
    np.testing.assert_allclose(ours, ref, atol=1e-5, rtol=0)
    assert (ours < 1.0).all()


def test_roberta_tokenizer_emits_token_types_the_model_cannot_take(nli_roberta):
    """The hard case is real: the unpatched pipeline fails where kodial works."""
    from transformers import pipeline

    raw = pipeline("zero-shot-classification", model=str(nli_roberta), device="cpu")
    with pytest.raises(IndexError):
        raw(QUERIES[0], candidate_labels=LABELS)
    clf = create_classifier("nli-zeroshot", model=str(nli_roberta))
    assert np.isfinite(clf.predict_scores(QUERIES[:1], LABELS)).all()


def test_particle_templates_pick_the_right_form(nli_bert):
    clf = create_classifier(
        "nli-zeroshot", model=str(nli_bert), hypothesis_template="{label}와/과 관련된 문장이다."
    )
    assert clf.hypothesis("영화") == "영화와 관련된 문장이다."
    assert clf.hypothesis("금융") == "금융과 관련된 문장이다."
    clf.config.hypothesis_template = "주제는 {label}이/가 맞고, {label}은/는 중요하다."
    assert clf.hypothesis("장소") == "주제는 장소가 맞고, 장소는 중요하다."
    assert clf.hypothesis("음식") == "주제는 음식이 맞고, 음식은 중요하다."
    clf.config.hypothesis_template = "{label}을/를 다룬다."
    assert clf.hypothesis("날씨") == "날씨를 다룬다."
    assert clf.hypothesis("금융") == "금융을 다룬다."


def test_hypotheses_reach_the_model(nli_bert):
    """Particle-filled hypotheses and label descriptions are exactly what the model scores."""
    data = LabelledData(
        examples=[Example("코스피 올랐어", ("finance",)), Example("영화 추천", ("movie",))],
        descriptions={"finance": "금융", "movie": "영화"},
    )
    clf = create_classifier(
        "nli-zeroshot", model=str(nli_bert), hypothesis_template="{label}와/과 관련된 문장이다."
    ).fit(data)
    ours = clf.predict_scores(QUERIES, ["finance", "movie"])
    hyps = ["금융과 관련된 문장이다.", "영화와 관련된 문장이다."]
    ref = pipeline_scores(reference_pipeline(nli_bert), QUERIES, hyps, False, template="{}")
    np.testing.assert_allclose(ours, ref, atol=1e-5, rtol=0)


def test_template_without_slot_is_a_clear_error(nli_bert):
    clf = create_classifier("nli-zeroshot", model=str(nli_bert), hypothesis_template="주제 없음")
    with pytest.raises(KodialError, match="placeholder"):
        clf.predict_scores(QUERIES[:1], LABELS)


def test_model_without_entailment_label_is_a_clear_error(models_dir):
    from kodial.testing.models import build_nli

    path = build_nli(models_dir / "nli-no-entail", id2label={0: "yes", 1: "maybe", 2: "no"})
    clf = create_classifier("nli-zeroshot", model=str(path))
    with pytest.raises(KodialError, match="no entailment label"):
        clf.predict_scores(QUERIES[:1], LABELS)


def test_missing_model_is_a_clear_error(tmp_path):
    clf = create_classifier("nli-zeroshot", model=str(tmp_path / "nowhere"))
    with pytest.raises(KodialError, match="no model at") as exc:
        clf.predict_scores(QUERIES[:1], LABELS)
    assert "local path" in str(exc.value)


def test_labels_at_predict_time_need_no_fit(nli_bert):
    clf = NLIZeroShotClassifier()
    assert clf.labels_at == "predict" and clf.needs_weights
    with pytest.raises(KodialError, match="no labels"):
        clf.predict(QUERIES[:1])


@pytest.mark.parametrize("multi_label", [False, True])
def test_candidates_top_k_scores_only_k_labels(nli_bert, toy_data, multi_label):
    labels = [*LABELS, "음식", "음악", "여행", "스포츠"]
    full = create_classifier("nli-zeroshot", model=str(nli_bert), multi_label=multi_label)
    narrow = create_classifier(
        "nli-zeroshot", model=str(nli_bert), multi_label=multi_label, candidates_top_k=3
    )
    mask = narrow.narrow(QUERIES, labels, 3)
    assert (mask.sum(1) == 3).all()
    s_full = full.predict_scores(QUERIES, labels)
    s_narrow = narrow.predict_scores(QUERIES, labels)
    assert ((s_narrow > 0) == mask).all()
    if multi_label:
        np.testing.assert_allclose(s_narrow[mask], s_full[mask], atol=1e-5)
    else:
        renorm = np.where(mask, s_full, 0) / np.where(mask, s_full, 0).sum(1, keepdims=True)
        np.testing.assert_allclose(s_narrow, renorm, atol=1e-5)


def test_tfidf_narrowing_keeps_the_gold_label_of_fitted_examples(nli_bert, toy_data):
    clf = create_classifier("nli-zeroshot", model=str(nli_bert), candidates_top_k=1)
    clf.fit(toy_data)
    mask = clf.narrow(toy_data.texts, clf.labels, 1)  # auto: tfidf, the classifier has examples
    gold = [clf.labels.index(lab) for lab in toy_data.first_labels]
    assert mask[np.arange(len(gold)), gold].all()
    # a new label known only by its description still gets ranked
    sims = clf.tfidf_similarities(["오늘 저녁 메뉴 추천해 줘"], [*clf.labels, "저녁 메뉴"])
    assert sims.argmax() == 3
    clf.config.narrow_by = "encoder"
    assert clf.narrow(toy_data.texts, clf.labels, 1).sum() == len(toy_data)


def test_save_load_round_trip_and_explain(nli_roberta, toy_data, tmp_path):
    clf = create_classifier("nli-zeroshot", model=str(nli_roberta), candidates_top_k=2).fit(
        toy_data
    )
    before = clf.predict_scores(QUERIES, clf.labels)
    clf.save(tmp_path / "clf")
    loaded = load_classifier(tmp_path / "clf")
    assert isinstance(loaded, NLIZeroShotClassifier)
    assert loaded.labels == clf.labels and loaded.examples == clf.examples
    np.testing.assert_array_equal(loaded.predict_scores(QUERIES, loaded.labels), before)

    exp = loaded.explain(toy_data.texts[0])
    assert set(exp.details["hypotheses"]) == set(clf.labels)
    assert exp.details["hypotheses"]["금융"]["hypothesis"] == "이 문장은 금융에 관한 것입니다."
    assert len(exp.details["narrowed_to"]) == 2
    assert exp.neighbors[0].text == toy_data.texts[0]
    assert exp.neighbors[0].similarity == pytest.approx(1.0, abs=1e-4)
    assert exp.to_dict()["prediction"]["label"] in clf.labels


def test_two_way_model_uses_its_other_label_as_contradiction(models_dir):
    from kodial.testing.models import build_nli

    path = build_nli(
        models_dir / "nli-2way-parity", id2label={0: "ENTAILMENT", 1: "not_entailment"}
    )
    clf = create_classifier("nli-zeroshot", model=str(path), multi_label=True)
    assert clf.label_indices() == (0, 1)
    ref = pipeline_scores(reference_pipeline(path), QUERIES, LABELS, True)
    np.testing.assert_allclose(clf.predict_scores(QUERIES, LABELS), ref, atol=1e-5, rtol=0)
