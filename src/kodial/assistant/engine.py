"""The dialogue engine: one user turn in, a reply (whole or streamed), the route and the new
state out. The HTTP service (:mod:`kodial.serve`) calls it; so can any Python program.

>>> from kodial.assistant import build_demo_assistant        # doctest: +SKIP
>>> bot = build_demo_assistant()                              # doctest: +SKIP
>>> r = bot.turn("내일 저녁 7시에 4명 예약해줘", state=None, history=[])  # doctest: +SKIP
>>> r.text, r.route["handler"], r.state["task"]["asking"]     # doctest: +SKIP
('어느 지점으로 예약할까요? ...', 'book_table', '장소')

Routing rule (one turn):

1. **A task is in progress** (``state["task"]``): the task reads the message first. A cancel
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

Every answer carries ``route``: the handler, the intent, the classifier's top labels and
scores, the thresholds, the slot state and a human-readable ``reason``.

State: ``turn`` takes and returns plain JSON dicts,
``{"version": 1, "task": {...} | None, "turns": n, "last_handler": name}``
(see :mod:`kodial.assistant.task` for the task part). The engine keeps nothing between calls:
handlers and models are built once and only read afterwards, and the classifier is called under
a lock, so one :class:`Assistant` serves many sessions from many threads.
"""

from __future__ import annotations

import copy
import threading
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, ValidationError

from kodial.assistant.actions import ActionRunner
from kodial.assistant.config import AssistantConfig, load_config
from kodial.assistant.handler import Environment, Handler, Reply, TurnContext
from kodial.assistant.handlers import HANDLERS
from kodial.assistant.retrieval import NearestText
from kodial.assistant.task import TaskHandler, asks_to_cancel, is_bare_cancel, is_filler
from kodial.classify.base import Classifier, FallbackPolicy, Prediction
from kodial.classify.data import (
    FALLBACK,
    LabelledData,
    load_labelled,
    merge,
    read_ood_lines,
    validate_rows,
)
from kodial.errors import KodialError

OOD_NEIGHBORS = 3
"""Nearest examples (intent examples + OOD queries, character n-gram TF-IDF) consulted by the
OOD-neighbour check; a majority of OOD queries among them means fallback."""

OOD_NEIGHBOR_SIMILARITY = 0.35
"""A single nearest OOD query this similar (cosine) is enough for fallback."""

STATE_VERSION = 1


class _SlotShape(BaseModel):
    model_config = ConfigDict(extra="allow")
    value: Any
    display: str


class _TaskShape(BaseModel):
    """The task part of a state, as :mod:`kodial.assistant.task` writes it."""

    model_config = ConfigDict(extra="allow", strict=True)
    handler: str
    slots: dict[str, _SlotShape]
    asking: str | None
    confirming: bool
    failures: int
    period: str | None = None


class _StateShape(BaseModel):
    """A state coming back from a client or a store: checked before any handler reads it, so a
    malformed one is reset instead of failing the turn."""

    model_config = ConfigDict(extra="allow", strict=True)
    version: int
    task: _TaskShape | None = None
    turns: int = 0


"""Version of the dialogue-state layout; a state of another version starts afresh."""


def bundled_config() -> Path:
    """Path of the example assistant shipped with kodial (``resources/assistant/assistant.yaml``)."""
    return Path(str(resources.files("kodial") / "resources" / "assistant" / "assistant.yaml"))


class TurnResult:
    """The answer to one turn.

    ``chunks`` yields the reply in pieces (token deltas for language-model chit-chat, the whole
    text at once for other handlers); ``text`` is the full reply (reading it consumes whatever
    ``chunks`` has not yielded yet, so read ``chunks`` first when streaming). ``route`` and
    ``state`` are JSON-serialisable and known before the first chunk; store ``state`` only once
    the turn is complete.
    """

    def __init__(self, pieces: Iterator[str], route: dict[str, Any], state: dict[str, Any]):
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

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "route": self.route, "state": self.state}


