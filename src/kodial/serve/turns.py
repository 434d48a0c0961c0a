"""One chat turn from request to stored session: the path both the streaming and the
non-streaming endpoint take.

1. :func:`prepare` checks the request (model, message length, ``max_tokens``), waits for the
   session's turn lock (:mod:`kodial.serve.turnlock`: one turn at a time per session, across
   replicas with Redis; a bounded wait, then 409), loads the session's state and history, or takes them from the request when there is no session; either
   history is cut by the one history rule (:func:`kodial.assistant.history.recent_exchanges`:
   whole exchanges, ``history_turns``, then ``history_chars``). A session-less state must carry
   a valid signature (issued to this caller, not expired) and has not been used before: its
   nonce is spent here, before anything runs, so a replayed state gets 400 and never reaches an
   action.
2. :func:`run` asks the assistant for the turn and yields :class:`Piece` objects: text safe to
   send (never half a character, see :mod:`kodial.serve.streaming`), cut at ``max_tokens``, then
   one final piece after the turn has been stored.
3. The turn is stored (user message + reply + route + new state, one transaction) only after
   the reply is complete, and the session's lock is given back. If the client goes away or the
   process dies before that, the session is as it was before the turn. A task action that ran meanwhile is recorded by its
   idempotency key (:mod:`kodial.serve.ledger`), so resending the message replays its outcome
   instead of calling it again.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from kodial.assistant.history import Exchange, exchanges_from_messages, recent_exchanges
from kodial.assistant.route import Route
from kodial.assistant.state import DialogueState
from kodial.serve import metrics
from kodial.serve.errors import ApiError, session_busy, store_unavailable
from kodial.serve.ledger import OnceRunner
from kodial.serve.runtime import Services
from kodial.serve.schemas import ChatCompletionRequest, KodialMeta, Usage
from kodial.serve.security import StateRefused
from kodial.serve.settings import ServeSettings
from kodial.serve.store import Access, ActionBusy, SessionGone, TurnConflict
from kodial.serve.streaming import safe_chunks
from kodial.serve.turnlock import Lease, TurnBusy
from kodial.serve.usage import count_tokens, truncate_tokens

log = logging.getLogger("kodial.serve")


@dataclass
class PreparedTurn:
    completion_id: str
    created: int
    model: str
    message: str
    max_tokens: int
    history: list[Exchange] = field(default_factory=list)
    """Earlier exchanges the assistant sees (after the history rule)."""
    state: DialogueState | None = None
    session_id: str | None = None
    expected_count: int = 0
    caller: str = ""
    runner: OnceRunner | None = None
    """Runs the turn's task action at most once (see :mod:`kodial.serve.ledger`)."""
    channel: str = "api"
    """Where the turn came from (``api``, ``kakao``): a metrics label."""
    lease: Lease | None = None
    """The session's turn lock, held from before the state was read until the turn is stored
    or given up (:meth:`release`)."""
    started: float = field(default_factory=time.perf_counter)

    def release(self) -> None:
        """Give the session's turn lock back (idempotent)."""
        if self.lease is not None:
            self.lease.release()


@dataclass
class Piece:
    """Text to send, or (``final=True``) the end of the turn with its metadata."""

    text: str = ""
    final: bool = False
    finish_reason: str = "stop"
    usage: Usage | None = None
    meta: KodialMeta | None = None
    reply: str = ""
    error: ApiError | None = None


def require_model(services: Services, model: str) -> None:
    """404 ``model_not_found`` unless ``model`` names the assistant this server serves."""
    name = services.assistant.name
    if model != name:
        raise ApiError(
            404,
            f"model {model!r} does not exist; this server serves {name!r}",
            code="model_not_found",
            param="model",
        )


def check_message_limits(settings: ServeSettings, req: ChatCompletionRequest) -> None:
    """400 for a request with more messages than ``max_messages`` or a message longer than
    ``max_message_chars`` (the assistant path and the tools path alike)."""
    s = settings
    if len(req.messages) > s.max_messages:
        raise ApiError(
            400,
            f"too many messages: {len(req.messages)}, at most {s.max_messages}",
            param="messages",
        )
    for i, m in enumerate(req.messages):
        if len(m.text()) > s.max_message_chars:
            raise ApiError(
                400,
                f"message {i} is too long: {len(m.text())} characters, at most "
                f"{s.max_message_chars}",
                code="message_too_long",
                param=f"messages.{i}.content",
            )


def requested_max_tokens(settings: ServeSettings, req: ChatCompletionRequest) -> int:
    """The reply budget the request asks for (``max_completion_tokens``, ``max_tokens``, else the
    server's); 400 above the server's ``max_tokens``."""
    wanted = req.max_completion_tokens or req.max_tokens or settings.max_tokens
    if wanted > settings.max_tokens:
        raise ApiError(
            400,
            f"max_tokens is {wanted}, the limit is {settings.max_tokens} (tokens = non-space "
            "characters)",
            code="max_tokens_too_large",
            param="max_tokens",
        )
    return wanted


