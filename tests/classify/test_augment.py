"""``kodial classify augment``: rule-based Korean variants with the right particles, the
classifier filter, the held-out measurement, LLM generation on a tiny Llama, and the CLI's
writes (same format, atomic, never the input)."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest
from _cli import run

from kodial.classify.augment import (
    AugmentConfig,
    Candidate,
    apply_filter,
    augment_data,
    llm_candidates,
    measure,
    particle_swap,
    rule_variants,
    train_filter,
)
from kodial.classify.data import Example, LabelledData, load_labelled
from kodial.testing.models import TOY_QUERIES


def swaps(text: str) -> set[str]:
    return {particle_swap(text, random.Random(seed)) for seed in range(40)}


def test_particle_swaps_take_the_form_of_the_word_before_them() -> None:
    assert swaps("친구와 영화 보고 싶어") == {"친구랑 영화 보고 싶어", "친구하고 영화 보고 싶어"}
    assert swaps("동생과 밥 먹을래") == {"동생이랑 밥 먹을래", "동생하고 밥 먹을래"}
    assert swaps("날씨가 어때?") == {"날씨는 어때?"}
    assert swaps("오늘은 뭐 해") == {"오늘이 뭐 해"}
    assert swaps("영화를 예매해줘") == {"영화 예매해줘"}
    assert swaps("음악을 틀어줘") == {"음악 틀어줘"}
    # no particle, or a word that only looks like one (사과 is not 사 + 과; 가는 is a verb)
    assert swaps("사과 먹고 싶어") == {"사과 먹고 싶어"}
    assert swaps("학교 가는 길") == {"학교 가는 길"}
    # verb forms that end like particles: 하고, adnominal 는/은/을 after a verb or adjective stem
    for verbal in (
        "펀드 수익률 확인하고 싶어",
        "좋아하는 노래 틀어줘",
        "괜찮은 식당",
        "볼 게 있을까",
    ):
        assert swaps(verbal) == {verbal}


def test_rule_variants_are_new_and_unique() -> None:
    got = rule_variants("날씨 알려줘", ["spacing", "ending", "particle"], random.Random(0))
    texts = [t for t, _ in got]
    assert "날씨알려줘" in texts and "날씨 알려주세요" in texts and "날씨알려주세요" in texts
    assert "날씨 알려줘" not in texts and len(texts) == len(set(texts))
    assert dict(got)["날씨알려줘"] == "rule:spacing"


def toy() -> LabelledData:
    return LabelledData(
        examples=[Example(t, (lab,)) for lab, texts in TOY_QUERIES.items() for t in texts]
    )


def test_filter_keeps_only_new_candidates_the_classifier_agrees_with() -> None:
    data = toy()
    clf = train_filter(data, AugmentConfig(method="lexical"))
    cands = [
        Candidate("코스피 지수 오늘 얼마나 올랐어요", "금융", "rule"),
        Candidate("코스피 지수 오늘 얼마나 올랐어요", "금융", "rule"),  # repeated
        Candidate("코스피 지수가 오늘 얼마나 올랐어", "금융", "rule"),  # already in the data
        Candidate("코스피  지수가 오늘 얼마나 올랐어?", "금융", "rule"),  # only spaces and a "?"
        Candidate("그 영화 감독이 누구야?!", "금융", "rule"),  # known text under another label
        Candidate("영화 감독 알려줘", "금융", "llm"),  # the classifier says 영화
        Candidate("코스피지수가 오늘 얼마나 올랐어", "금융", "rule:spacing"),  # new tokens: new
    ]
    apply_filter(clf, data, cands, threshold=0.0)
    assert [c.kept for c in cands] == [True, False, False, False, False, False, True]
    assert cands[0].score is not None and cands[-1].score is not None
    apply_filter(clf, data, cands[:1], threshold=1.0)
    assert not cands[0].kept  # nothing reaches probability 1


def test_measure_reports_before_and_after_on_the_same_heldout_queries() -> None:
    cfg = AugmentConfig(method="lexical", heldout=0.3)
    m = measure(toy(), cfg).to_dict()
    assert m["n_train"] + m["n_heldout"] == sum(len(v) for v in TOY_QUERIES.values())
    assert 0 <= m["kept"] <= m["generated"]
    assert set(m["per_intent"]) == set(TOY_QUERIES)
    for key in ("accuracy", "macro_f1"):
        assert 0 <= m["before"][key] <= 1 and 0 <= m["after"][key] <= 1
        assert m["change"][key] == pytest.approx(m["after"][key] - m["before"][key], abs=1e-4)


@pytest.fixture(scope="module")
def llama(models_dir: Path) -> Path:
    from kodial.testing.causal_lm import build_tiny_llama, untie_head

    path = build_tiny_llama(models_dir / "augment-llama")
    untie_head(path)  # varied text instead of the last prompt token repeated
    return path


def test_llm_generation_mixes_intents_and_is_filtered(llama: Path) -> None:
    data = toy()
    cfg = AugmentConfig(method="lexical", per_example=0, llm_per_intent=3, max_new_tokens=12)
    ticks: list[int] = []
    made = llm_candidates(data, str(llama), cfg, "cpu", ticks.append)
    assert len(ticks) == 3 * 3
    assert made and all(c.source == "llm" and "\n" not in c.text for c in made)
    result = augment_data(data, cfg, model=str(llama), device="cpu")
    assert {c.source for c in result.candidates} == {"llm"}
    assert all(c.label in TOY_QUERIES for c in result.candidates)
    for c in result.kept:
        assert c.score is not None and c.score >= cfg.threshold


def write_csv(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        for lab, texts in TOY_QUERIES.items():
            for t in texts:
                w.writerow([t, lab])
    return path


def test_cli_writes_the_input_plus_kept_queries(monkeypatch, capsys, tmp_path) -> None:
    src = write_csv(tmp_path / "q.csv")
    before = src.read_bytes()
    out, report = tmp_path / "aug.csv", tmp_path / "r.json"
    code, stdout, err = run(
        monkeypatch, capsys, "classify", "augment", str(src), "--out", str(out),
        "--method", "lexical", "--report", str(report),
    )  # fmt: skip
    assert code == 0, err
    assert src.read_bytes() == before
    summary = json.loads(report.read_text(encoding="utf-8"))
    aug = load_labelled(out)
    n = sum(len(v) for v in TOY_QUERIES.values())
    assert len(aug) == n + summary["kept"] and summary["kept"] > 0
    assert set(aug.texts) >= set(load_labelled(src).texts)
    assert summary["heldout"]["n_heldout"] > 0 and "held-out accuracy" in err
    assert "금융" in stdout


def test_cli_keeps_the_yaml_format_with_descriptions(monkeypatch, capsys, tmp_path) -> None:
    src = tmp_path / "q.yaml"
    lines = []
    for lab, texts in TOY_QUERIES.items():
        lines += [f"{lab}:", f"  description: {lab} 질문", "  examples:"]
        lines += [f"    - {t}" for t in texts]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "aug.yaml"
    code, _, err = run(
        monkeypatch, capsys, "classify", "augment", str(src), "--out", str(out),
        "--method", "lexical", "--heldout", "0",
    )  # fmt: skip
    assert code == 0, err
    aug = load_labelled(out)
    assert aug.description("금융") == "금융 질문" and len(aug) > len(load_labelled(src))


def test_cli_refuses_to_overwrite_the_input_or_run_with_bad_options(
    monkeypatch, capsys, tmp_path
) -> None:
    src = write_csv(tmp_path / "q.csv")
    before = src.read_bytes()
    code, _, err = run(monkeypatch, capsys, "classify", "augment", str(src), "--out", str(src))
    assert code == 2 and "input file" in err and src.read_bytes() == before
    out = tmp_path / "aug.csv"
    code, _, err = run(
        monkeypatch, capsys, "classify", "augment", str(src), "--out", str(out),
        "--threshold", "2",
    )  # fmt: skip
    assert code == 2 and "--threshold" in err and not out.exists()
    code, _, err = run(
        monkeypatch, capsys, "classify", "augment", str(src), "--out", str(out),
        "--rules", "spacing,shouting",
    )  # fmt: skip
    assert code == 2 and "--rules" in err and not out.exists()