def _classifier_route(pred: Prediction, policy: FallbackPolicy, top: int = 3) -> dict[str, Any]:
    return {
        "label": pred.label,
        "fallback": pred.fallback,
        "fallback_reason": pred.fallback_reason,
        "ranking": [{"label": ls.label, "score": round(ls.score, 4)} for ls in pred.ranking[:top]],
        "thresholds": {"min_score": policy.min_score, "min_margin": policy.min_margin},
    }


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
        self._lock = threading.Lock()
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
        self._ood_index: NearestText | None = None
        self._ood_flags: list[bool] = []
        if config.classifier.ood_neighbors and data is not None and data.ood:
            self._ood_index = NearestText([*data.texts, *data.ood], morphemes=False)
            self._ood_flags = [False] * len(data.texts) + [True] * len(data.ood)

    # -- building -------------------------------------------------------------------------
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
        """Classifier predictions with the assistant's fallback rules applied: the classifier's
        policy (``low_score``, ``ambiguous``), then the OOD-neighbour check (``near_ood``: the
        message's nearest example is an out-of-domain query). Classifier calls are serialised:
        a method's internals are not guaranteed to be safe under concurrent calls."""
        with self._lock:
            preds = self.classifier.predict(texts)
        if self._ood_index is None:
            return preds
        for pred in preds:
            if not pred.fallback and self._near_ood(pred.text):
                pred.fallback_reason = "near_ood"
        return preds

    def _near_ood(self, text: str) -> bool:
        """The nearest example is an OOD query at least :data:`OOD_NEIGHBOR_SIMILARITY`
        similar, or most of the :data:`OOD_NEIGHBORS` nearest are OOD queries."""
        assert self._ood_index is not None
        hits = self._ood_index.search(text, k=OOD_NEIGHBORS)
        ood = [self._ood_flags[h.index] for h in hits if h.similarity > 0]
        first = hits[0]
        return (
            self._ood_flags[first.index] and first.similarity >= OOD_NEIGHBOR_SIMILARITY
        ) or sum(ood) * 2 > len(hits)

    def turn(
        self,
        message: str,
        state: dict[str, Any] | None,
        history: list[dict[str, Any]],
        now: datetime | None = None,
        run_action: ActionRunner | None = None,
    ) -> TurnResult:
        """Answer one user message.

        ``state`` is what the previous turn returned (None for a new conversation), ``history``
        the earlier ``{"role", "content"}`` messages (used by language-model chit-chat); ``now``
        fixes the clock (tests); ``run_action`` is how a task runs its action (the service
        passes one that runs each task's action at most once; default: just call it). Nothing
        in the arguments is mutated."""
        now = self.now() if now is None else now.astimezone(self.tz)
        prev = self._state_in(state)
        msgs = [
            {"role": str(m.get("role")), "content": str(m.get("content", ""))}
            for m in history or []
            if isinstance(m, dict)
        ]
        text = unicodedata.normalize("NFC", str(message))  # decomposed Hangul (macOS) too
        ctx = TurnContext(
            message=" ".join(text.split()), history=msgs, now=now, run_action=run_action
        )
        route: dict[str, Any] = {"intent": None, "classifier": None}
        if prev.get("stale"):
            route["note"] = prev.pop("stale")
        task = prev.get("task")
        if not ctx.message:
            reply = self.fallback_handler.respond(ctx)
            reply.text = "무엇을 도와드릴까요? " + (reply.text or "")
            route["reason"] = "empty message"
            return self._result(self.fallback_handler, reply, route, prev)

        # Classified every turn, so each route shows the classifier's view, even when the task
        # in progress claims the message first.
        pred = self.predict([ctx.message])[0]
        route["classifier"] = _classifier_route(pred, self.classifier.fallback)
        active = self.handlers.get(task["handler"]) if task else None
        if isinstance(active, TaskHandler) and task is not None:
            reply_or_none = active.resume(ctx, task)
            if reply_or_none is not None:
                route["intent"] = active.name
                return self._result(active, reply_or_none, route, prev)

        if isinstance(active, TaskHandler) and task is not None and is_filler(ctx.message):
            route["intent"] = active.name
            reply = active.unclear(ctx, task, reason="the message says nothing (filler)")
            return self._result(active, reply, route, prev)

        if active is None and is_bare_cancel(ctx.message):
            # "취소할래" / "그만" with nothing to cancel: say so rather than guess an intent
            # ("내일 예약 취소할래" names something, and is routed like any request).
            route["reason"] = "a cancel word with no task in progress"
            reply = Reply(text="지금 진행 중인 일은 없어요. 무엇을 도와드릴까요?")
            return self._result(self.fallback_handler, reply, route, prev)

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
                reply = active.unclear(ctx, task, reason=f"message filled no slot; {why}")
                route["intent"] = active.name
                return self._result(active, reply, route, prev)
            route["intent"] = intent
            if isinstance(handler, TaskHandler):
                reply = handler.respond(ctx)
                reply.route["reason"] = f"switched from task {active.name!r}: " + reply.route.get(
                    "reason", ""
                )
                return self._result(handler, reply, route, prev)
            reply, used = self._answer(handler, ctx)
            reminder = active.reminder(task, ctx)
            reply = _append(reply, " " + reminder)
            reply.route["task_waiting"] = active.name
            return self._result(used, reply, route, prev)

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
            route["reason"] = f"a cancel request does not start task {intent!r}"
            handler = None
            if others:
                with self._lock:
                    scores = self.classifier.predict_scores([ctx.message], labels=others)[0]
                intent = max(zip(others, scores, strict=True), key=lambda pair: pair[1])[0]
                handler = self.handlers[intent]
        if handler is None:
            route.setdefault(
                "reason",
                f"classifier fell back ({pred.fallback_reason})"
                if pred.fallback
                else f"no handler for intent {intent!r}",
            )
            reply = self.fallback_handler.respond(ctx)
            return self._result(self.fallback_handler, reply, route, prev)
        route["intent"] = intent
        reply, used = self._answer(handler, ctx)
        return self._result(used, reply, route, prev)

    def _answer(self, handler: Handler, ctx: TurnContext) -> tuple[Reply, Handler]:
        """``handler``'s reply, or the fallback's when it abstains (the reason is kept)."""
        reply = handler.respond(ctx)
        if not reply.abstain:
            return reply, handler
        fb = self.fallback_handler.respond(ctx)
        fb.route = {**reply.route, **fb.route, "abstained": handler.name}
        return fb, self.fallback_handler

    def _state_in(self, state: dict[str, Any] | None) -> dict[str, Any]:
        """A private copy of the incoming state; unusable states start afresh (with a note)."""
        if not state:
            return {"version": STATE_VERSION, "task": None, "turns": 0}
        if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
            return {
                "version": STATE_VERSION,
                "task": None,
                "turns": 0,
                "stale": "state from another version was reset",
            }
        try:
            checked = _StateShape.model_validate(state)
        except ValidationError:
            return {
                "version": STATE_VERSION,
                "task": None,
                "turns": 0,
                "stale": "a malformed state was reset",
            }
        out = copy.deepcopy(state)
        task = checked.task
        if task is not None:
            handler = self.handlers.get(task.handler)
            if not isinstance(handler, TaskHandler) or not set(task.slots) <= {
                slot.name for slot in handler.config.slots
            }:
                out["task"] = None
                out["stale"] = "the task in the state is not one of this assistant's tasks"
        return out

    def _result(
        self, handler: Handler, reply: Reply, route: dict[str, Any], prev: dict[str, Any]
    ) -> TurnResult:
        task = prev.get("task") if reply.keep_task else reply.task
        state = {
            "version": STATE_VERSION,
            "task": task,
            "turns": int(prev.get("turns", 0)) + 1,
            "last_handler": handler.name,
        }
        full = {
            "handler": handler.name,
            "type": handler.config.type,
            **route,
            **reply.route,
        }
        task_route = full.get("task")
        if isinstance(task_route, dict):
            full["slots"] = task_route.get("slots", {})
        full.setdefault("reason", f"{handler.config.type} handler")
        if reply.stream is not None:
            pieces: Iterator[str] = reply.stream
        else:
            pieces = iter([reply.text or ""])
        return TurnResult(pieces, full, state)

    # -- understanding and self-description ----------------------------------------------
    def classify(self, texts: list[str]) -> list[dict[str, Any]]:
        """Ranked labels, scores, the fallback decision, the explanation and the handler that
        would answer, for each text (the ``/v1/classify`` payload)."""
        preds = self.predict(list(texts))
        out = []
        policy = self.classifier.fallback
        for pred in preds:
            with self._lock:
                explanation = self.classifier.explain(pred.text).to_dict()
            explanation.pop("prediction", None)
            item = pred.to_dict()
            handler = self.handlers.get(pred.label) or self.fallback_handler
            item.update(
                thresholds={"min_score": policy.min_score, "min_margin": policy.min_margin},
                handler=handler.name,
                handler_type=handler.config.type,
                explanation=explanation,
            )
            out.append(item)
        return out

    def describe(self) -> dict[str, Any]:
        """What the assistant can do: name, persona, capabilities with example requests, and a
        short scripted conversation (``demo_script``) that exercises every handler type."""
        caps = []
        for name, cfg in self.config.handlers.items():
            desc = self.config.intents.descriptions.get(name) or cfg.description or name
            caps.append(
                {
                    "intent": name,
                    "type": cfg.type,
                    "description": desc,
                    "examples": self._examples.get(name, [])[:3],
                }
            )
        persona_name = getattr(self.persona, "name", None)
        examples = [c["examples"][0] for c in caps if c["examples"]]
        return {
            "name": self.name,
            "display_name": persona_name or self.name,
            "persona_name": persona_name,
            "description": self.config.description,
            "greeting": self.config.greeting,
            "classifier": self.classifier.name,
            "capabilities": caps,
            "examples": examples,
            "demo_script": list(self.config.demo_script),
        }


