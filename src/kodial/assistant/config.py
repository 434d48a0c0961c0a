"""``assistant.yaml``: what an assistant understands and how it answers, validated up front.

A file looks like this (the bundled example, ``kodial/resources/assistant/assistant.yaml``, has
every feature)::

    name: kodial-demo
    description: 식당 예약, 날씨, 영화 예매와 서비스 안내를 돕는 예시 비서
    persona: persona.yaml            # a kodial.chat.persona file
    classifier:
      method: lexical                # any kodial.classify method, trained at start-up
      min_score: 0.35                # fallback policy (or target_recall with ood data)
    intents:
      data: intents.yaml             # labelled queries (kodial.classify.data formats)
      ood: ood.txt                   # out-of-domain queries, for the fallback
    handlers:                        # intent label -> handler; 'fallback' is required
      book_table: {type: task, slots: [...], confirm: ..., action: {...}}
      faq: {type: faq, data: faq.yaml}
      smalltalk: {type: chitchat, backend: retrieval, data: chitchat.yaml}
      fallback: {type: fallback}

Paths are relative to the YAML file. Unknown keys and wrong types are errors that name the file,
the line and the key path (``handlers.book_table.slots.0.extractor.type``).
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationInfo, model_validator

from kodial import config
from kodial.assistant.actions import Action
from kodial.assistant.slots import SlotConfig
from kodial.config import FrozenConfig


def _relative(value: Path, info: ValidationInfo) -> Path:
    base = (info.context or {}).get("base_dir")
    return value if value.is_absolute() or base is None else Path(base) / value


RelPath = Annotated[Path, AfterValidator(_relative)]
"""A path resolved against the directory of the YAML file that holds it."""


class ClassifierConfig(FrozenConfig):
    """The query classifier that picks an intent for each new request."""

    method: str = "lexical"
    """A method of ``kodial.classify`` (``lexical`` needs no download)."""
    options: dict[str, Any] = Field(default_factory=dict)
    """Options of that method (its config dataclass fields)."""
    model_dir: RelPath | None = None
    """A saved classifier to load instead of training one from ``intents`` at start-up."""
    min_score: float | None = None
    """Fall back when the top intent scores below this (overrides the saved/calibrated value)."""
    min_margin: float | None = None
    """Fall back when the top two intents are closer than this."""
    target_recall: float | None = Field(default=None, gt=0, le=1)
    """Share of new in-domain queries that must still get an intent: the thresholds are
    calibrated at start-up on out-of-fold scores of the intents and the ``ood`` queries, as
    ``kodial classify train`` does (default 0.95; ``min_score``/``min_margin`` override)."""
    interrupt_min_score: float = Field(default=0.5, ge=0, le=1)
    """While a task waits for an answer, another intent takes the turn only with at least this
    score; below it the task asks its question again (a stray "음" should not start small talk)."""
    calibration_folds: int = Field(default=4, ge=2)
    """Cross-validation folds whose out-of-fold scores calibrate the classifier."""


class IntentsConfig(FrozenConfig):
    """Example queries per intent: what the classifier learns."""

    data: RelPath | None = None
    """Labelled queries (YAML ``intent: [examples]``, CSV, TSV or JSONL)."""
    ood: RelPath | None = None
    """Out-of-domain queries, one per line: calibrate and test the fallback."""
    examples: dict[str, list[str]] = Field(default_factory=dict)
    """Inline examples, intent -> queries (added to ``data``)."""
    descriptions: dict[str, str] = Field(default_factory=dict)
    """Short Korean description per intent, shown in suggestions (식당 예약)."""


class TaskConfig(FrozenConfig):
    """A task that fills slots, confirms, then runs an action."""

    type: Literal["task"] = "task"
    description: str = ""
    """What the task does, as a noun phrase (식당 예약)."""
    slots: list[SlotConfig]
    """Values to collect, asked in this order."""
    confirm: str | None = None
    """Confirmation question with ``{slot}`` placeholders; None runs the action without asking."""
    done: str = "완료했어요."
    """Reply after the action succeeds; ``{slot}`` and the action's result fields fill it."""
    failed: str = "죄송해요, 지금은 처리할 수 없어요. 잠시 후 다시 시도해 주세요."
    """Reply when the action fails (the reason goes to the route, not to the user)."""
    cancelled: str = "알겠어요, 취소했어요. 다른 도움이 필요하면 말씀해 주세요."
    """Reply when the user cancels."""
    max_failures: int = Field(default=2, ge=1)
    """Unusable answers to one question before offering choices or cancelling."""
    action: Action | None = None
    """What to call with the slots; None answers with ``done`` only."""

    @model_validator(mode="after")
    def _unique_slots(self) -> TaskConfig:
        names = [s.name for s in self.slots]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate slot name(s): {', '.join(dupes)}")
        for s in self.slots:
            if s.date_slot is not None and s.date_slot not in names:
                raise ValueError(f"slot {s.name!r}: date_slot {s.date_slot!r} is not a slot")
        unknown = sorted(set(re.findall(r"\{([^{}]+)\}", self.confirm or "")) - set(names))
        if unknown:
            raise ValueError(
                f"confirm mentions {', '.join('{' + u + '}' for u in unknown)}, "
                f"which is not a slot (slots: {', '.join(names)})"
            )
        return self


