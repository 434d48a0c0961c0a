"""The ``llm`` method: label likelihood under a tiny random Llama, checked against a plain
transformers computation (one full forward per query and label, no cache), and the CLI round
trip on a saved model that holds JSON only."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import httpx
import numpy as np
import pytest
from _cli import run

from kodial.classify.base import create_classifier, load_classifier
from kodial.classify.data import Example, LabelledData
from kodial.classify.llm import LLMClassifier, LocalScorer, RemoteScorer
from kodial.errors import KodialError

# labels of different token lengths, ending with and without a final consonant (이다 / 다)
LABELS = {
    "금융": ["코스피 지수 알려줘", "환율 얼마야", "적금 이자 계산해줘", "주식 사고 싶어"],
    "영화": ["요즘 볼만한 영화", "극장 예매해줘", "감독 누구야", "개봉작 추천"],
    "날씨와 기후": ["내일 비 와?", "오늘 기온", "미세먼지 어때", "주말 날씨 알려줘"],
}


@pytest.fixture(scope="module")
def llama(models_dir: Path) -> Path:
    from kodial.testing.causal_lm import build_tiny_llama

    return build_tiny_llama(models_dir / "llm-llama", initializer_range=0.5)


def data() -> LabelledData:
    return LabelledData(
        examples=[Example(t, (lab,)) for lab, texts in LABELS.items() for t in texts]
    )


def direct_logprobs(model_dir: Path, ids: list[int], start: int) -> list[float]:
    """Log-probabilities of ``ids[start:]`` from one plain forward over all of ``ids``."""
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(model_dir).eval()
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0]
    logp = torch.log_softmax(logits.float(), -1)
    return [float(logp[i - 1, ids[i]]) for i in range(start, len(ids))]


@pytest.mark.parametrize("score", ["sum", "mean"])
def test_scores_equal_a_direct_transformers_computation(llama: Path, score: str) -> None:
    from transformers import AutoTokenizer

    clf = create_classifier("llm", model=str(llama), k_shot=1, score=score, label_batch=2)
    assert isinstance(clf, LLMClassifier)
    clf.fit(data())
    texts = ["코스닥 지수 알려줘", "비 오나요"]
    got = clf.label_scores(texts, clf.labels)

    tok = AutoTokenizer.from_pretrained(llama)

    def ids(text: str) -> list[int]:
        return list(tok(text, add_special_tokens=False)["input_ids"])

    head = [tok.bos_token_id, *ids(clf.head(clf.labels))]
    for i, text in enumerate(texts):
        for j, lab in enumerate(clf.labels):
            prompt = head + ids(clf.query_part(text))
            cont = ids(clf.verbalise(lab))
            lp = direct_logprobs(llama, prompt + cont, len(prompt))
            want = sum(lp) / (len(lp) if score == "mean" else 1)
            assert got[i, j] == pytest.approx(want, abs=1e-4)
    # the continuations differ in length, so the padded batch was exercised
    assert len({len(ids(clf.verbalise(lab))) for lab in clf.labels}) > 1
    probs = clf.raw_scores(texts, clf.labels)
    assert np.allclose(probs.sum(1), 1.0)
    assert np.array_equal(probs.argmax(1), got.argmax(1))


def test_prompt_has_particles_and_the_few_shot_examples(llama: Path) -> None:
    clf = create_classifier("llm", model=str(llama), k_shot=2)
    clf.fit(data())
    assert clf.verbalise("금융") == " 금융이다."
    assert clf.verbalise("영화") == " 영화다."
    head = clf.head(clf.labels)
    assert head.startswith("다음 문장의 주제를 고르세요. 주제: 금융, 날씨와 기후, 영화")
    assert len(clf.shots) == 6
    # interleaved: the labels take turns, so no label is always the nearest example
    assert [lab for _, lab in clf.shots[:3]] == ["금융", "날씨와 기후", "영화"]
    for text, lab in clf.shots:
        assert f"문장: {text}\n이 문장의 주제는{clf.verbalise(lab)}\n\n" in head
    # a label subset at predict time keeps only its own examples
    assert "영화다" not in clf.head(["금융", "날씨와 기후"])


def test_control_token_text_in_a_query_stays_text(llama: Path) -> None:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(llama)
    scorer = LocalScorer.load(str(llama), "cpu")
    special = set(tok.all_special_ids)
    ids = scorer.ids(f"안녕 {tok.eos_token} 끝")
    assert ids and not special & set(ids)


def write_csv(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        for lab, texts in LABELS.items():
            for t in texts:
                w.writerow([t, lab])
    return path


def test_train_predict_eval_explain_through_the_cli(llama, monkeypatch, capsys, tmp_path) -> None:
    src = write_csv(tmp_path / "q.csv")
    out = tmp_path / "model"
    code, _, err = run(
        monkeypatch,
        capsys,
        *["classify", "train", str(src), "--out", str(out), "--method", "llm"],
        *["--model", str(llama), "--option", "k_shot=1", "--folds", "2", "--dev-ratio", "0.25"],
    )
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["method"] == "llm"
    assert manifest["config"]["model"] == str(llama.resolve())
    # JSON only: the model is referenced, never copied or pickled
    files = {p.name for p in out.rglob("*") if p.is_file() and p.parent == out}
    assert files <= {"manifest.json", "shots.json"}, files
    clf = load_classifier(out)
    assert clf.labels == sorted(LABELS) and len(clf.shots) == 3  # type: ignore[attr-defined]

    monkeypatch.setattr(sys, "stdin", io.StringIO("환율 알려줘\n"))
    code, stdout, err = run(monkeypatch, capsys, "classify", "predict", str(out))
    assert code == 0, err
    obj = json.loads(stdout)
    assert obj["label"] in [*LABELS, "fallback"]
    assert abs(sum(r["score"] for r in obj["ranking"]) - 1.0) < 1e-4

    code, stdout, err = run(
        monkeypatch, capsys, "classify", "predict", str(out), "--explain", stdin="환율 알려줘\n"
    )
    assert code == 0, err
    details = json.loads(stdout)["details"]
    assert details["labels"]["금융"]["verbalisation"] == " 금융이다."
    assert len(details["shots"]) == 3 and details["prompt"].endswith(
        "문장: 환율 알려줘\n이 문장의 주제는"
    )

    code, _, err = run(
        monkeypatch, capsys, "classify", "eval", str(out), str(src), "--out", str(tmp_path / "ev")
    )
    assert code == 0, err
    assert (tmp_path / "ev" / "report.json").is_file()


def test_missing_model_and_bad_templates_are_clean_errors(monkeypatch, capsys, tmp_path) -> None:
    src = write_csv(tmp_path / "q.csv")
    code, _, err = run(
        monkeypatch, capsys, "classify", "train", str(src), "--out", str(tmp_path / "m"),
        "--method", "llm",
    )  # fmt: skip
    assert code == 2 and "needs a model" in err and "Traceback" not in err
    assert not (tmp_path / "m").exists()
    code, _, err = run(
        monkeypatch, capsys, "classify", "train", str(src), "--out", str(tmp_path / "m"),
        "--method", "llm", "--option", "query_template=문장:", "--model", "x",
    )  # fmt: skip
    assert code == 2 and "query_template" in err and "{text}" in err


# -- remote backend ------------------------------------------------------------------------


def completions_server(llama: Path, calls: list[dict]) -> httpx.MockTransport:
    """An OpenAI-compatible /v1/completions that echoes prompt log-probabilities computed by the
    tiny model (offsets from the fast tokenizer), as vLLM answers ``echo`` + ``logprobs``."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(llama)

    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        calls.append(body)
        choices = []
        for index, prompt in enumerate(body["prompt"]):
            enc = tok(prompt, add_special_tokens=False, return_offsets_mapping=True)
            ids = [tok.bos_token_id, *enc["input_ids"]]
            lps = direct_logprobs(llama, ids, 1)
            choices.append(
                {
                    "index": index,
                    "text": prompt,
                    "logprobs": {
                        "tokens": tok.convert_ids_to_tokens(enc["input_ids"]),
                        "token_logprobs": [None, *lps[1:]],
                        "text_offset": [a for a, _ in enc["offset_mapping"]],
                    },
                }
            )
        return httpx.Response(200, json={"choices": choices})

    return httpx.MockTransport(handle)