def _utc_naive(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC).replace(tzinfo=None)


def prepare(
    services: Services,
    caller: str,
    req: ChatCompletionRequest,
    access: Access,
    channel: str = "api",
) -> PreparedTurn:
    """Validate ``req`` and gather what the assistant needs; raises :class:`ApiError`.
    ``access`` says how the caller reaches sessions (key, or the session's token). A turn on
    a session comes back holding the session's turn lock: :func:`run` gives it back, and so
    must the caller if it never runs the turn (:meth:`PreparedTurn.release`)."""
    s = services.settings
    require_model(services, req.model)
    if req.kodial is not None:
        raise ApiError(
            400,
            "kodial is a response field: send the response's kodial.state and "
            "kodial.state_signature back as the request's top-level state and state_signature",
            code="invalid_state",
            param="kodial",
        )
    check_message_limits(s, req)
    last = req.messages[-1]
    message = last.text().strip()
    if last.role != "user" or not message:
        raise ApiError(
            400,
            "the last message must be a non-empty user message",
            param="messages",
        )
    wanted = requested_max_tokens(s, req)
    turn = PreparedTurn(
        completion_id="chatcmpl-" + uuid.uuid4().hex[:24],
        created=int(time.time()),
        model=req.model,
        message=message,
        max_tokens=wanted,
        caller=caller,
        channel=channel,
    )
    store = services.store
    if req.session_id is not None:
        session = store.get(req.session_id, access)
        if session is None:
            hint = ""
            if access.by_token and not access.token:
                hint = (
                    " (this server has no API keys: send the session_token that POST "
                    "/v1/sessions returned, as session_token or the X-Kodial-Session-Token header)"
                )
            raise ApiError(
                404,
                f"session {req.session_id!r} not found{hint}",
                code="session_not_found",
                param="session_id",
            )
        turn.lease = _wait_for_turn(services, session.id)
        try:
            # read again under the lock: the state as the previous turn left it
            session = store.get(session.id, access)
            if session is None:
                raise ApiError(
                    404, f"session {req.session_id!r} not found", code="session_not_found"
                )
            stored = [
                Exchange(t.user, t.assistant)
                for t in store.recent_turns(session.id, s.history_turns)
            ]
            turn.history = recent_exchanges(stored, s.history_turns, s.history_chars)
            turn.state = session.state
            turn.session_id = session.id
            turn.expected_count = session.turn_count
            turn.runner = OnceRunner(store, f"session:{session.id}", session.id, s.action_lock_s)
            # A locked store is a 503 now, before a reply is streamed that could not be stored.
            store.ping()
        except BaseException:
            turn.release()
            raise
        return turn
    earlier = exchanges_from_messages(
        {"role": m.role, "content": m.text()} for m in req.messages[:-1]
    )
    turn.history = recent_exchanges(earlier, s.history_turns, s.history_chars)
    if req.state is None and req.state_signature is not None:
        raise ApiError(
            400,
            "state_signature was sent without the state it signs",
            code="invalid_state",
            param="state",
        )
    # Tasks of session-less clients are scoped by caller; their ids come from signed states.
    turn.runner = OnceRunner(
        store,
        f"caller:{caller}",
        None,
        s.action_lock_s,
        expires_at=_utc_naive(time.time() + s.state_ttl_s + s.action_lock_s),
    )
    if req.state is None:
        return turn
    try:
        ticket = services.signer.verify(
            req.state.model_dump(mode="json"), req.state_signature, caller
        )
    except StateRefused as exc:
        raise ApiError(400, exc.message, code="invalid_state", param="state") from None
    # Spent last, once everything else about the request is known to be fine: a request
    # refused for another reason leaves the state usable.
    if not store.spend_state(ticket.nonce, _utc_naive(ticket.expires)):
        raise ApiError(
            400,
            f"this state (after turn {ticket.turn}) was already used: each state is good for "
            "one request; continue from the kodial.state of the latest response",
            code="state_replayed",
            param="state",
        )
    turn.state = req.state
    return turn


def _wait_for_turn(services: Services, session_id: str) -> Lease:
    """The session's turn lock, after at most ``session_wait_s``; 409 after that."""
    t0 = time.perf_counter()
    try:
        lease = services.turn_locks.acquire(session_id, services.settings.session_wait_s)
    except TurnBusy as exc:
        metrics.QUEUE_WAIT.labels("session").observe(time.perf_counter() - t0)
        raise session_busy(exc) from None
    metrics.QUEUE_WAIT.labels("session").observe(time.perf_counter() - t0)
    return lease


def run(services: Services, turn: PreparedTurn, paced: bool) -> Generator[Piece, None, None]:
    """Run the turn; see the module docstring. ``paced`` applies the settings' typing effect
    (streaming only). The session's turn lock is given back however the turn ends."""
    try:
        yield from _run(services, turn, paced)
    finally:
        turn.release()


