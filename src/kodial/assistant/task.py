"""Task handlers: fill slots over several turns, confirm, run the action.

The task's progress is a :class:`~kodial.assistant.state.TaskState` kept in the dialogue state
(the engine stores it between turns; this class holds no per-session data).

Each message is first read for cancellation (취소, 그만, 안 할래 ...), then offered to every slot
(so "아니 시간은 8시로 바꿔줘" changes one slot at any point, confirmation included), then, at
the confirmation, for yes/no (the words are :mod:`kodial.korean.dialogue_acts`). A message that
does none of these is not claimed (:meth:`TaskHandler.resume` returns None) and the engine
classifies it; if it turns out to be about something else the other handler answers and the
task waits, otherwise :meth:`TaskHandler.unclear` asks again, offering the choices (or how to
cancel) after ``max_failures`` unusable answers.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field

from kodial.assistant.actions import ActionResult, CallableAction, run_action
from kodial.assistant.config import TaskConfig
from kodial.assistant.interface import Answer, Environment, Handler, TurnContext
from kodial.assistant.route import ActionRoute, TaskEvent, TaskRoute
from kodial.assistant.slots import ExtractContext, SlotConfig, extract_all
from kodial.assistant.state import SlotValue, TaskState
from kodial.korean import attach_particle, render
from kodial.korean.dialogue_acts import is_cancel, is_filler, is_no, is_yes, mentions_change


@dataclass
class _Updates:
    """What one message did to the slots."""

    filled: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    """Slot -> why its value was refused (a Korean sentence)."""
    period: str | None = None
    """A part of day said without an hour, when the task has a time slot to ask for."""


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

    def accepts(self, task: TaskState) -> bool:
        """True for a task state this handler can continue (its slots are this task's)."""
        return task.handler == self.name and set(task.slots) <= {s.name for s in self.config.slots}

    # -- entry points ---------------------------------------------------------------------
    def respond(self, ctx: TurnContext) -> Answer:
        """A new request for this task: start it, reading any slot values already given."""
        task = TaskState(
            handler=self.name,
            id=secrets.token_hex(8),
            slots={},
            asking=None,
            confirming=False,
            failures=0,
        )
        updates = self._apply(task, ctx)
        return self._next(task, ctx, event="started", updates=updates)

    def resume(self, ctx: TurnContext, task: TaskState) -> Answer | None:
        """Continue ``task`` with a new message; None when the message is not about it."""
        task = task.model_copy(deep=True)  # the caller's state is never changed
        if is_cancel(ctx.message):
            return self._answer(
                self.config.cancelled, None, task, "cancelled", "the user cancelled the task"
            )
        updates = self._apply(task, ctx)
        if updates.filled or updates.changed:
            event: TaskEvent = "changed" if updates.changed else "filled"
            return self._next(task, ctx, event=event, updates=updates)
        if updates.errors:
            task.failures += 1
            name, message = next(iter(updates.errors.items()))
            task.asking, task.confirming = name, False
            return self._answer(
                f"{message} {self._question(task, name)}",
                task,
                task,
                "invalid",
                f"slot {name!r} refused: {message}",
            )
        time_slot = self._time_slot()
        if updates.period is not None and time_slot is not None:
            task.asking, task.confirming, task.failures = time_slot, False, 0
            return self._answer(
                f"{updates.period} 몇 시로 할까요?",
                task,
                task,
                "period",
                f"part of day {updates.period!r} without an hour",
            )
        if task.confirming:
            # A hesitation (어..., 음) is never consent, even where it spells a yes-word (어 = yes).
            if not is_filler(ctx.message) and is_yes(ctx.message):
                return self._run(task, ctx)
            if is_no(ctx.message):
                task.confirming, task.asking = False, None
                return self._answer(
                    self._pending_question(task, ctx),
                    task,
                    task,
                    "declined",
                    "confirmation refused",
                )
        elif (
            self.config.confirm is not None
            and not self._missing(task)
            and task.asking is None
            and is_yes(ctx.message)
        ):
            # "네" after "어떤 부분을 바꿀까요?": nothing to change, so confirm again.
            task.confirming = True
            return self._answer(
                "그럼 이대로 할게요. " + self._confirmation(task),
                task,
                task,
                "confirming",
                "nothing to change: confirming",
            )
        mentioned = self._mentioned_slot(ctx.message)
        if mentioned is not None:
            task.asking, task.confirming, task.failures = mentioned, False, 0
            return self._answer(
                self._slot(mentioned).prompt,
                task,
                task,
                "reasking",
                f"the user wants to change {mentioned!r}",
            )
        return None

    def unclear(self, ctx: TurnContext, task: TaskState, reason: str) -> Answer:
        """Ask the pending question again (the message filled nothing and meant nothing else)."""
        task = task.model_copy(deep=True)
        task.failures += 1
        text = "잘 못 알아들었어요. " + self._pending_question(task, ctx)
        if task.confirming:
            text += " ('네' 또는 '취소')"
        return self._answer(text, task, task, "reprompt", reason)

    def reminder(self, task: TaskState, ctx: TurnContext) -> str:
        """The pending question, appended when another handler answered in between."""
        desc = attach_particle(self.description, "은/는")
        return f"(진행 중인 {desc} 계속할게요: {self._pending_question(task, ctx, plain=True)})"

    def _pending_question(self, task: TaskState, ctx: TurnContext, plain: bool = False) -> str:
        """What the task is waiting for: the confirmation, a slot, or (after the user declined
        the confirmation) which slot to change."""
        if task.confirming:
            return self._confirmation(task)
        missing = self._missing(task)
        name = task.asking or (missing[0].name if missing else None)
        if name is not None:
            return self._slot(name).prompt if plain else self._question(task, name)
        names = ", ".join(s.name for s in self.config.slots)
        return f"어떤 부분을 바꿀까요? {names} 중에서 말씀해 주세요. 그만두시려면 '취소'라고 해 주세요."

    # -- steps ----------------------------------------------------------------------------
    def _apply(self, task: TaskState, ctx: TurnContext) -> _Updates:
        """Read slot values from the message into ``task``; report what was filled, changed
        or refused."""
        found, period = extract_all(
            self.config.slots, ctx.message, ctx.now, task.asking, task.period
        )
        if period is not None:
            task.period = period
            if self._time_slot() is None:
                period = None
        out = _Updates(period=period)
        values = {**task.values(), **{k: v.value for k, v in found.items()}}
        for slot in self.config.slots:
            got = found.get(slot.name)
            if got is None:
                continue
            problem = slot.check(got.value, ctx.now, values)
            if problem is not None:
                out.errors[slot.name] = problem
                continue
            old = task.slots.get(slot.name)
            if old is not None and old.value != got.value:
                out.changed.append(slot.name)
            elif old is None:
                out.filled.append(slot.name)
            task.slots[slot.name] = SlotValue(value=got.value, display=got.display)
            if (
                slot.extractor_type() == "datetime"
                and getattr(slot.extractor, "part", "") == "time"
            ):
                task.period = None
        if any(self._slot(n).extractor_type() == "datetime" for n in out.filled + out.changed):
            out.period = None  # the period came with a time, or with the date only (내일 저녁)
        return out

    def _next(
        self, task: TaskState, ctx: TurnContext, event: TaskEvent, updates: _Updates
    ) -> Answer:
        """Ask the next missing slot, or confirm, or run the action."""
        self._fill_defaults(task, ctx)
        missing = self._missing(task)
        task.failures = 0
        prefix = ""
        if updates.changed:
            names = ", ".join(attach_particle(n, "을/를") for n in updates.changed)
            prefix = f"{names} 바꿨어요. "
        if updates.errors:
            name, message = next(iter(updates.errors.items()))
            prefix += message + " "
            task.asking, task.confirming = name, False
            return self._answer(
                prefix + self._question(task, name),
                task,
                task,
                event,
                f"slot {name!r} refused: {message}",
            )
        if missing:
            name = missing[0].name
            task.asking, task.confirming = name, False
            return self._answer(
                prefix + self._question(task, name), task, task, event, f"asking for {name!r}"
            )
        if self.config.confirm is not None:
            task.asking, task.confirming = None, True
            return self._answer(
                prefix + self._confirmation(task),
                task,
                task,
                event,
                "all slots filled: confirming",
            )
        return self._run(task, ctx)

    def _fill_defaults(self, task: TaskState, ctx: TurnContext) -> None:
        for slot in self._missing(task):
            if slot.default is None:
                continue
            got = slot.extractor.extract(slot.default, ExtractContext(now=ctx.now, asked=True))
            if got is not None:
                task.slots[slot.name] = SlotValue(
                    value=got.value, display=got.display, default=True
                )

    def _run(self, task: TaskState, ctx: TurnContext) -> Answer:
        runner = ctx.run_action or run_action
        result = (
            runner(self.config.action, self.name, task.values(), task_key(task))
            if self.config.action is not None
            else ActionResult(True)
        )
        # The failure's reason stays in the log (it may hold internals); the route, the stored
        # session and the reply get its error id.
        action = ActionRoute(
            type=self.config.action.type if self.config.action is not None else None,
            ok=result.ok,
            reason="" if result.ok else f"error {result.error_id}",
            result=result.values,
            replayed=result.replayed,
            error_id=None if result.ok else result.error_id,
        )
        if not result.ok:
            task.confirming, task.asking = True, None
            answer = self._answer(
                self.config.failed
                + f" (오류 번호 {result.error_id}) 다시 시도하려면 '네', 그만두려면 '취소'라고 "
                "말씀해 주세요.",
                task,
                task,
                "action_failed",
                f"action failed (error {result.error_id})",
            )
            answer.action = action
            return answer
        text = result.text or render(self.config.done, {**task.displays(), **result.values})
        answer = self._answer(text, None, task, "done", "action completed")
        answer.action = action
        return answer

    # -- helpers --------------------------------------------------------------------------
    def _answer(
        self, text: str, next_task: TaskState | None, seen: TaskState, event: TaskEvent, reason: str
    ) -> Answer:
        """An answer that leaves ``next_task`` in the state; the route shows ``seen`` (the task
        as this turn left it, also when it ended)."""
        progress = TaskRoute(
            event=event,
            slots=seen.values(),
            missing=[s.name for s in self._missing(seen)],
            asking=seen.asking,
            confirming=seen.confirming,
            failures=seen.failures,
        )
        return Answer(text=text, task=next_task, reason=reason, progress=progress)

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

    def _missing(self, task: TaskState) -> list[SlotConfig]:
        return [s for s in self.config.slots if s.required and s.name not in task.slots]

    def _mentioned_slot(self, message: str) -> str | None:
        if not mentions_change(message) and len(message.strip()) > 8:
            return None
        return next((s.name for s in self.config.slots if s.name in message), None)

    def _question(self, task: TaskState, name: str) -> str:
        slot = self._slot(name)
        if task.failures < self.config.max_failures:
            if task.period and name == self._time_slot():
                return f"{task.period} 몇 시로 할까요?"  # 내일 저녁 -> "저녁 몇 시로 할까요?"
            return slot.prompt
        choices = slot.choices()
        if choices:
            listed = ", ".join(choices)
            return f"{slot.prompt} {listed} 중에서 골라 주세요. 그만두시려면 '취소'라고 해 주세요."
        example = f" 예를 들면 '{slot.example}'처럼요." if slot.example else ""
        return f"{slot.prompt}{example} 그만두시려면 '취소'라고 해 주세요."

    def _confirmation(self, task: TaskState) -> str:
        assert self.config.confirm is not None
        return render(self.config.confirm, task.displays())


def task_key(task: TaskState) -> str:
    """The idempotency key of the task's action: its id, or for a task started before tasks had
    ids, a digest of what it would do (the same state gives the same key; the slots are hashed
    as such states stored them, without the fields added since).

    >>> task_key(TaskState(handler="book_table", id="3f2a9c", slots={}, asking=None,
    ...                    confirming=True, failures=0))
    'book_table:3f2a9c'
    """
    ident = task.id
    if not ident:
        slots = {k: v.model_dump(exclude_defaults=True) for k, v in task.slots.items()}
        canonical = json.dumps(slots, ensure_ascii=True, sort_keys=True)
        ident = "slots-" + hashlib.sha256(canonical.encode()).hexdigest()[:16]
    return f"{task.handler}:{ident[:64]}"