class FAQConfig(FrozenConfig):
    """Answers to known questions, found by retrieval over the questions."""

    type: Literal["faq"] = "faq"
    description: str = "자주 묻는 질문"
    data: RelPath
    """YAML list of ``{q: question or [paraphrases], a: answer}``."""
    min_similarity: float = Field(default=0.35, ge=0, le=1)
    """Abstain (hand over to fallback) below this cosine similarity to the nearest question."""


ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
"""What an environment variable's name looks like (``api_key_env``)."""


class ChitchatConfig(FrozenConfig):
    """Small talk in the persona's voice."""

    type: Literal["chitchat"] = "chitchat"
    description: str = "가벼운 대화"
    backend: Literal["retrieval", "transformers", "openai"] = "retrieval"
    """``retrieval`` (offline, over ``data``), ``transformers`` (a causal LM at ``model``, in
    this process) or ``openai`` (alias ``remote``: any OpenAI-compatible server at
    ``base_url``: vLLM, SGLang, ``transformers serve``, a hosted LLM)."""
    data: RelPath | None = None
    """YAML list of ``{user: ..., reply: ...}`` pairs written in the persona's voice."""
    model: str | None = None
    """transformers: the model directory (or hub id); openai: the model name the server
    serves (``vllm serve runs/chat/final`` serves ``runs/chat/final``)."""
    base_url: str | None = None
    """openai: the server's base URL, ending in ``/v1`` (``http://127.0.0.1:8000/v1``)."""
    api_key_env: str | None = None
    """openai: the NAME of the environment variable that holds the server's API key (the key
    itself never goes in the YAML); unset: no key is sent."""
    timeout_s: float = Field(default=30.0, gt=0)
    """openai: seconds to connect and, after that, the longest wait for more text."""
    retries: int = Field(default=2, ge=0, le=10)
    """openai: more tries of a request that failed before any text came back (connection
    refused, 429, 5xx), with back-off."""
    max_batch: int = Field(default=8, ge=1, le=256)
    """transformers: most concurrent replies decoded together (continuous batching: a reply
    joins between decoding steps; greedy replies are the same as alone); 1 answers one request
    at a time."""
    min_similarity: float = Field(default=0.3, ge=0, le=1)
    """Retrieval: below this similarity, answer with one of ``default_replies``."""
    default_replies: list[str] = Field(
        default_factory=lambda: ["그렇군요! 조금 더 이야기해 주세요."]
    )
    """Retrieval: replies when no pair is close enough (chosen by the message, deterministically)."""
    max_new_tokens: int = Field(default=96, ge=1)
    """LM backends: reply length limit."""
    temperature: float = Field(default=0.7, ge=0)
    """LM backends: sampling temperature (0 is greedy)."""
    history_turns: int = Field(default=3, ge=0)
    """LM backends: how many previous turns (a user message and its reply each) go into the
    prompt, by the same history rule as the service's ``history_turns``."""

    @model_validator(mode="before")
    @classmethod
    def _aliases(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        if "api_key" in data:
            raise ValueError(
                "api_key is not read from assistant.yaml (a key in a file gets copied and "
                "committed): put it in an environment variable and name that variable in "
                "api_key_env"
            )
        if data.get("backend") == "remote":
            data = {**data, "backend": "openai"}
        if data.get("backend") == "vllm":
            raise ValueError(
                "the in-process vllm backend was replaced by the openai backend: run "
                "`vllm serve MODEL_DIR` and set backend: openai, base_url: "
                "http://HOST:8000/v1, model: MODEL_DIR"
            )
        return data

    @model_validator(mode="after")
    def _needs(self) -> ChitchatConfig:
        if self.backend == "retrieval" and self.data is None:
            raise ValueError("the retrieval backend needs 'data' (chit-chat pairs)")
        if self.backend == "transformers" and not self.model:
            raise ValueError("the transformers backend needs 'model' (a model directory)")
        if self.backend == "openai":
            if not self.base_url or not self.model:
                raise ValueError(
                    "the openai backend needs 'base_url' (the server's URL ending in /v1) and "
                    "'model' (the name it serves the model under)"
                )
            if not self.base_url.startswith(("http://", "https://")):
                raise ValueError(f"base_url {self.base_url!r} must start with http:// or https://")
        if self.api_key_env is not None and not ENV_NAME.match(self.api_key_env):
            raise ValueError(
                f"api_key_env must name an environment variable (letters, digits, _), not "
                f"{self.api_key_env[:20]!r}"
            )
        return self


class FallbackConfig(FrozenConfig):
    """The safe answer when nothing else fits."""

    type: Literal["fallback"] = "fallback"
    description: str = "안내"
    message: str = "죄송해요, 잘 이해하지 못했어요."
    """First sentence of the reply."""
    suggest: bool = True
    """Add what the assistant can do, with an example request."""


HandlerConfig = Annotated[
    TaskConfig | FAQConfig | ChitchatConfig | FallbackConfig, Field(discriminator="type")
]
"""Any handler config; ``type`` chooses the handler class in
:data:`kodial.assistant.handlers.HANDLERS`."""


class AssistantConfig(FrozenConfig):
    """The whole ``assistant.yaml``."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9._-]+$")
    """Assistant id (the model name in ``/v1/models``): letters, digits, ``.``, ``_``, ``-``."""
    description: str = ""
    """One sentence about the assistant, shown on the web page."""
    persona: RelPath | None = None
    """A persona YAML (``kodial.chat.persona``): the character's name and voice."""
    greeting: str | None = None
    """First message shown by clients."""
    demo_script: list[str] = Field(default_factory=list)
    """User messages of a short scripted conversation (``kodial demo --check`` replays it)."""
    timezone: str = "Asia/Seoul"
    """Timezone in which 오늘/내일 are resolved."""
    classifier: ClassifierConfig = Field(default_factory=ClassifierConfig)
    intents: IntentsConfig
    handlers: dict[str, HandlerConfig]
    """Intent label -> handler; the key ``fallback`` is the handler used when nothing fits."""

    @model_validator(mode="after")
    def _fallback_present(self) -> AssistantConfig:
        if "fallback" not in self.handlers:
            raise ValueError("handlers need a 'fallback' entry (type: fallback)")
        if (
            self.intents.data is None
            and not self.intents.examples
            and self.classifier.model_dir is None
        ):
            raise ValueError("intents need 'data' or 'examples' (or classifier.model_dir)")
        return self


def bundled_config() -> Path:
    """The example assistant shipped with kodial (``resources/assistant/assistant.yaml``)."""
    return Path(str(resources.files("kodial") / "resources" / "assistant" / "assistant.yaml"))


def load_yaml(path: str | Path, schema: Any, context: dict[str, Any] | None = None) -> Any:
    """:func:`kodial.config.load_yaml` with a hint to the keys of each block."""
    return config.load_yaml(
        path, schema, context, hint="see kodial/assistant/config.py for the keys each block accepts"
    )


def load_config(path: str | Path) -> AssistantConfig:
    """Read and validate an ``assistant.yaml``; every problem is reported with file, line, key.

    Raises :class:`~kodial.errors.DataErrors` (a :class:`~kodial.errors.KodialError`) listing
    each invalid key, e.g. ``assistant.yaml:12: field 'handlers.book.slots.0.prompt': Field
    required``.
    """
    config: AssistantConfig = load_yaml(path, AssistantConfig)
    return config