def _run(services: Services, turn: PreparedTurn, paced: bool) -> Generator[Piece, None, None]:
    s = services.settings
    t0 = turn.started
    first_text: float | None = None
    try:
        result = services.assistant.turn(
            turn.message, turn.state, turn.history, run_action=turn.runner
        )
    except ActionBusy:
        raise ApiError(
            409,
            "this task's action is being run by another request on the same conversation; "
            "retry in a few seconds",
            code="action_in_progress",
            headers={"Retry-After": "2"},
        ) from None
    except (OperationalError, PoolTimeout) as exc:
        raise store_unavailable(exc) from None
    used = 0
    parts: list[str] = []
    finish = "stop"
    delay = s.stream_delay_ms / 1000.0 if paced else 0.0
    chunk_chars = s.stream_chunk_chars if paced else 0
    try:
        for text in safe_chunks(result.chunks, chunk_chars):
            budget = turn.max_tokens - used
            text, cut = truncate_tokens(text, budget)
            used += count_tokens(text)
            if text:
                parts.append(text)
                if first_text is None:
                    first_text = time.perf_counter() - t0
                yield Piece(text=text)
                if delay:
                    time.sleep(delay)
            if cut:
                finish = "length"
                break
    except GeneratorExit:
        # The client went away before the reply was complete: the turn is not stored, and from
        # here on it cannot be (operators see abandoned turns; the fault test waits for this).
        log.info(
            "turn %s abandoned by the client after %d tokens: not stored",
            turn.completion_id,
            used,
        )
        metrics.ABANDONED.inc()
        raise
    reply = "".join(parts)
    route, state = result.route, result.state
    prompt = count_tokens(turn.message) + sum(
        count_tokens(e.user) + count_tokens(e.assistant) for e in turn.history
    )
    usage = Usage(prompt_tokens=prompt, completion_tokens=used, total_tokens=prompt + used)
    seq = None
    if turn.session_id is not None:
        try:
            stored = services.store.append_turn(
                turn.session_id,
                turn.expected_count,
                turn.message,
                reply,
                route,
                state,
                finish_reason=finish,
                prompt_tokens=prompt,
                completion_tokens=used,
            )
        except SessionGone:
            yield Piece(
                final=True,
                error=ApiError(
                    404,
                    f"session {turn.session_id!r} was deleted during this turn",
                    code="session_not_found",
                ),
            )
            return
        except TurnConflict:
            yield Piece(
                final=True,
                error=ApiError(
                    409,
                    "another turn on this session finished first; resend the message",
                    code="session_conflict",
                ),
            )
            return
        except (OperationalError, PoolTimeout) as exc:
            yield Piece(final=True, error=store_unavailable(exc))
            return
        seq = stored.seq
        turn.release()  # stored: the session's next turn may start now
    seconds = time.perf_counter() - t0
    _log_turn(services, turn, route, reply, seconds, seq)
    _count_turn(turn, route, seconds, first_text, usage, paced)
    meta = KodialMeta(
        session_id=turn.session_id,
        turn=seq,
        route=route,
        state=state,
        # Only session-less clients hold their state; a session's stays on the server (signing
        # it would let a copy of it run as a second, session-less conversation).
        state_signature=services.signer.sign(state.model_dump(mode="json"), turn.caller)
        if turn.session_id is None
        else None,
    )
    yield Piece(final=True, finish_reason=finish, usage=usage, meta=meta, reply=reply)


def _count_turn(
    turn: PreparedTurn,
    route: Route,
    seconds: float,
    first_text: float | None,
    usage: Usage,
    stream: bool,
) -> None:
    metrics.TURNS.labels(turn.channel, route.handler, route.type, str(stream).lower()).inc()
    metrics.TURN_SECONDS.labels(turn.channel, route.type).observe(seconds)
    if first_text is not None:
        metrics.FIRST_TEXT_SECONDS.labels(turn.channel, route.type).observe(first_text)
    metrics.TOKENS.labels("prompt").inc(usage.prompt_tokens)
    metrics.TOKENS.labels("completion").inc(usage.completion_tokens)


def _log_turn(
    services: Services,
    turn: PreparedTurn,
    route: Route,
    reply: str,
    seconds: float,
    seq: int | None,
) -> None:
    fields: dict[str, Any] = {
        "caller": turn.caller,
        "session": turn.session_id,
        "turn": seq,
        "handler": route.handler,
        "intent": route.intent,
        "message_chars": len(turn.message),
        "reply_chars": len(reply),
        "ms": round(seconds * 1000, 1),
    }
    if services.settings.log_message_text:
        fields["message"] = turn.message
        fields["reply"] = reply
    log.info(
        "turn %s", json.dumps(fields, ensure_ascii=False), extra={"event": "turn", "fields": fields}
    )
