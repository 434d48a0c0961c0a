"""Service settings, read from ``KODIAL_*`` environment variables or a ``.env`` file.

One :class:`ServeSettings` object is built at start-up and handed to
:func:`kodial.serve.app.create_app`; nothing reads the environment after that, so tests build
several apps with different settings side by side.

>>> ServeSettings(port=9000).port
9000
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///kodial-sessions.db"
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
LOG_FORMATS = ("text", "json")
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")
"""Host header values that always mean this machine (the allowed hosts of a loopback server)."""


def is_loopback(host: str) -> bool:
    """True for an interface only this machine can reach (``127.0.0.1``, ``::1``, ``localhost``).

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class ServeSettings(BaseSettings):
    """Everything ``kodial serve`` can be told. Each field's docstring is its help text."""

    model_config = SettingsConfigDict(
        env_prefix="KODIAL_", env_file=".env", extra="ignore", use_attribute_docstrings=True
    )

    config: Path | None = None
    """Assistant YAML to serve (default: the bundled example assistant)."""
    host: str = "127.0.0.1"
    """Interface to listen on. Any other than a loopback one needs API keys (or
    ``insecure_no_auth``)."""
    port: int = Field(default=8000, ge=0, le=65535)
    """TCP port (0 picks a free one)."""
    database_url: str = DEFAULT_DATABASE_URL
    """SQLAlchemy URL of the session store. SQLite files are opened in WAL mode.
    ``postgresql://user:password@host/db`` is shared by replicas."""
    database_pool_size: int = Field(default=10, ge=1, le=200)
    """PostgreSQL: connections each worker keeps open (as many more are opened under load)."""
    workers: int = Field(default=1, ge=1, le=64)
    """Worker processes serving the port (``--workers``); each loads its own assistant. With
    more than one, the rate limits and the session turn order are per process unless
    ``redis_url`` is set."""
    redis_url: str | None = None
    """Redis shared by all replicas (``redis://host:6379/0``): rate limits count across them
    and a session's turns run one at a time whichever replica gets them. Needs
    ``state_secret``, so that every replica signs states with the same key. Unset: both are
    kept in this process (one replica)."""
    session_wait_s: float = Field(default=30.0, ge=0, le=600)
    """A turn on a session that is still answering another turn waits this long for it to
    finish, then gets 409 with Retry-After."""
    session_lock_lease_s: float = Field(default=10.0, ge=0.5, le=600)
    """With Redis: how long a session's turn lock outlives a replica that died holding it (the
    lease is renewed while the turn runs)."""

    api_keys_file: Path | None = None
    """File of hashed API keys (per line: ``sha256:`` and 64 hex digits, then an optional
    name), written by ``kodial serve --create-key``. A keys file that holds no key is an error, never an open API.
    With no keys configured at all, the API is open, which is allowed on a loopback host only
    (see ``insecure_no_auth``)."""
    api_key_hashes: list[str] = Field(default_factory=list)
    """Hashed API keys given directly (``sha256:<hex>``), e.g. as a JSON list in the environment."""

    insecure_no_auth: bool = False
    """Allow serving a non-loopback host without API keys (``--insecure-no-auth``): anyone who
    can reach the port can then use the API. Off: such a start is refused."""

    state_secret: SecretStr | None = None
    """Key that signs the ``kodial.state`` handed to session-less clients
    (``KODIAL_STATE_SECRET``); a state that comes back changed or unsigned is refused. Unset: a
    random key per process, so such states do not survive a restart (sessions always do)."""
    state_ttl_s: int = Field(default=3600, ge=1)
    """Seconds a signed ``kodial.state`` stays usable; an older one is refused with 400."""
    action_lock_s: float = Field(default=120.0, gt=0)
    """Seconds an unfinished task action (one whose process died mid-call) blocks another try
    of the same action; longer than any action's timeout."""

    rate_limit_per_minute: float = Field(default=120.0, ge=0)
    """Sustained requests per minute allowed per API key (per client address without keys);
    0 disables rate limiting."""
    rate_limit_burst: int = Field(default=30, ge=1)
    """Requests a key may make at once before the per-minute rate applies (bucket size)."""

    max_body_bytes: int = Field(default=65_536, ge=1)
    """Largest accepted request body; bigger requests get 413."""
    max_json_depth: int = Field(default=32, ge=2, le=200)
    """Deepest nesting of arrays and objects accepted in a JSON body; deeper ones get 400."""
    request_read_timeout_s: float = Field(default=15.0, gt=0)
    """Seconds a client has to send a whole request (headers and body); a stalled upload gets
    408 and its connection is closed."""
    keep_alive_timeout_s: int = Field(default=20, ge=1)
    """Seconds an idle keep-alive connection stays open between requests. Longer than common
    clients keep idle connections (httpx and the ``openai`` client 5 s, aiohttp 15 s): a client
    that reuses a connection just as the server closes it gets a connection error instead of
    an answer. Idle connections count against ``max_connections``."""
    max_connections: int = Field(default=200, ge=1)
    """Most connections served at once; more get 503 (uvicorn's ``limit_concurrency``)."""
    max_header_bytes: int = Field(default=16_384, ge=1024)
    """Largest accepted request head (request line and headers)."""
    allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    """Host header values the server answers (DNS-rebinding protection), comma-separated in
    ``KODIAL_ALLOWED_HOSTS``; ``*`` allows any. Empty: the loopback names (localhost,
    127.0.0.1, [::1]) when serving a loopback host, any host otherwise."""
    database_busy_timeout_s: float = Field(default=2.0, gt=0, le=60)
    """Seconds a request waits for the session store's write lock (another process writing)
    before it gets 503 with Retry-After."""
    max_message_chars: int = Field(default=2_000, ge=1)
    """Longest accepted user message, in characters; longer ones get 400."""
    max_messages: int = Field(default=64, ge=1)
    """Most messages accepted in one chat request."""
    max_tokens: int = Field(default=512, ge=1)
    """Largest ``max_tokens`` a request may ask for, and the reply length used when it asks for
    none (tokens counted as in :mod:`kodial.serve.usage`)."""
    max_batch: int = Field(default=64, ge=1)
    """Most texts accepted by one ``/v1/classify`` request."""

    history_turns: int = Field(default=8, ge=0)
    """History rule: at most this many previous turns (user + assistant pairs) go to the model."""
    history_chars: int = Field(default=2_000, ge=0)
    """History rule: after the turn limit, the oldest turns are dropped until the history holds
    at most this many characters."""

    stream_chunk_chars: int = Field(default=0, ge=0)
    """Re-split streamed replies into pieces of at most this many characters (grapheme clusters),
    for a typing effect; 0 streams pieces as the assistant produces them."""
    stream_delay_ms: float = Field(default=0.0, ge=0)
    """Pause between streamed pieces, in milliseconds (typing effect for demos; 0 = none)."""

    cors_origins: list[str] = Field(default_factory=list)
    """Browser origins allowed to call the API from other sites (empty: same origin only)."""
    log_message_text: bool = False
    """Write user messages and replies to the log (off: only sizes, routes and timings)."""
    log_level: str = "info"
    """Log level of the service and of uvicorn: critical, error, warning, info or debug."""
    log_format: str = "text"
    """Log lines as ``text`` or ``json`` (one object per line: time, level, logger, message,
    request_id and the turn's fields), for log collectors."""

    kakao_secret: SecretStr | None = None
    """Enables the KakaoTalk channel: the secret that Kakao i Open Builder's skill URL carries
    (``/channels/kakao/<secret>``, or the ``X-Kodial-Channel-Secret`` header). Kakao sends no
    API key, so this is the skill server's password; at least 16 characters."""
    kakao_reply_s: float = Field(default=3.5, ge=0, le=4.5)
    """KakaoTalk: seconds to answer a skill request directly (Kakao waits 5 s); a slower reply
    goes to the request's ``callbackUrl`` (AI chatbot callback), or is given up without one."""
    kakao_callback_hosts: list[str] = Field(default_factory=lambda: ["kakao.com"])
    """KakaoTalk: hosts (and their subdomains) that a ``callbackUrl`` may point to, over
    https; a loopback host listed here is also reached over http (tests)."""

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: Any) -> Any:
        """``a.example,b.example`` or a JSON list, as the other list settings take."""
        if isinstance(value, str) and value.lstrip().startswith("["):
            return json.loads(value)
        if isinstance(value, str):
            return [h.strip() for h in value.split(",") if h.strip()]
        return value

    def effective_allowed_hosts(self) -> list[str] | None:
        """The Host names to answer, lower-case and without port; None means any."""
        hosts = [h.strip().lower() for h in self.allowed_hosts if h.strip()]
        if "*" in hosts:
            return None
        if hosts:
            return hosts
        return list(LOOPBACK_NAMES) if is_loopback(self.host) else None

    @field_validator("log_format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        fmt = value.strip().lower()
        if fmt not in LOG_FORMATS:
            raise ValueError(f"unknown log format {value!r}, expected text or json")
        return fmt

    @field_validator("kakao_secret")
    @classmethod
    def _long_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError(
                "must be at least 16 characters (a guessable secret opens the channel)"
            )
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis://, rediss:// or unix:// URL")
        return value or None

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().lower()
        if level not in LOG_LEVELS:
            raise ValueError(
                f"unknown log level {value!r}, expected one of {', '.join(LOG_LEVELS)}"
            )
        return level
