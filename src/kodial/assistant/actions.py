"""What a task does once its slots are filled and confirmed: a Python callable or an HTTP webhook.

Both receive the same payload, ``{"task": name, "slots": {slot: value}}`` (JSON values as stored
in the dialogue state), and return an :class:`ActionResult`. A callable returns a dict (its keys
fill the task's ``done`` template) or a string (the reply itself); a webhook answers JSON the
same way. Failures never raise out of a turn: an exception, a timeout, an HTTP error or a
non-JSON body becomes ``ok=False`` with an ``error_id``. What went wrong (an exception's text may
hold a database URL with its password) goes to the log only, under that id; the route, the
stored session and the reply carry the id alone, and the task answers politely.

**Once per task.** A task's action runs through an :class:`ActionRunner` with the task's
idempotency key (its id, kept in the dialogue state). The plain :func:`run_action` just calls
the action; the service's runner (:mod:`kodial.serve.ledger`) records each key in the session
store so that a replayed or concurrent request gets the stored outcome instead of a second
call. Webhooks receive the key as the ``Idempotency-Key`` header, so the receiving system can
drop duplicates too.

Actions register in :data:`ACTIONS` (``type`` in YAML -> config class).
"""

from __future__ import annotations

import importlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Protocol

import httpx
from pydantic import Field, field_validator

from kodial.config import FrozenConfig
from kodial.errors import KodialError


@dataclass
class ActionResult:
    """What an action answered."""

    ok: bool
    values: dict[str, Any] = field(default_factory=dict)
    """Fields for the ``done`` template (e.g. ``confirmation``)."""
    text: str | None = None
    """A reply given by the action itself, used instead of the template."""
    reason: str = ""
    """Why it failed, for the log only: it may hold internals (a URL with a password), so it
    never reaches the route, the session store or a reply."""
    error_id: str = ""
    """The failure's reference: shown to the user, logged next to the reason."""
    replayed: bool = False
    """The outcome of an earlier run of the same action, returned instead of a second call."""

    def to_json(self) -> dict[str, Any]:
        """What is stored of a successful run, for replays (never the failure reason)."""
        return {"ok": self.ok, "values": self.values, "text": self.text}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ActionResult:
        values = data.get("values")
        text = data.get("text")
        return cls(
            ok=bool(data.get("ok")),
            values=dict(values) if isinstance(values, dict) else {},
            text=text if isinstance(text, str) else None,
            replayed=True,
        )


log = logging.getLogger("kodial.assistant.actions")


def failure(action: str, task: str, reason: str, exc: BaseException | None = None) -> ActionResult:
    """A failed result with a fresh error id; the reason (and traceback) go to the log only."""
    error_id = secrets.token_hex(4)
    log.warning(
        "action %s of task %r failed (error %s): %s", action, task, error_id, reason, exc_info=exc
    )
    return ActionResult(False, reason=reason, error_id=error_id)


def _result_from(value: Any, action: str, task: str) -> ActionResult:
    if isinstance(value, str):
        return ActionResult(True, text=value)
    if isinstance(value, dict):
        reply = value.get("reply")
        return ActionResult(True, dict(value), reply if isinstance(reply, str) else None)
    if value is None:
        return ActionResult(True)
    return failure(action, task, f"action returned {type(value).__name__}, not a dict or str")


class CallableAction(FrozenConfig):
    """Call ``module:function`` with ``slots`` (dict) as keyword ``slots`` and ``task`` (name)."""

    type: Literal["callable"] = "callable"
    function: str
    """Import path ``package.module:function``."""

    @field_validator("function")
    @classmethod
    def _spec(cls, v: str) -> str:
        if v.count(":") != 1:
            raise ValueError("expected 'package.module:function'")
        return v

    def resolve(self) -> Callable[..., Any]:
        """Import the function (done once, when the assistant is built)."""
        module, name = self.function.split(":")
        try:
            fn = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError) as exc:
            raise KodialError(
                f"cannot import action {self.function!r}: {exc}",
                hint="check the module path and that the package is installed",
            ) from None
        if not callable(fn):
            raise KodialError(f"action {self.function!r} is not callable")
        return fn

    def run(self, task: str, slots: dict[str, Any], key: str | None = None) -> ActionResult:
        """Call the function (``key`` is for webhooks; a function gets ``task`` and
        ``slots``)."""
        try:
            return _result_from(self.resolve()(task=task, slots=dict(slots)), self.type, task)
        except KodialError as exc:
            return failure(self.type, task, exc.message)
        except Exception as exc:
            return failure(self.type, task, f"{type(exc).__name__}: {exc}", exc)


class WebhookAction(FrozenConfig):
    """POST ``{"task", "slots"}`` as JSON to ``url``; a 2xx JSON object or string answers."""

    type: Literal["webhook"] = "webhook"
    url: str
    """Endpoint to call (http or https)."""
    timeout: float = 5.0
    """Seconds to wait for the whole request."""
    headers: dict[str, str] = Field(default_factory=dict)
    """Extra request headers (e.g. an authorization token)."""

    @field_validator("url")
    @classmethod
    def _http(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("the webhook url must start with http:// or https://")
        return v

    def run(self, task: str, slots: dict[str, Any], key: str | None = None) -> ActionResult:
        """POST the task; ``key`` goes along as the ``Idempotency-Key`` header."""
        headers = dict(self.headers)
        if key is not None:
            headers["Idempotency-Key"] = key
        try:
            resp = httpx.post(
                self.url,
                json={"task": task, "slots": slots},
                headers=headers,
                timeout=self.timeout,
            )
        except httpx.TimeoutException:
            return failure(self.type, task, f"webhook timed out after {self.timeout:g}s")
        except httpx.HTTPError as exc:
            return failure(self.type, task, f"webhook unreachable: {type(exc).__name__}: {exc}")
        if not resp.is_success:
            return failure(self.type, task, f"webhook answered HTTP {resp.status_code}")
        try:
            body = resp.json()
        except ValueError:
            return failure(self.type, task, "webhook answered a body that is not JSON")
        return _result_from(body, self.type, task)


Action = Annotated[CallableAction | WebhookAction, Field(discriminator="type")]
"""Any action config; ``type`` chooses the class."""


class ActionRunner(Protocol):
    """Runs ``action`` for ``task`` with its idempotency ``key``; see the module docstring."""

    def __call__(
        self, action: CallableAction | WebhookAction, task: str, slots: dict[str, Any], key: str
    ) -> ActionResult: ...


def run_action(
    action: CallableAction | WebhookAction, task: str, slots: dict[str, Any], key: str
) -> ActionResult:
    """The plain :class:`ActionRunner`: call the action every time (no store to consult)."""
    return action.run(task, slots, key=key)


ACTIONS: dict[str, type[FrozenConfig]] = {"callable": CallableAction, "webhook": WebhookAction}
"""Registry of task actions: ``type`` in YAML -> class. A test keeps it in sync with :data:`Action`."""
