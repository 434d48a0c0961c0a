"""Task handlers: fill slots over several turns, confirm, run the action.

The task's progress is a JSON dict kept in the dialogue state (the engine stores it between
turns; this class holds no per-session data)::

    {"handler": "book_table",
     "id": "3f2a...",           # random, per task: the idempotency key of its action
     "slots": {"날짜": {"value": "2026-11-19", "display": "내일(11월 19일 목요일)"}, ...},
     "asking": "시간",          # the question just asked (None while confirming)
     "confirming": false,       # the confirmation question was just asked
     "failures": 0,             # unusable answers to the current question
     "period": "저녁"}          # a part of day said without an hour, for the next "7시"

Each message is first read for cancellation (취소, 그만, 안 할래 ...), then offered to every slot
(so "아니 시간은 8시로 바꿔줘" changes one slot at any point, confirmation included), then, at
the confirmation, for yes/no. A message that does none of these is not claimed
(:meth:`TaskHandler.resume` returns None) and the engine classifies it; if it turns out to be
about something else the other handler answers and the task waits, otherwise
:meth:`TaskHandler.unclear` asks again, offering the choices (or how to cancel) after
``max_failures`` unusable answers.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from typing import Any

from kodial.assistant.actions import ActionResult, CallableAction, run_action
from kodial.assistant.config import TaskConfig
from kodial.assistant.handler import Environment, Handler, Reply, TurnContext
from kodial.assistant.slots import ExtractContext, SlotConfig, extract_all, render
from kodial.korean import attach_particle

CANCEL_WORDS = (
    "취소",
    "그만",
    "안 할래",
    "안할래",
    "안 해",
    "됐어",
    "됐습니다",
    "관둘래",
    "관둬",
    "멈춰",
    "중단",
    "필요 없어",
    "필요없어",
    "나중에 할게",
    "cancel",
)
"""Words that end the task in progress, at any step."""

YES_WORDS = (
    "네",
    "넵",
    "넹",
    "예",
    "응",
    "어",
    "좋아",
    "좋습니다",
    "그래",
    "그렇게",
    "맞아",
    "맞습니다",
    "맞아요",
    "확인",
    "ㅇㅇ",
    "ㅇㅋ",
    "오케이",
    "ok",
    "yes",
    "진행",
    "해줘",
    "해 줘",
    "해주세요",
    "해 주세요",
    "부탁",
    "콜",
)
"""Answers that accept the confirmation (checked at the start of the message)."""

NO_WORDS = ("아니", "아뇨", "아니요", "싫어", "노", "no", "잠깐", "잠시만")
"""Answers that refuse the confirmation without saying what to change."""

QUESTION_MARKERS = ("?", "어떻게", "방법", "되나요", "돼요", "규정", "언제까지", "수수료")
"""A message with these asks about cancelling (an FAQ) rather than cancelling."""

FILLERS = re.compile(r"(음+|흠+|으+음|어+|엄+|아+|에+|글쎄[요다]?|ㅎ+|ㅋ+|ㅠ+|ㅜ+|\.+|…+)")
"""Messages that say nothing (음, 글쎄요, ㅋㅋ): during a task the question is asked again."""

CHANGE_WORDS = ("바꿔", "바꿀", "변경", "말고", "수정", "고쳐")


def _norm(text: str) -> str:
    return re.sub(r"[\s.,!?~…]+", " ", text.lower()).strip() + " "


def is_filler(text: str) -> bool:
    """True for a message with no content (음..., 글쎄요, ㅎㅎ).

    >>> is_filler("음..."), is_filler("글쎄요"), is_filler("음 강남")
    (True, True, False)
    """
    words = re.sub(r"[\s.,!?~…]+", " ", text).split()
    return all(FILLERS.fullmatch(w) for w in words)


def is_cancel(text: str) -> bool:
    """True for a request to stop (취소할래, 그만), not a question about cancelling.

    >>> is_cancel("취소할래"), is_cancel("예약 취소는 어떻게 해요?")
    (True, False)
    """
    t = _norm(text)
    return any(w in t for w in CANCEL_WORDS) and not any(q in text for q in QUESTION_MARKERS)


CANCEL_FRAME = re.compile(
    r"^(그냥|이제|다|좀|전부|모두|제발|아니|아니요|아뇨|됐고|"
    r"(해|하|할|했)?(줘|줘요|주세요|줄래|줄래요|래|래요|게|게요|요|야|어|어요|습니다)?)$"
)
"""Words around a bare cancel (그냥, 좀, 해 줘 ...): they name nothing to cancel."""


CANCEL_REQUEST = re.compile(
    r"취소\s*(?:좀\s*)?"
    r"(?:해\s*(?:줘|주세요|주실|줄래|줄 수|달라|요)|할래|할게|할께|하고\s*싶|하려|하겠|해(?=\s|$|[.!?~])"
    r"|요청|부탁|가능|되나|돼요\?|할 수)"
)
"""A request to cancel something (예약 취소할래, 예매 좀 취소해 줄래요?), not a mention of
something cancelled (취소된 예약, 회의가 취소돼서, 취소해야 해서)."""


def asks_to_cancel(text: str) -> bool:
    """True for a request (or a question) to cancel something, the signal that a message must
    not start a task even when the classifier ranks one first.

    >>> asks_to_cancel("내일 예약 취소할래"), asks_to_cancel("회의가 취소돼서 오늘 예약할게요")
    (True, False)
    """
    return bool(CANCEL_REQUEST.search(_norm(text)))


def is_bare_cancel(text: str) -> bool:
    """A cancel that names nothing (취소할래, 그냥 그만, 취소해 줘), as opposed to one about
    something (내일 예약 취소할래), which is routed like any other request.

    >>> is_bare_cancel("취소할래"), is_bare_cancel("취소해 줘"), is_bare_cancel("내일 예약 취소할래")
    (True, True, False)
    """
    if not is_cancel(text):
        return False
    words = _norm(text).split()
    rest = [w for w in words if not any(w.startswith(c) for c in CANCEL_WORDS)]
    rest = [w for w in rest if not any(w in c.split() for c in CANCEL_WORDS)]
    return len(rest) < len(words) and all(CANCEL_FRAME.match(w) for w in rest)


def _starts_with_any(text: str, words: tuple[str, ...]) -> bool:
    """True when the message opens with one of ``words``; one-syllable words (네, 응) must be
    the whole first word, so that 예약 does not read as 예."""
    t = _norm(text)
    first = t.split(" ", 1)[0]
    for w in words:
        w = w.strip()
        if len(w) == 1 and first in (w, w + "요", w + w):
            return True
        if len(w) > 1 and t.startswith(w):
            return True
    return False


class TaskHandler(Handler):
    """Collect slots, confirm, then call the action; state lives in the dialogue state."""

    config_class = TaskConfig
    config: TaskConfig

    def __init__(self, name: str, config: TaskConfig, env: Environment) -> None:
        super().__init__(name, config, env)
        if isinstance(config.action, CallableAction):
            config.action.resolve()  # fail at start-up, not at the first booking

    @property
    def description(self) -> str:
        return self.config.description or self.name

    # -- entry points ---------------------------------------------------------------------
    def respond(self, ctx: TurnContext) -> Reply:
        """A new request for this task: start it, reading any slot values already given."""
        task: dict[str, Any] = {
            "handler": self.name,
            "id": secrets.token_hex(8),
            "slots": {},
            "asking": None,
            "confirming": False,
            "failures": 0,
            "period": None,
        }
        updates = self._apply(task, ctx)
        return self._next(task, ctx, event="started", updates=updates)

    def resume(self, ctx: TurnContext, task: dict[str, Any]) -> Reply | None:
        """Continue ``task`` with a new message; None when the message is not about it."""
        task = _copy(task)
        if is_cancel(ctx.message):
            return Reply(
                text=self.config.cancelled,
                task=None,
                route=self._route(task, "cancelled", reason="the user cancelled the task"),
            )
        updates = self._apply(task, ctx)
        errors = updates["errors"]
        if updates["filled"] or updates["changed"]:
            event = "changed" if updates["changed"] else "filled"
            return self._next(task, ctx, event=event, updates=updates)
        if errors:
            task["failures"] += 1
            name, message = next(iter(errors.items()))
            task["asking"] = name
            task["confirming"] = False
            return Reply(
                text=f"{message} {self._question(task, name)}",
                task=task,
                route=self._route(task, "invalid", reason=f"slot {name!r} refused: {message}"),
            )
        if updates["period"] is not None:
            name = self._time_slot()
            if name is not None:
                task["asking"], task["confirming"], task["failures"] = name, False, 0
                return Reply(
                    text=f"{updates['period']} 몇 시로 할까요?",
                    task=task,
                    route=self._route(
                        task, "period", reason=f"part of day {updates['period']!r} without an hour"
                    ),
                )
        if task["confirming"]:
            # A hesitation (어..., 음) is never consent, even where it spells a yes-word (어 = yes).
            if not is_filler(ctx.message) and _starts_with_any(ctx.message, YES_WORDS):
                return self._run(task, ctx)
            if _starts_with_any(ctx.message, NO_WORDS):
                task["confirming"], task["asking"] = False, None
                return Reply(
                    text=self._pending_question(task, ctx),
                    task=task,
                    route=self._route(task, "declined", reason="confirmation refused"),
                )
        elif (
            self.config.confirm is not None
            and not self._missing(task)
            and task["asking"] is None
            and _starts_with_any(ctx.message, YES_WORDS)
        ):
            # "네" after "어떤 부분을 바꿀까요?": nothing to change, so confirm again.
            task["confirming"] = True
            return Reply(
                text="그럼 이대로 할게요. " + self._confirmation(task, ctx),
                task=task,
                route=self._route(task, "confirming", reason="nothing to change: confirming"),
            )
        mentioned = self._mentioned_slot(ctx.message)
        if mentioned is not None:
            task["asking"] = mentioned
            task["confirming"] = False
            task["failures"] = 0
            return Reply(
                text=self._slot(mentioned).prompt,
                task=task,
                route=self._route(
                    task, "reasking", reason=f"the user wants to change {mentioned!r}"
                ),
            )
        return None

    def unclear(self, ctx: TurnContext, task: dict[str, Any], reason: str) -> Reply:
        """Ask the pending question again (the message filled nothing and meant nothing else)."""
        task = _copy(task)
        task["failures"] += 1
        text = "잘 못 알아들었어요. " + self._pending_question(task, ctx)
        if task["confirming"]:
            text += " ('네' 또는 '취소')"
        return Reply(text=text, task=task, route=self._route(task, "reprompt", reason=reason))

    def reminder(self, task: dict[str, Any], ctx: TurnContext) -> str:
        """The pending question, appended when another handler answered in between."""
        desc = attach_particle(self.description, "은/는")
        return f"(진행 중인 {desc} 계속할게요: {self._pending_question(task, ctx, plain=True)})"

    def _pending_question(self, task: dict[str, Any], ctx: TurnContext, plain: bool = False) -> str:
        """What the task is waiting for: the confirmation, a slot, or (after the user declined
        the confirmation) which slot to change."""
        if task["confirming"]:
            return self._confirmation(task, ctx)
        missing = self._missing(task)
        name = task["asking"] or (missing[0].name if missing else None)
        if name is not None:
            return self._slot(name).prompt if plain else self._question(task, name)
        names = ", ".join(s.name for s in self.config.slots)
        return f"어떤 부분을 바꿀까요? {names} 중에서 말씀해 주세요. 그만두시려면 '취소'라고 해 주세요."

    # -- steps ----------------------------------------------------------------------------
    def _apply(self, task: dict[str, Any], ctx: TurnContext) -> dict[str, Any]:
        """Read slot values from the message into ``task``; report what was filled, changed
        or refused (slot -> reason)."""
        found, period = extract_all(
            self.config.slots, ctx.message, ctx.now, task.get("asking"), task.get("period")
        )
        if period is not None:
            task["period"] = period
            if self._time_slot() is None:
                period = None
        filled: list[str] = []
        changed: list[str] = []
        errors: dict[str, str] = {}
        values = {k: v["value"] for k, v in task["slots"].items()}
        for slot in self.config.slots:
            got = found.get(slot.name)
            if got is None:
                continue
            problem = slot.check(got.value, ctx.now, {**values, **_new_values(found)})
            if problem is not None:
                errors[slot.name] = problem
                continue
            old = task["slots"].get(slot.name)
            if old is not None and old["value"] != got.value:
                changed.append(slot.name)
            elif old is None:
                filled.append(slot.name)
            task["slots"][slot.name] = {"value": got.value, "display": got.display}
            if (
                slot.extractor_type() == "datetime"
                and getattr(slot.extractor, "part", "") == "time"
            ):
                task["period"] = None
        if any(self._slot(n).extractor_type() == "datetime" for n in filled + changed):
            period = None  # the period came with a time, or with the date only (내일 저녁)
        return {"filled": filled, "changed": changed, "errors": errors, "period": period}

    def _next(
        self, task: dict[str, Any], ctx: TurnContext, event: str, updates: dict[str, Any]
    ) -> Reply:
        """Ask the next missing slot, or confirm, or run the action."""
        errors: dict[str, str] = updates["errors"]
        missing = self._missing(task)
        self._fill_defaults(task, ctx, missing)
        missing = self._missing(task)
        task["failures"] = 0
        prefix = ""
        if updates["changed"]:
            names = ", ".join(attach_particle(n, "을/를") for n in updates["changed"])
            prefix = f"{names} 바꿨어요. "
        if errors:
            name, message = next(iter(errors.items()))
            prefix += message + " "
            task["asking"], task["confirming"] = name, False
            return Reply(
                text=prefix + self._question(task, name),
                task=task,
                route=self._route(task, event, reason=f"slot {name!r} refused: {message}"),
            )
        if missing:
            task["asking"], task["confirming"] = missing[0].name, False
            return Reply(
                text=prefix + self._question(task, missing[0].name),
                task=task,
                route=self._route(task, event, reason=f"asking for {missing[0].name!r}"),
            )
        if self.config.confirm is not None:
            task["asking"], task["confirming"] = None, True
            return Reply(
                text=prefix + self._confirmation(task, ctx),
                task=task,
                route=self._route(task, event, reason="all slots filled: confirming"),
            )
        return self._run(task, ctx)

    def _fill_defaults(
        self, task: dict[str, Any], ctx: TurnContext, missing: list[SlotConfig]
    ) -> None:
        for slot in missing:
            if slot.default is None:
                continue
            got = slot.extractor.extract(slot.default, ExtractContext(now=ctx.now, asked=True))
            if got is not None:
                task["slots"][slot.name] = {
                    "value": got.value,
                    "display": got.display,
                    "default": True,
                }

    def _run(self, task: dict[str, Any], ctx: TurnContext) -> Reply:
        values = {k: v["value"] for k, v in task["slots"].items()}
        runner = ctx.run_action or run_action
        result = (
            runner(self.config.action, self.name, values, task_key(task))
            if self.config.action is not None
            else ActionResult(True)
        )
        # The failure's reason stays in the log (it may hold internals); the route, the stored
        # session and the reply get its error id.
        action_route: dict[str, Any] = {
            "type": self.config.action.type if self.config.action is not None else None,
            "ok": result.ok,
            "reason": "" if result.ok else f"error {result.error_id}",
            "result": result.values,
        }
        if result.replayed:
            action_route["replayed"] = True
        if not result.ok:
            action_route["error_id"] = result.error_id
            task["confirming"], task["asking"] = True, None
            route = self._route(
                task, "action_failed", reason=f"action failed (error {result.error_id})"
            )
            route["action"] = action_route
            return Reply(
                text=self.config.failed
                + f" (오류 번호 {result.error_id}) 다시 시도하려면 '네', 그만두려면 '취소'라고 "
                "말씀해 주세요.",
                task=task,
                route=route,
            )
        displays = {k: v["display"] for k, v in task["slots"].items()}
        text = result.text or render(
            self.config.done, {**displays, **{k: v for k, v in result.values.items()}}
        )
        route = self._route(task, "done", reason="action completed")
        route["action"] = action_route
        return Reply(text=text, task=None, route=route)

    # -- helpers --------------------------------------------------------------------------
    def _slot(self, name: str) -> SlotConfig:
        return next(s for s in self.config.slots if s.name == name)

    def _time_slot(self) -> str | None:
        """The slot that takes a time of day, if any (where a part of day said alone goes)."""
        return next(
            (
                s.name
                for s in self.config.slots
                if s.extractor_type() == "datetime"
                and getattr(s.extractor, "part", "") in ("time", "datetime")
            ),
            None,
        )

    def _missing(self, task: dict[str, Any]) -> list[SlotConfig]:
        return [s for s in self.config.slots if s.required and s.name not in task["slots"]]

    def _mentioned_slot(self, message: str) -> str | None:
        if not any(w in message for w in CHANGE_WORDS) and len(message.strip()) > 8:
            return None
        return next((s.name for s in self.config.slots if s.name in message), None)

    def _question(self, task: dict[str, Any], name: str) -> str:
        slot = self._slot(name)
        if task["failures"] < self.config.max_failures:
            if task.get("period") and name == self._time_slot():
                return f"{task['period']} 몇 시로 할까요?"  # 내일 저녁 -> "저녁 몇 시로 할까요?"
            return slot.prompt
        choices = slot.choices()
        if choices:
            listed = ", ".join(choices)
            return f"{slot.prompt} {listed} 중에서 골라 주세요. 그만두시려면 '취소'라고 해 주세요."
        example = f" 예를 들면 '{slot.example}'처럼요." if slot.example else ""
        return f"{slot.prompt}{example} 그만두시려면 '취소'라고 해 주세요."

    def _confirmation(self, task: dict[str, Any], ctx: TurnContext) -> str:
        assert self.config.confirm is not None
        return render(self.config.confirm, {k: v["display"] for k, v in task["slots"].items()})

    def _route(self, task: dict[str, Any], event: str, reason: str) -> dict[str, Any]:
        return {
            "task": {
                "event": event,
                "slots": {k: v["value"] for k, v in task["slots"].items()},
                "missing": [s.name for s in self._missing(task)],
                "asking": task.get("asking"),
                "confirming": task.get("confirming", False),
                "failures": task.get("failures", 0),
            },
            "reason": reason,
        }


def task_key(task: dict[str, Any]) -> str:
    """The idempotency key of the task's action: its id, or for a task started before tasks had
    ids, a digest of what it would do (the same state gives the same key).

    >>> task_key({"handler": "book_table", "id": "3f2a9c", "slots": {}})
    'book_table:3f2a9c'
    """
    ident = task.get("id")
    if not isinstance(ident, str) or not ident:
        canonical = json.dumps(task.get("slots", {}), ensure_ascii=True, sort_keys=True)
        ident = "slots-" + hashlib.sha256(canonical.encode()).hexdigest()[:16]
    return f"{task['handler']}:{ident[:64]}"


def _new_values(found: dict[str, Any]) -> dict[str, Any]:
    return {k: v.value for k, v in found.items()}


def _copy(task: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of the JSON task state (the caller's dict is never mutated)."""
    out = dict(task)
    out["slots"] = {k: dict(v) for k, v in task.get("slots", {}).items()}
    return out
