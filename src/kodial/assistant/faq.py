"""FAQ handler: answer from question/answer pairs by retrieval, abstaining when unsure.

The data file is a YAML list; each entry has one question or several paraphrases and an
answer::

    - q: [환불은 어떻게 받나요, 환불하고 싶어요]
      a: 결제일로부터 7일 안에 ...

The message is matched against every question (:class:`~kodial.assistant.retrieval.NearestText`);
below ``min_similarity`` the handler abstains and the engine answers with the fallback, because
a confident wrong answer to a policy question is worse than saying so.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, TypeAdapter, field_validator

from kodial.assistant.config import FAQConfig, load_yaml
from kodial.assistant.interface import Answer, Environment, Handler, TurnContext
from kodial.assistant.retrieval import NearestText
from kodial.assistant.route import FAQRoute
from kodial.config import FrozenConfig


class FAQEntry(FrozenConfig):
    """One question (or paraphrases) and its answer."""

    q: list[str] = Field(min_length=1)
    """The question, or several ways of asking it."""
    a: str = Field(min_length=1)
    """The answer given verbatim."""

    @field_validator("q", mode="before")
    @classmethod
    def _one_or_many(cls, v: object) -> object:
        return [v] if isinstance(v, str) else v


FAQ_FILE = TypeAdapter(list[FAQEntry])


def load_faq(path: str | Path) -> list[FAQEntry]:
    """Read and validate an FAQ file (errors name the file, line and entry)."""
    entries: list[FAQEntry] = load_yaml(path, FAQ_FILE)
    return entries


class FAQHandler(Handler):
    """Nearest known question; its answer, or abstain below the threshold."""

    config_class = FAQConfig
    config: FAQConfig

    def __init__(self, name: str, config: FAQConfig, env: Environment) -> None:
        super().__init__(name, config, env)
        self.entries = load_faq(config.data)
        self.owner = [i for i, e in enumerate(self.entries) for _ in e.q]
        self.index = NearestText([q for e in self.entries for q in e.q])

    def respond(self, ctx: TurnContext) -> Answer:
        hit = self.index.search(ctx.message, k=1)[0]
        entry = self.entries[self.owner[hit.index]]
        facts = FAQRoute(
            question=self.index.texts[hit.index],
            similarity=round(hit.similarity, 4),
            threshold=self.config.min_similarity,
        )
        if hit.similarity < self.config.min_similarity:
            reason = (
                f"nearest FAQ question similarity {hit.similarity:.3f} < "
                f"{self.config.min_similarity}: abstained"
            )
            return Answer(abstain=True, keep_task=True, reason=reason, faq=facts)
        reason = f"nearest FAQ question, similarity {hit.similarity:.3f}"
        return Answer(text=entry.a, keep_task=True, reason=reason, faq=facts)
