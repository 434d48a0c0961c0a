"""Tiny random checkpoints for tests and benchmarks, saved like any hub checkpoint.

No hub is reachable in tests, so each builder makes a small model from a config, pairs it with a
real Korean WordPiece tokenizer trained (with :mod:`kodial.tokenizer`) on :data:`TOY_QUERIES`
and :data:`EXTRA_SENTENCES`, and writes both with ``save_pretrained``. Code under test then loads
the directory through the same ``from_pretrained(path)`` a user's hub id goes through.

- :func:`build_encoder`: a BERT-style encoder (what ``finetune`` starts from).
- :func:`build_nli`: an NLI cross-encoder, BERT-style with a non-standard label order, or
  RoBERTa-style with a single token type (``type_vocab_size=1``) and a klue-style BERT tokenizer
  that still emits ``token_type_ids`` (the case where passing them breaks the model).
- :func:`build_sentence_transformer`: a tiny BERT plus mean pooling.

Sizes default to hidden 32, 2 layers; :func:`build_nli` takes overrides so the benchmark can build
a BERT-base-shaped (12 x 768) random model through the same path.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

TOY_QUERIES: dict[str, list[str]] = {
    "금융": [
        "코스피 지수가 오늘 얼마나 올랐어",
        "적금 이자율이 가장 높은 은행 알려줘",
        "달러 환율이 지금 얼마야",
        "주식 배당금은 언제 들어와",
        "대출 금리 비교해 줘",
        "삼성전자 주가 전망이 궁금해",
        "펀드 수익률 확인하고 싶어",
        "예금 만기 이자 계산해 줘",
        "코스닥 시가총액 순위 보여줘",
        "채권 금리가 오르면 주식은 어떻게 돼",
        "연금 저축 세액 공제 한도 알려줘",
        "비트코인 시세 알려줘",
    ],
    "영화": [
        "이번 주말에 개봉하는 영화 추천해 줘",
        "그 영화 감독이 누구야",
        "주연 배우가 나오는 다른 작품 알려줘",
        "극장 상영 시간표 보여줘",
        "공포 영화 중에 제일 무서운 거 뭐야",
        "애니메이션 영화 관객 수 알려줘",
        "영화 예매 취소하고 싶어",
        "이 영화 결말 해석해 줘",
        "올해 영화제 수상작이 뭐야",
        "배우 필모그래피 알려줘",
        "넷플릭스에서 볼 만한 영화 있어",
        "영화 평점 높은 순으로 보여줘",
    ],
    "날씨": [
        "내일 서울 날씨 어때",
        "오늘 비 올 확률이 얼마야",
        "이번 주 미세먼지 농도 알려줘",
        "주말에 눈이 온대",
        "지금 기온이 몇 도야",
        "태풍이 언제 상륙해",
        "우산 챙겨야 할까",
        "자외선 지수 높아",
        "아침 최저 기온 알려줘",
        "장마는 언제 끝나",
        "바람이 많이 부는 날이야",
        "황사 예보 확인해 줘",
    ],
}
"""Three clearly distinct toy domains (original sentences) for tokenizer training and tests."""

EXTRA_SENTENCES: list[str] = [
    "이 문장은 금융에 관한 것입니다.",
    "이 문장은 영화에 관한 것입니다.",
    "이 문장은 날씨에 관한 것입니다.",
    "이 문장은 음식과 관련된 것이다.",
    "주제는 장소가 맞다.",
    "서귀포 맛집 알려줘",
    "근처에 주차할 곳이 있을까",
    "노래 틀어 줘",
    "오늘 저녁 메뉴 추천해 줘",
    "기차표 예매는 어디서 해",
    "여행 가기 좋은 섬을 알려줘",
    "축구 경기 결과가 어떻게 됐어",
    "음악 재생 목록을 만들어 줘",
    "요리법이 쉬운 반찬이 뭐야",
    "병원 예약을 바꾸고 싶어요",
    "스포츠 뉴스 보여줘",
    "음식 배달이 늦어지고 있어",
    "장소 추천 부탁해",
    "이 주제는 여행과 관련되어 있다.",
    "그 문장은 음악을 다룬다.",
]
"""More original sentences so the tokenizer covers templates and unseen labels."""

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def corpus() -> list[str]:
    """Every sentence the tiny tokenizers are trained on."""
    return [s for qs in TOY_QUERIES.values() for s in qs] + EXTRA_SENTENCES


def build_tokenizer(
    vocab_size: int = 600, model_max_length: int = 128, texts: Sequence[str] = ()
) -> Any:
    """A klue-style BERT WordPiece tokenizer over :func:`corpus` plus ``texts`` (no lowercasing
    or accent stripping: stripping accents would decompose Hangul syllables into jamo).
    Benchmarks pass their own queries as ``texts`` so sequence lengths look realistic.

    The vocabulary is built, not trained: the special tokens, every character as a word start
    and as a ``##`` continuation (sorted), then whole words by frequency (ties alphabetical) up
    to ``vocab_size``. The ``tokenizers`` WordPiece trainer breaks ties between its ``##``
    pieces in hash-map order (huggingface/tokenizers#1794), so every process trained another
    vocabulary, and the tiny models and what a test taught them changed from run to run."""
    from collections import Counter

    from tokenizers.pre_tokenizers import BertPreTokenizer
    from transformers import BertTokenizer

    split = BertPreTokenizer()
    words = Counter(w for text in [*corpus(), *texts] for w, _ in split.pre_tokenize_str(text))
    starts = sorted({w[0] for w in words})
    inside = sorted({f"##{c}" for w in words for c in w[1:]})
    vocab = dict.fromkeys([*SPECIAL_TOKENS, *starts, *inside])
    for word, _ in sorted(words.items(), key=lambda wc: (-wc[1], wc[0])):
        if len(vocab) >= vocab_size:
            break
        vocab.setdefault(word)
    return BertTokenizer(
        vocab={tok: i for i, tok in enumerate(vocab)},
        do_lower_case=False,
        strip_accents=False,
        tokenize_chinese_chars=True,
        model_max_length=model_max_length,
    )


def _size(overrides: dict[str, Any]) -> dict[str, Any]:
    size: dict[str, Any] = {
        "hidden_size": 32,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "intermediate_size": 64,
        "max_position_embeddings": 132,
        "initializer_range": 0.1,
    }
    size.update(overrides)
    return size


def build_encoder(directory: str | Path, seed: int = 0, **overrides: Any) -> Path:
    """A tiny random BERT encoder (``BertModel``) with its tokenizer, saved to ``directory``."""
    import torch
    from transformers import BertConfig, BertModel

    torch.manual_seed(seed)
    tok = build_tokenizer()
    config = BertConfig(vocab_size=len(tok), pad_token_id=tok.pad_token_id, **_size(overrides))
    out = Path(directory)
    BertModel(config).save_pretrained(out)
    tok.save_pretrained(out)
    return out


NONSTANDARD_ID2LABEL = {0: "CONTRADICTION", 1: "entailment", 2: "Neutral"}
"""Label order of the BERT-style tiny NLI model: not MNLI's, and mixed case."""

ROBERTA_ID2LABEL = {0: "entailment", 1: "neutral", 2: "contradiction"}


def build_nli(
    directory: str | Path,
    style: str = "bert",
    id2label: dict[int, str] | None = None,
    seed: int = 0,
    tokenizer: Any = None,
    **overrides: Any,
) -> Path:
    """A random NLI cross-encoder (3-way sequence classifier) with its tokenizer.

    ``style="bert"``: BERT with two token types and :data:`NONSTANDARD_ID2LABEL`.
    ``style="roberta"``: RoBERTa with ``type_vocab_size=1`` (no token type embeddings to speak
    of) and :data:`ROBERTA_ID2LABEL`; its klue-style tokenizer still returns ``token_type_ids``
    with 1s on the hypothesis, which the model cannot take. ``tokenizer`` replaces the default
    one from :func:`build_tokenizer`; ``overrides`` change the config (sizes, dropout).
    """
    import torch
    from transformers import (
        BertConfig,
        BertForSequenceClassification,
        RobertaConfig,
        RobertaForSequenceClassification,
    )

    torch.manual_seed(seed)
    tok = tokenizer if tokenizer is not None else build_tokenizer()
    size = _size(overrides)
    model: Any
    if style == "bert":
        labels = id2label or NONSTANDARD_ID2LABEL
        heads: dict[str, Any] = {
            "id2label": dict(labels),
            "label2id": {v: k for k, v in labels.items()},
        }
        config = BertConfig(vocab_size=len(tok), pad_token_id=tok.pad_token_id, **size, **heads)
        model = BertForSequenceClassification(config)
    elif style == "roberta":
        labels = id2label or ROBERTA_ID2LABEL
        rsize: dict[str, Any] = {
            **size,
            "max_position_embeddings": size["max_position_embeddings"] + 2,
            "id2label": dict(labels),
            "label2id": {v: k for k, v in labels.items()},
        }
        rconfig = RobertaConfig(
            vocab_size=len(tok),
            pad_token_id=tok.pad_token_id,
            bos_token_id=tok.cls_token_id,
            eos_token_id=tok.sep_token_id,
            type_vocab_size=1,
            **rsize,
        )
        model = RobertaForSequenceClassification(rconfig)
    else:
        raise ValueError(f"unknown style {style!r}; use 'bert' or 'roberta'")
    model.eval()
    out = Path(directory)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out


def build_sentence_transformer(directory: str | Path, seed: int = 0) -> Path:
    """A tiny sentence-transformers model: random BERT encoder plus mean pooling."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import Pooling, Transformer

    out = Path(directory)
    encoder_dir = build_encoder(out.with_name(out.name + "-encoder"), seed=seed)
    transformer = Transformer(str(encoder_dir), max_seq_length=64)
    pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
    SentenceTransformer(modules=[transformer, pooling], device="cpu").save(str(out))
    return out
