"""Fallback handler: a safe reply plus what the assistant can do, with an example request.

Used when the classifier's fallback policy fires (low score, ambiguous), when a handler abstains
(FAQ below its threshold), and for intents with no handler. It never guesses an answer.
"""

from __future__ import annotations

from kodial.assistant.config import FallbackConfig
from kodial.assistant.interface import Answer, Handler, TurnContext


class FallbackHandler(Handler):
    """Apologise and suggest the capabilities from :meth:`Assistant.describe`."""

    config_class = FallbackConfig
    config: FallbackConfig

    def suggestion(self) -> str:
        """'저는 식당 예약, 날씨 안내 ... 을 도와드릴 수 있어요. 예를 들어 "..."처럼 말씀해 보세요.'"""
        caps = [c for c in self.env.describe().capabilities if c.type != "fallback"]
        if not caps:
            return ""
        names = ", ".join(c.description for c in caps)
        example = next((c.examples[0] for c in caps if c.type == "task" and c.examples), None)
        text = f"저는 {names} 같은 일을 도와드릴 수 있어요."
        if example:
            text += f' 예를 들어 "{example}"처럼 말씀해 보세요.'
        return text

    def respond(self, ctx: TurnContext) -> Answer:
        parts = [self.config.message]
        if self.config.suggest:
            parts.append(self.suggestion())
        return Answer(text=" ".join(p for p in parts if p), keep_task=True)
