"""Request and response bodies. They are the API's documentation: ``/docs`` and
``/openapi.json`` are generated from these classes.

The chat schemas follow OpenAI's Chat Completions API, so existing clients work unchanged;
kodial additions are optional fields (``session_id``, ``state`` in requests; ``kodial`` in
responses) that OpenAI clients pass through (``extra_body=...``) and otherwise ignore.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool
from pydantic.json_schema import SkipJsonSchema

from kodial.assistant.interface import Description
from kodial.assistant.route import Route
from kodial.assistant.state import DialogueState
from kodial.assistant.understanding import Classification


class ErrorBody(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorResponse(BaseModel):
    """Every error, in OpenAI's shape. Never carries a stack trace or configuration."""

    error: ErrorBody


# -- chat --------------------------------------------------------------------------------------
class TextPart(BaseModel):
    type: Literal["text"]
    text: str


class FunctionCall(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str
    arguments: str
    """The arguments as a JSON string (as OpenAI sends them)."""


class ToolCall(BaseModel):
    """A call the assistant makes (``message.tool_calls``), or made in an earlier turn."""

    model_config = ConfigDict(extra="ignore")

    id: str
    type: Literal["function"] = "function"
    function: FunctionCall


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[TextPart] | None = None
    tool_calls: list[ToolCall] | None = None
    """Assistant messages: the calls it made (tool turns)."""
    tool_call_id: str | None = None
    """Tool messages: the call this is the result of."""
    name: str | None = None

    def text(self) -> str:
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "".join(p.text for p in self.content)

    def as_openai(self) -> dict[str, Any]:
        """The message as a plain OpenAI dict (content as text), for the tool engine."""
        out: dict[str, Any] = {"role": self.role, "content": self.text()}
        if self.tool_calls:
            out["tool_calls"] = [c.model_dump() for c in self.tool_calls]
        for key in ("tool_call_id", "name"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


class StreamOptions(BaseModel):
    include_usage: StrictBool = False
    """Send a last chunk with ``usage`` and no choices (OpenAI behaviour)."""


class ChatCompletionRequest(BaseModel):
    """An OpenAI chat request. Sampling options the assistant does not use (``temperature``,
    ``top_p`` ...) are accepted and ignored, so OpenAI clients can send their defaults."""

    model_config = ConfigDict(extra="ignore")

    model: str = Field(description="The assistant's name, as listed by GET /v1/models.")
    messages: list[ChatMessage] = Field(
        min_length=1,
        description="With session_id: just the new user message (earlier messages are "
        "ignored; the server keeps the history). Without: the whole conversation, ending "
        "with the new user message.",
    )
    stream: StrictBool = False
    temperature: float | None = Field(
        default=None, ge=0, le=2, description="Accepted (0 to 2, as OpenAI) and not used."
    )
    top_p: float | None = Field(
        default=None, ge=0, le=1, description="Accepted (0 to 1, as OpenAI) and not used."
    )
    stream_options: StreamOptions | None = None
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    n: int = Field(default=1, ge=1, le=1, description="Only 1 is supported.")
    session_id: str | None = Field(
        default=None, description="kodial: continue this server-side session (POST /v1/sessions)."
    )
    session_token: str | None = Field(
        default=None,
        description="kodial: the session's token from POST /v1/sessions (or send it as the "
        "X-Kodial-Session-Token header). Needed with session_id when the server has no API "
        "keys; without it another client's session is 404.",
    )
    state: DialogueState | None = Field(
        default=None,
        description="kodial: dialogue state from the previous response's kodial.state, for "
        "clients without a session that keep the state themselves. Ignored with session_id.",
    )
    state_signature: str | None = Field(
        default=None,
        description="kodial: the previous response's kodial.state_signature; required with "
        "state. A changed, unsigned, expired, already used or other key's state is refused "
        "with 400: each state is good for one request.",
    )
    tools: list[dict[str, Any]] | None = Field(
        default=None,
        description="OpenAI function tools (JSON schemas). With tools (and tool_choice not "
        '"none") the turn calls a tool, asks for its missing required arguments, answers '
        "from a tool result or declines; messages must hold the whole conversation (no "
        "session_id or state).",
    )
    tool_choice: Literal["auto", "none", "required"] | dict[str, Any] | None = Field(
        default=None,
        description='"auto" (default), "none" (the assistant answers as without tools), '
        '"required", or {"type": "function", "function": {"name": ...}}.',
    )
    parallel_tool_calls: StrictBool | None = Field(
        default=None, description="Accepted and not used: at most one call per turn."
    )
    kodial: SkipJsonSchema[Any] = None
    """Not accepted: ``kodial`` is a response field. A request carrying one gets 400 saying to
    send ``state`` and ``state_signature`` at the top level (it is not silently ignored)."""


class KodialMeta(BaseModel):
    """Why the assistant answered as it did."""

    session_id: str | None = None
    turn: int | None = Field(default=None, description="The turn's number in the session.")
    route: Route = Field(
        description="Handler chosen, intent, classifier scores and thresholds, slot state."
    )
    state: DialogueState = Field(description="Dialogue state after this turn.")
    tools: dict[str, Any] | None = Field(
        default=None,
        description="Tool turns: the decision (kind: call, ask, answer or decline), the tool "
        "scores and threshold, the arguments filled (value, source, words) and missing, and why.",
    )
    state_signature: str | None = Field(
        default=None,
        description="Signature to send back with state (session-less clients; null with a "
        "session, whose state stays on the server). Bound to the API key, the turn and an "
        "expiry (KODIAL_STATE_TTL_S); good for one request.",
    )


class Usage(BaseModel):
    """Token counts by the rule of kodial.serve.usage: one per non-whitespace character."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str | None
    """None when the assistant calls a tool."""
    tool_calls: list[ToolCall] | None = None


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop", "length", "tool_calls"]
    logprobs: None = None


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    kodial: KodialMeta


class FunctionCallDelta(BaseModel):
    name: str | None = None
    arguments: str | None = None


class ToolCallDelta(BaseModel):
    """A piece of a streamed tool call: its id, type and name first, then its arguments."""

    index: int = 0
    id: str | None = None
    type: Literal["function"] | None = None
    function: FunctionCallDelta | None = None


class Delta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None
    tool_calls: list[ToolCallDelta] | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: Literal["stop", "length", "tool_calls"] | None = None
    logprobs: None = None


class ChatCompletionChunk(BaseModel):
    """One SSE event of a streamed answer (``data: <chunk>``); the stream ends with
    ``data: [DONE]``. The chunk with ``finish_reason`` also carries ``kodial``."""

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    usage: Usage | None = None
    kodial: KodialMeta | None = None


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "kodial"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class AssistantInfo(BaseModel):
    name: str
    auth_required: bool = Field(description="Whether /v1 calls need an API key.")
    details: Description = Field(
        description="The assistant's own description: persona, handlers, intents, example requests."
    )


# -- sessions ----------------------------------------------------------------------------------
class SessionCreate(BaseModel):
    title: str = Field(default="", max_length=200)


class TurnOut(BaseModel):
    seq: int
    user: str
    assistant: str
    route: Route
    finish_reason: str
    usage: Usage
    created_at: datetime


class SessionOut(BaseModel):
    id: str
    object: Literal["session"] = "session"
    title: str
    turn_count: int
    state: DialogueState
    created_at: datetime
    updated_at: datetime


class SessionCreated(SessionOut):
    session_token: str = Field(
        description="The session's secret, shown only here: send it with every request about "
        "the session (X-Kodial-Session-Token header, or session_token in a chat request). "
        "Without API keys it is what makes the session yours; with keys the key suffices."
    )


class SessionDetail(SessionOut):
    turns: list[TurnOut] = Field(description="Every turn, in order, with its route log.")


class SessionList(BaseModel):
    object: Literal["list"] = "list"
    data: list[SessionOut]
    total: int


class Deleted(BaseModel):
    id: str
    deleted: bool = True


# -- classify ----------------------------------------------------------------------------------
class ClassifyRequest(BaseModel):
    """Texts to classify with the assistant's own labels (its intents). ``labels`` (choosing
    candidate labels, as ``kodial classify predict --labels`` does) is not supported here and
    is refused with 400 rather than ignored."""

    input: str | list[str] = Field(description="One text or a batch of texts.")
    model: str | None = Field(
        default=None,
        description="Optional: the assistant's name (GET /v1/models); another name gets 404.",
    )
    top_k: int | None = Field(default=None, ge=1, description="Keep only the best k labels.")
    labels: Any = Field(
        default=None,
        description="Not supported: the ranking always covers the assistant's own labels.",
    )


class ClassifyResult(Classification):
    """The assistant's understanding of one input text (the engine's
    :class:`~kodial.assistant.understanding.Classification`, every field of it)."""

    index: int = Field(description="Position of the text in the request's input.")


class ClassifyResponse(BaseModel):
    object: Literal["list"] = "list"
    model: str
    data: list[ClassifyResult]


# -- health ------------------------------------------------------------------------------------
class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    status: Literal["ready", "not_ready"]
    assistant: str | None = None
    database: bool
    redis: bool | None = None
    """Whether the Redis replicas share answers; None when the server uses none."""