def _append(reply: Reply, tail: str) -> Reply:
    if reply.stream is not None:
        head = reply.stream

        def joined() -> Iterator[str]:
            yield from head
            yield tail

        reply.stream = joined()
    else:
        reply.text = (reply.text or "") + tail
    return reply


def intent_data(config: AssistantConfig) -> LabelledData:
    """The labelled intents of ``config``: its data file, inline examples and OOD queries."""
    parts: list[LabelledData] = []
    intents = config.intents
    if intents.data is not None:
        parts.append(load_labelled(intents.data, descriptions=intents.descriptions))
    if intents.examples:
        rows = [(0, text, (label,)) for label, texts in intents.examples.items() for text in texts]
        parts.append(
            validate_rows(
                rows, "assistant.yaml:intents.examples", descriptions=intents.descriptions
            )
        )
    data = merge(parts) if len(parts) > 1 else parts[0]
    if intents.ood is not None:
        data.ood = [*data.ood, *read_ood_lines(intents.ood)]
    return data


def build_classifier(config: AssistantConfig) -> Classifier:
    """Train the configured classifier on the intents (or load ``model_dir``), then set the
    fallback policy: explicit thresholds win; else ``target_recall`` calibrates them on
    cross-validated in-domain scores and the OOD queries
    (:func:`calibrate_cross_validated`); else the saved/default policy stays."""
    from kodial.classify.base import create_classifier, load_classifier

    cc = config.classifier
    if cc.model_dir is not None:
        clf = load_classifier(cc.model_dir)
    else:
        data = intent_data(config)
        clf = create_classifier(cc.method, **cc.options).fit(data)
        if cc.min_score is None and cc.target_recall is not None:
            clf.fallback = calibrate_cross_validated(
                clf, data, cc.target_recall, cc.calibration_folds
            )
    policy = clf.fallback
    clf.fallback = FallbackPolicy(
        min_score=policy.min_score if cc.min_score is None else cc.min_score,
        min_margin=policy.min_margin if cc.min_margin is None else cc.min_margin,
    )
    return clf


