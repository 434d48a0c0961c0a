"""What a task does once its slots are filled and confirmed: a Python callable or an HTTP webhook.

Both receive the same payload, ``{"task": name, "slots": {slot: value}}`` (JSON values as stored
in the dialogue state), and return an :class:`ActionResult`. A callable returns a dict (its keys
fill the task's ``done`` template) or a string (the reply itself); a webhook answers JSON the
same way. Failures never raise out of a turn: an exception, a timeout, an HTTP error or a
non-JSON body becomes ``ok=False`` with a ``reason`` that the route records, and the task
answers politely instead.

Actions register in :data:`ACTIONS` (``type`` in YAML -> config class).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import httpx
from pydantic import Field, field_validator

from kodial.assistant.slots import StrictModel
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
    """Why it failed (for the route; never shown to the user)."""


def _result_from(value: Any) -> ActionResult:
    if isinstance(value, str):
        return ActionResult(True, text=value)
    if isinstance(value, dict):
        reply = value.get("reply")
        return ActionResult(True, dict(value), reply if isinstance(reply, str) else None)
    if value is None:
        return ActionResult(True)
    return ActionResult(False, reason=f"action returned {type(value).__name__}, not a dict or str")


class CallableAction(StrictModel):
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

    def run(self, task: str, slots: dict[str, Any]) -> ActionResult:
        try:
            return _result_from(self.resolve()(task=task, slots=dict(slots)))
        except KodialError as exc:
            return ActionResult(False, reason=exc.message)
        except Exception as exc:
            return ActionResult(False, reason=f"{type(exc).__name__}: {exc}")


class WebhookAction(StrictModel):
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

    def run(self, task: str, slots: dict[str, Any]) -> ActionResult:
        try:
            resp = httpx.post(
                self.url,
                json={"task": task, "slots": slots},
                headers=self.headers,
                timeout=self.timeout,
            )
        except httpx.TimeoutException:
            return ActionResult(False, reason=f"webhook timed out after {self.timeout:g}s")
        except httpx.HTTPError as exc:
            return ActionResult(False, reason=f"webhook unreachable: {type(exc).__name__}")
        if not resp.is_success:
            return ActionResult(False, reason=f"webhook answered HTTP {resp.status_code}")
        try:
            body = resp.json()
        except ValueError:
            return ActionResult(False, reason="webhook answered a body that is not JSON")
        return _result_from(body)


Action = Annotated[CallableAction | WebhookAction, Field(discriminator="type")]
"""Any action config; ``type`` chooses the class."""

ACTIONS: dict[str, type[StrictModel]] = {"callable": CallableAction, "webhook": WebhookAction}
"""Registry of task actions: ``type`` in YAML -> class. A test keeps it in sync with :data:`Action`."""
