"""Task actions run at most once: the :class:`~kodial.assistant.actions.ActionRunner` the
service hands the engine for every turn.

An action's idempotency key is its task's key (:func:`kodial.assistant.task.task_key`: the
task's random id, kept in the dialogue state) within a scope: the session for session turns,
the caller's API key id for session-less turns (whose states the server signed, so a client
cannot forge a task id). Before the action is called the key is claimed in the session store
(``action_runs``):

- nobody had it: the action runs; a success is stored with the key, a failure gives the claim
  back (so "네" after "죄송해요, 지금은 처리할 수 없어요" tries again);
- it already succeeded (a replayed state, a retried or concurrent request): the stored outcome
  is the answer and the action is not called again;
- another request is running it right now: :class:`~kodial.serve.store.ActionBusy`, which the
  service answers with 409 and ``Retry-After`` (nothing is stored for that request);
- a claim older than ``action_lock_s`` whose process died mid-call is taken over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kodial.assistant.actions import ActionResult, CallableAction, WebhookAction
from kodial.serve.store import SessionStore


@dataclass
class OnceRunner:
    """Runs each action key at most once (successfully) through ``store``."""

    store: SessionStore
    scope: str
    """``session:<id>`` or ``caller:<key id>``."""
    session_id: str | None
    stale_after_s: float
    expires_at: datetime | None = None
    """When a session-less claim may be forgotten (its states have expired by then)."""

    def __call__(
        self, action: CallableAction | WebhookAction, task: str, slots: dict[str, Any], key: str
    ) -> ActionResult:
        full = f"{self.scope}:{key}"[:200]
        done = self.store.claim_action(full, self.session_id, self.stale_after_s, self.expires_at)
        if done is not None:
            return ActionResult.from_json(done)
        try:
            result = action.run(task, slots, key=full)
        except BaseException:
            self.store.release_action(full)
            raise
        if result.ok:
            self.store.finish_action(full, result.to_json())
        else:
            self.store.release_action(full)
        return result
