"""The dialogue engine: one user turn in, a reply (whole or streamed), the route and the new
state out. The HTTP service (:mod:`kodial.serve`) calls it; so can any Python program.

>>> from kodial.assistant import build_demo_assistant        # doctest: +SKIP
>>> bot = build_demo_assistant()                              # doctest: +SKIP
>>> r = bot.turn("내일 저녁 7시에 4명 예약해줘", state=None)  # doctest: +SKIP
>>> r.text, r.route.handler, r.state.task.asking              # doctest: +SKIP
('어느 지점으로 예약할까요? ...', 'book_table', '장소')

Routing rule (one turn):

1. **A task is in progress** (``state.task``): the task reads the message first. A cancel
   word ends it; slot values fill or change slots (any slot, at any step, confirmation included);
   a yes/no answers the confirmation. If the message is none of these, go on.
   A message that says nothing (음, 글쎄요) makes the task ask again.
2. **Classify** the message with the assistant's classifier (the configured intents, the
   fallback policy calibrated on out-of-domain queries). Every turn is classified, so every
   route carries the classifier's ranking, but only an unclaimed message is routed by it.
3. With a task in progress: if the classifier fell back, chose the same task, or chose another
   intent with a score below ``interrupt_min_score``, the task asks its question again
   (offering choices after repeated failures). If it chose another task, that task starts and
   replaces the old one. If it chose another handler (FAQ, chit-chat), that handler answers,
   the task waits, and its pending question is repeated after the answer.
4. Without a task: a short cancel command ("그만") gets "nothing in progress"; the fallback
   policy's verdict goes to the ``fallback`` handler; otherwise the intent's handler answers.
   A handler that abstains (an FAQ below its threshold) hands the turn to the ``fallback``
   handler.

Every answer carries a :class:`~kodial.assistant.route.Route`: the handler, the intent, the
classifier's top labels and scores, the thresholds, the slot state and a human-readable
``reason``; and the next :class:`~kodial.assistant.state.DialogueState`. The engine keeps
nothing between calls: handlers and models are built once and only read afterwards, and the
classifier is called under a lock, so one :class:`Assistant` serves many sessions from many
threads.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kodial.assistant.actions import ActionRunner
from kodial.assistant.config import AssistantConfig, bundled_config, load_config
from kodial.assistant.handlers import HANDLERS
from kodial.assistant.history import Exchange
from kodial.assistant.interface import (
    Answer,
    Capability,
    Description,
    Environment,
    Handler,
    TurnContext,
)
from kodial.assistant.route import ClassifierView, LabelScore, Route
from kodial.assistant.state import STATE_VERSION, DialogueState
from kodial.assistant.task import TaskHandler
from kodial.assistant.understanding import (
    Classification,
    Understanding,
    build_classifier,
    intent_data,
)
from kodial.classify.base import Classifier, Prediction
from kodial.classify.data import FALLBACK
from kodial.errors import KodialError
from kodial.korean.dialogue_acts import asks_to_cancel, is_bare_cancel, is_filler


class TurnResult:
    """The answer to one turn.

    ``chunks`` yields the reply in pieces (token deltas for language-model chit-chat, the whole
    text at once for other handlers); ``text`` is the full reply (reading it consumes whatever
    ``chunks`` has not yielded yet, so read ``chunks`` first when streaming). ``route`` and
    ``state`` are known before the first chunk; store ``state`` only once the turn is complete.
    """

    def __init__(self, pieces: Iterator[str], route: Route, state: DialogueState):
        self.route = route
        self.state = state
        self._parts: list[str] = []
        self._source = pieces
        self.chunks: Iterator[str] = self._record()

    def _record(self) -> Iterator[str]:
        for piece in self._source:
            if piece:
                self._parts.append(piece)
                yield piece

    def collect(self) -> str:
        """Consume the remaining chunks and return the full reply."""
        for _ in self.chunks:
            pass
        return "".join(self._parts)

    @property
    def text(self) -> str:
        return self.collect()


class Assistant:
    """A configured assistant: classifier + handlers, ready to answer turns.

    Build it with :meth:`from_config`; then call :meth:`turn` per user message,
    :meth:`classify` for the understanding endpoint and :meth:`describe` for what it can do.
    """

    def __init__(
        self,
        config: AssistantConfig,
        classifier: Classifier,
        persona: Any = None,
        source: Path | None = None,
    ) -> None:
        self.config = config
        self.name: str = config.name
        """Assistant id, the model name shown in ``/v1/models``."""
        self.source = source
        self.persona = persona
        self.classifier = classifier
        try:
            self.tz = ZoneInfo(config.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise KodialError(
                f"unknown timezone {config.timezone!r}", hint="use an IANA name such as Asia/Seoul"
            ) from None
        labels = set(classifier.labels)
        unhandled = sorted(labels - set(config.handlers))
        if unhandled:
            raise KodialError(
                f"intent(s) without a handler: {', '.join(unhandled)}",
                hint="add them under 'handlers' in the assistant YAML",
            )
        unknown = sorted(set(config.handlers) - labels - {FALLBACK})
        if unknown:
            raise KodialError(
                f"handler(s) for intents the classifier does not know: {', '.join(unknown)}",
                hint=f"the classifier's intents are: {', '.join(sorted(labels))}",
            )
        env = Environment(describe=self.describe, persona=persona)
        self.handlers: dict[str, Handler] = {
            name: HANDLERS[cfg.type](name, cfg, env) for name, cfg in config.handlers.items()
        }
        self.fallback_handler = self.handlers[FALLBACK]
        data = (
            intent_data(config)
            if config.intents.data is not None or config.intents.examples
            else None
        )
        self._examples: dict[str, list[str]] = {}
        for ex in data.examples if data is not None else []:
            self._examples.setdefault(ex.labels[0], []).append(ex.text)
        self.understanding = Understanding(classifier)

    @classmethod
    def from_config(cls, path: str | Path) -> Assistant:
        """Load ``assistant.yaml``: validate it, train (or load) the classifier, build handlers.

        Models are built here, once; every error names the file and the key."""
        p = Path(path)
        config = load_config(p)
        persona = None
        if config.persona is not None:
            from kodial.chat.persona import load_persona

            persona = load_persona(config.persona)
        classifier = build_classifier(config)
        return cls(config, classifier, persona=persona, source=p)

    # -- answering ------------------------------------------------------------------------
    def now(self) -> datetime:
        return datetime.now(self.tz)

    def predict(self, texts: list[str]) -> list[Prediction]:
        """Classifier predictions with the assistant's fallback rules applied (see
        :class:`~kodial.assistant.understanding.Understanding`)."""
        return self.understanding.predict(texts)

    def turn(
        self,
        message: str,
        state: DialogueState | Mapping[str, Any] | None,
        history: Sequence[Exchange] = (),
        now: datetime | None = None,
        run_action: ActionRunner | None = None,
    ) -> TurnResult:
        """Answer one user message.

        ``state`` is what the previous turn returned (None for a new conversation; its JSON
        form is read with :meth:`DialogueState.from_json`), ``history`` the earlier exchanges
        (used by language-model chit-chat); ``now`` fixes the clock (tests); ``run_action`` is
        how a task runs its action (the service passes one that runs each task's action at most
        once; default: just call it). Nothing in the arguments is mutated."""
        now = self.now() if now is None else now.astimezone(self.tz)
        prev = self._state_in(state)
        text = unicodedata.normalize("NFC", str(message))  # decomposed Hangul (macOS) too
        ctx = TurnContext(
            message=" ".join(text.split()), history=list(history), now=now, run_action=run_action
        )
        turn = _Turn(prev, note=prev.reset_note)
        task = prev.task
        if not ctx.message:
            answer = self.fallback_handler.respond(ctx)
            answer.text = "무엇을 도와드릴까요? " + (answer.text or "")
            answer.reason = "empty message"
            return self._result(self.fallback_handler, answer, turn)

        # Classified every turn, so each route shows the classifier's view, even when the task
        # in progress claims the message first.
        pred = self.predict([ctx.message])[0]
        turn.classifier = self.understanding.view(pred)
        active = self.handlers.get(task.handler) if task is not None else None
        if isinstance(active, TaskHandler) and task is not None:
            claimed = active.resume(ctx, task)
            if claimed is not None:
                turn.intent = active.name
                return self._result(active, claimed, turn)
            if is_filler(ctx.message):
                turn.intent = active.name
                answer = active.unclear(ctx, task, reason="the message says nothing (filler)")
                return self._result(active, answer, turn)

        if active is None and is_bare_cancel(ctx.message):
            # "취소할래" / "그만" with nothing to cancel: say so rather than guess an intent
            # ("내일 예약 취소할래" names something, and is routed like any request).
            answer = Answer(
                text="지금 진행 중인 일은 없어요. 무엇을 도와드릴까요?",
                reason="a cancel word with no task in progress",
            )
            return self._result(self.fallback_handler, answer, turn)

        intent = pred.label
        handler = self.handlers.get(intent) if not pred.fallback else None

        if isinstance(active, TaskHandler) and task is not None:
            bar = self.config.classifier.interrupt_min_score
            weak = handler is not None and pred.ranking[0].score < bar
            if handler is None or handler is active or weak:
                if pred.fallback:
                    why = f"classifier fell back ({pred.fallback_reason})"
                elif weak:
                    why = f"{intent!r} scored below interrupt_min_score {bar}"
                else:
                    why = f"classifier chose {intent!r} again"
                answer = active.unclear(ctx, task, reason=f"message filled no slot; {why}")
                turn.intent = active.name
                return self._result(active, answer, turn)
            turn.intent = intent
            if isinstance(handler, TaskHandler):
                answer = handler.respond(ctx)
                answer.reason = f"switched from task {active.name!r}: " + answer.reason
                return self._result(handler, answer, turn)
            answer, used = self._answer(handler, ctx, turn)
            _append(answer, " " + active.reminder(task, ctx))
            turn.task_waiting = active.name
            return self._result(used, answer, turn)

        reason = ""
        if isinstance(handler, TaskHandler) and asks_to_cancel(ctx.message):
            # "영화 예매 취소하고 싶어" is about cancelling, never a reason to start a booking. An
            # FAQ handler answers it (cancellation policies live there; it abstains, and the
            # fallback answers, when nothing matches); without one, the classifier's best label
            # among the handlers that are not tasks.
            others = [
                label
                for label in self.classifier.labels
                if label in self.handlers and not isinstance(self.handlers[label], TaskHandler)
            ]
            faqs = [label for label in others if self.handlers[label].config.type == "faq"]
            others = faqs or others
            reason = f"a cancel request does not start task {intent!r}"
            handler = None
            if others:
                intent = self.understanding.best_of(ctx.message, others)
                handler = self.handlers[intent]
        if handler is None:
            answer = self.fallback_handler.respond(ctx)
            answer.reason = reason or (
                f"classifier fell back ({pred.fallback_reason})"
                if pred.fallback
                else f"no handler for intent {intent!r}"
            )
            return self._result(self.fallback_handler, answer, turn)
        turn.intent = intent
        answer, used = self._answer(handler, ctx, turn)
        answer.reason = answer.reason or reason  # the handler's own reason, when it gives one
        return self._result(used, answer, turn)

    def _answer(self, handler: Handler, ctx: TurnContext, turn: _Turn) -> tuple[Answer, Handler]:
        """``handler``'s answer, or the fallback's when it abstains (its reason and facts are
        kept)."""
        answer = handler.respond(ctx)
        if not answer.abstain:
            return answer, handler
        fb = self.fallback_handler.respond(ctx)
        fb.reason = fb.reason or answer.reason
        fb.faq, fb.chitchat = answer.faq, answer.chitchat
        turn.abstained = handler.name
        return fb, self.fallback_handler

    def _state_in(self, raw: DialogueState | Mapping[str, Any] | None) -> DialogueState:
        """The incoming state, checked (a private copy: nothing the caller holds changes);
        unusable states start afresh, with a note saying why."""
        state = DialogueState.from_json(raw).model_copy(deep=True)
        if state.version != STATE_VERSION:
            return DialogueState.fresh("state from another version was reset")
        task = state.task
        if task is not None:
            handler = self.handlers.get(task.handler)
            if not isinstance(handler, TaskHandler) or not handler.accepts(task):
                state.task = None
                state.reset_note = "the task in the state is not one of this assistant's tasks"
        return state

    def _result(self, handler: Handler, answer: Answer, turn: _Turn) -> TurnResult:
        task = turn.prev.task if answer.keep_task else answer.task
        state = DialogueState(task=task, turns=turn.prev.turns + 1, last_handler=handler.name)
        route = Route(
            handler=handler.name,
            type=handler.config.type,
            intent=turn.intent,
            classifier=turn.classifier,
            reason=answer.reason or f"{handler.config.type} handler",
            note=turn.note,
            slots=answer.progress.slots if answer.progress is not None else None,
            task=answer.progress,
            action=answer.action,
            faq=answer.faq,
            chitchat=answer.chitchat,
            abstained=turn.abstained,
            task_waiting=turn.task_waiting,
        )
        pieces = answer.stream if answer.stream is not None else iter([answer.text or ""])
        return TurnResult(pieces, route, state)

    # -- understanding and self-description ----------------------------------------------
    def classify(self, texts: list[str]) -> list[Classification]:
        """Ranked labels, scores, the fallback decision, the thresholds, the explanation and
        the handler that would answer, for each text (the ``/v1/classify`` payload)."""
        out = []
        for pred in self.predict(list(texts)):
            handler = self.handlers.get(pred.label) or self.fallback_handler
            out.append(
                Classification(
                    text=pred.text,
                    label=pred.label,
                    labels=pred.labels,
                    fallback=pred.fallback,
                    fallback_reason=pred.fallback_reason,
                    ranking=[
                        LabelScore(label=ls.label, score=round(ls.score, 6)) for ls in pred.ranking
                    ],
                    thresholds=self.understanding.thresholds,
                    handler=handler.name,
                    handler_type=handler.config.type,
                    explanation=self.understanding.explain(pred.text),
                )
            )
        return out

    def describe(self) -> Description:
        """What the assistant can do: name, persona, capabilities with example requests, and a
        short scripted conversation (``demo_script``) that exercises every handler type."""
        caps = [
            Capability(
                intent=name,
                type=cfg.type,
                description=self.config.intents.descriptions.get(name) or cfg.description or name,
                examples=self._examples.get(name, [])[:3],
            )
            for name, cfg in self.config.handlers.items()
        ]
        persona_name = getattr(self.persona, "name", None)
        return Description(
            name=self.name,
            display_name=persona_name or self.name,
            persona_name=persona_name,
            description=self.config.description,
            greeting=self.config.greeting,
            classifier=self.classifier.name,
            capabilities=caps,
            examples=[c.examples[0] for c in caps if c.examples],
            demo_script=list(self.config.demo_script),
        )


class _Turn:
    """What the engine learns about a turn before a handler answers it."""

    def __init__(self, prev: DialogueState, note: str | None) -> None:
        self.prev = prev
        self.note = note
        self.intent: str | None = None
        self.classifier: ClassifierView | None = None
        self.task_waiting: str | None = None
        self.abstained: str | None = None


def _append(answer: Answer, tail: str) -> None:
    if answer.stream is not None:
        head = answer.stream

        def joined() -> Iterator[str]:
            yield from head
            yield tail

        answer.stream = joined()
    else:
        answer.text = (answer.text or "") + tail


@functools.cache
def build_demo_assistant() -> Assistant:
    """The bundled example assistant (offline: lexical classifier, retrieval chit-chat), built
    once per process: it is made from files inside the package and only read afterwards (see
    the module docstring), so every caller can share it."""
    return Assistant.from_config(bundled_config())