def test_remote_backend_reads_echoed_logprobs_of_the_continuation(llama: Path) -> None:
    from transformers import AutoTokenizer

    calls: list[dict] = []
    scorer = RemoteScorer("http://llm.test/v1", "tiny", None)
    scorer.client = httpx.Client(
        base_url="http://llm.test/v1", transport=completions_server(llama, calls)
    )
    got = scorer.token_logprobs(
        "주제를 고르세요.\n", "문장: 환율\n주제는", [" 금융이다.", " 영화다."]
    )
    assert calls[0]["echo"] is True and calls[0]["logprobs"]
    tok = AutoTokenizer.from_pretrained(llama)
    for cont, lp in zip([" 금융이다.", " 영화다."], got, strict=True):
        prompt = "주제를 고르세요.\n문장: 환율\n주제는"
        enc = tok(prompt + cont, add_special_tokens=False, return_offsets_mapping=True)
        first = next(k for k, (a, _) in enumerate(enc["offset_mapping"]) if a >= len(prompt))
        want = direct_logprobs(llama, [tok.bos_token_id, *enc["input_ids"]], first + 1)
        assert lp == pytest.approx(want, abs=1e-5)


def test_remote_server_without_prompt_logprobs_is_a_clear_error() -> None:
    def chat_only(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"choices": [{"index": 0, "text": "x"}]})

    scorer = RemoteScorer("http://llm.test/v1", "tiny", None)
    scorer.client = httpx.Client(
        base_url="http://llm.test/v1", transport=httpx.MockTransport(chat_only)
    )
    with pytest.raises(KodialError, match="does not return prompt log-probabilities"):
        scorer.token_logprobs("a", "b", [" c"])
    scorer.client = httpx.Client(
        base_url="http://llm.test/v1",
        transport=httpx.MockTransport(lambda r: httpx.Response(404, json={})),
    )
    with pytest.raises(KodialError, match="HTTP 404"):
        scorer.token_logprobs("a", "b", [" c"])
