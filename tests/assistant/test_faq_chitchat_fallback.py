"""FAQ answers and abstention, chit-chat retrieval in the persona's voice, the fallback with
its suggestion, and the language-model chit-chat backend streaming from a tiny Llama."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kodial.assistant.chitchat import CHAT_BACKENDS, ChitchatHandler
from kodial.assistant.config import ChitchatConfig, FAQConfig
from kodial.assistant.engine import Assistant
from kodial.assistant.faq import FAQHandler
from kodial.assistant.history import Exchange
from kodial.assistant.interface import Description, Environment, TurnContext

Talk = Callable[..., Any]


def test_faq_answers_a_paraphrase(talk: Talk) -> None:
    c = talk()
    reply = c.say("환불 받으려면 어떻게 해야 돼요?")
    assert c.route["handler"] == "faq" and c.route["intent"] == "faq"
    assert reply.startswith("예약금 환불은 방문 하루 전까지")
    faq = c.route["faq"]
    assert faq["similarity"] >= faq["threshold"] and "환불" in faq["question"]
    assert c.task is None


def _ctx(message: str, now: datetime) -> TurnContext:
    return TurnContext(message=message, history=[], now=now)


def _nothing() -> Description:
    """An assistant that can do nothing (what a lone handler's environment describes)."""
    return Description(
        name="x", display_name="x", classifier="x", capabilities=[], examples=[], demo_script=[]
    )


def test_faq_abstains_below_its_threshold(tmp_path: Path, now: datetime) -> None:
    data = tmp_path / "faq.yaml"
    data.write_text("- q: 주차 가능한가요\n  a: 2시간 무료예요.\n", encoding="utf-8")
    env = Environment(describe=_nothing)
    handler = FAQHandler("faq", FAQConfig(data=data, min_similarity=0.5), env)
    assert handler.respond(_ctx("주차 가능해요?", now)).text == "2시간 무료예요."
    far = handler.respond(_ctx("고양이가 귀여워", now))
    assert far.abstain and far.text is None
    assert far.faq is not None and far.faq.similarity < 0.5 and "abstained" in far.reason


def test_engine_hands_an_abstained_faq_to_the_fallback(
    make_assistant: Callable[..., Assistant], now: datetime
) -> None:
    strict = make_assistant(faq_min=0.95)
    result = strict.turn("주차 되나요", None, [], now=now)
    assert result.route.classifier is not None and result.route.classifier.label == "faq"
    assert result.route.handler == "fallback" and result.route.abstained == "faq"
    assert "abstained" in result.route.reason
    assert result.text.startswith("죄송해요, 잘 이해하지 못했어요.")
    assert "식당 예약" in result.text
    loose = make_assistant(faq_min=0.3)
    assert loose.turn("환불 방법", None, [], now=now).route.handler == "faq"


def test_chitchat_in_the_persona_voice(talk: Talk) -> None:
    c = talk()
    reply = c.say("너 이름이 뭐야?")
    assert c.route["handler"] == "smalltalk" and "모아" in reply
    assert c.route["chitchat"]["backend"] == "retrieval"
    assert c.route["chitchat"]["nearest"] == "너 이름이 뭐야"


def test_chitchat_default_reply_is_deterministic(tmp_path: Path, now: datetime) -> None:
    data = tmp_path / "pairs.yaml"
    data.write_text("- {user: 안녕, reply: 안녕하세요!}\n", encoding="utf-8")
    cfg = ChitchatConfig(data=data, default_replies=["하나", "둘", "셋"], min_similarity=0.5)
    env = Environment(describe=_nothing)
    handler = ChitchatHandler("smalltalk", cfg, env)
    assert handler.respond(_ctx("안녕", now)).text == "안녕하세요!"
    first = handler.respond(_ctx("양자역학 이야기", now))
    again = handler.respond(_ctx("양자역학 이야기", now))
    assert first.text == again.text and first.text in ("하나", "둘", "셋")
    assert first.chitchat is not None and first.chitchat.default_reply is True


def test_out_of_domain_query_falls_back_with_a_suggestion(talk: Talk) -> None:
    c = talk()
    reply = c.say("비트코인 지금 얼마야")
    assert c.route["handler"] == "fallback" and c.route["intent"] is None
    assert c.route["classifier"]["fallback"] is True
    assert c.route["classifier"]["fallback_reason"] in ("low_score", "ambiguous", "near_ood")
    assert reply.startswith("죄송해요, 그건 제가 잘 모르는 일이에요.")
    assert "식당 예약, 영화 예매, 날씨 안내" in reply and '"' in reply  # an example request


def test_the_removed_vllm_backend_points_to_the_openai_backend(tmp_path: Path) -> None:
    """vLLM is served by `vllm serve` and reached through the openai backend (batched,
    streamed) rather than run in-process behind a lock."""
    with pytest.raises(ValueError, match="vllm serve MODEL_DIR"):
        ChitchatConfig(backend="vllm", model=str(tmp_path))  # type: ignore[arg-type]
    assert "vllm" not in CHAT_BACKENDS


@pytest.fixture(scope="module")
def tiny_llama(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kodial.testing.causal_lm import build_tiny_llama

    return build_tiny_llama(tmp_path_factory.mktemp("llama") / "model")


def test_transformers_backend_streams_pieces(
    tiny_llama: Path, tmp_path: Path, now: datetime
) -> None:
    from kodial.chat.persona import Persona

    cfg = ChitchatConfig(
        backend="transformers", model=str(tiny_llama), max_new_tokens=12, temperature=0.0
    )
    env = Environment(describe=_nothing, persona=Persona("모아", ["예약 비서"], ["해요체"]))
    handler = ChitchatHandler("smalltalk", cfg, env)
    history = [Exchange("안녕", "안녕하세요")]
    reply = handler.respond(TurnContext("오늘 어때요?", history, now))
    assert reply.text is None and reply.stream is not None
    pieces = list(reply.stream)
    assert all(isinstance(p, str) for p in pieces)
    prompt = [
        {"role": "user", "content": "안녕"},
        {"role": "assistant", "content": "안녕하세요"},
        {"role": "user", "content": "오늘 어때요?"},
    ]
    expected = handler.backend.model.generate(  # type: ignore[attr-defined]
        prompt, max_new_tokens=12, temperature=0.0
    )
    assert "".join(pieces).strip() == expected
    assert reply.chitchat is not None and reply.chitchat.backend == "transformers"


def test_retrieval_views(demo: Assistant) -> None:
    from kodial.assistant.retrieval import NearestText

    faq = demo.handlers["faq"]
    assert isinstance(faq, FAQHandler) and faq.index.morphs is not None
    chars = NearestText(faq.index.texts, morphemes=False)
    for query, answer_starts in [
        ("탈퇴하고 싶어요", "앱의 설정 > 계정 > 회원 탈퇴"),
        ("주차는 몇 시간 무료예요", "강남점과 판교점은 건물 주차장"),
    ]:
        hit = faq.index.search(query)[0]
        assert faq.entries[faq.owner[hit.index]].a.startswith(answer_starts)
        wrong = chars.search(query)[0]  # characters alone pick another entry
        assert not faq.entries[faq.owner[wrong.index]].a.startswith(answer_starts)
    greetings = NearestText(["안녕", "네"])  # no content morpheme: characters only
    assert greetings.morphs is None and greetings.search("안녕하세요")[0].index == 0


def test_engine_streams_lm_chitchat_and_appends_the_task_reminder(
    tiny_llama: Path, tmp_path: Path, now: datetime
) -> None:
    (tmp_path / "persona.yaml").write_text(
        "name: 모아\nprofile: [예약 비서]\nstyle: [해요체]\n", encoding="utf-8"
    )
    (tmp_path / "assistant.yaml").write_text(
        "name: lm-chat\npersona: persona.yaml\n"
        "classifier: {min_score: 0.0}\n"
        "intents:\n  examples:\n"
        "    hello: [안녕, 안녕하세요, 반가워요, 좋은 아침]\n"
        "    book: [예약해 줘, 자리 예약할래요, 예약하고 싶어요, 테이블 예약]\n"
        "handlers:\n"
        f"  hello: {{type: chitchat, backend: transformers, model: '{tiny_llama}', "
        "max_new_tokens: 8, temperature: 0}\n"
        "  book:\n    type: task\n    description: 식당 예약\n    slots:\n      - name: 인원\n        prompt: 몇 분이세요?\n"
        "        extractor: {type: number, units: [명]}\n"
        "  fallback: {type: fallback}\n",
        encoding="utf-8",
    )
    bot = Assistant.from_config(tmp_path / "assistant.yaml")
    assert bot.describe().display_name == "모아"
    result = bot.turn("안녕하세요", None, [], now=now)
    assert result.route.handler == "hello"
    assert result.route.chitchat is not None and result.route.chitchat.model
    pieces = list(result.chunks)
    assert pieces and result.text == "".join(pieces)
    started = bot.turn("예약해 줘", None, [], now=now)
    assert started.collect() == "몇 분이세요?"
    during = bot.turn("안녕", started.state, [], now=now)
    streamed = list(during.chunks)
    assert streamed[-1] == " (진행 중인 식당 예약은 계속할게요: 몇 분이세요?)"
    assert during.state.task == started.state.task