def calibrate_cross_validated(
    clf: Classifier, data: LabelledData, target_recall: float, folds: int
) -> FallbackPolicy:
    """Fallback thresholds from held-out scores.

    Scores of the training queries under the model trained on them are overconfident (a
    threshold picked on them rejects far more real queries than ``target_recall`` promises), so
    each query is scored by a model trained on the other folds (folds taken round-robin within
    each intent). OOD queries are scored by the full model, as they will be when served; then
    :func:`kodial.classify.fallback.choose_policy` picks the thresholds.
    """
    import numpy as np

    from kodial.classify.base import create_classifier
    from kodial.classify.fallback import choose_policy

    seen: dict[str, int] = {}
    fold_of = []
    for ex in data.examples:
        lab = ex.labels[0]
        fold_of.append(seen.get(lab, 0) % folds)
        seen[lab] = seen.get(lab, 0) + 1
    in_scores = np.zeros((len(data.examples), len(clf.labels)))  # (N, L)
    for k in range(folds):
        held = [i for i, f in enumerate(fold_of) if f == k]
        train = data.subset([ex for i, ex in enumerate(data.examples) if fold_of[i] != k], ood=[])
        if not held or set(train.labels) != set(clf.labels):
            continue
        part = create_classifier(clf.name, **_options(clf)).fit(train)
        in_scores[held] = part.predict_scores([data.examples[i].text for i in held], clf.labels)
    ood = clf.predict_scores(data.ood, clf.labels) if data.ood else None  # (M, L)
    return choose_policy(in_scores, ood, target_recall)


def _options(clf: Classifier) -> dict[str, Any]:
    from dataclasses import asdict, is_dataclass

    cfg = clf.config
    return asdict(cfg) if is_dataclass(cfg) and not isinstance(cfg, type) else {}


def build_demo_assistant() -> Assistant:
    """The bundled example assistant (offline: lexical classifier, retrieval chit-chat)."""
    return Assistant.from_config(bundled_config())
