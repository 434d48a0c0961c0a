"""Starting the service: settings from command-line options, the checks that must pass before
the models load, the server in the foreground, a new API key, and the demo's scripted check
conversation. The command line (:mod:`kodial.serve.cli`) parses options and prints; what it
does is here, where tests and other programs call it too.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from kodial.assistant.config import bundled_config
from kodial.errors import KodialError
from kodial.serve.settings import ServeSettings

if TYPE_CHECKING:
    from kodial.assistant.route import Route
    from kodial.serve.runtime import AssistantLike

DEFAULT_KEYS_FILE = "kodial-keys.txt"
"""Where ``kodial serve --create-key`` writes without ``--keys-file`` or KODIAL_API_KEYS_FILE."""

DEMO_SCRIPT_FALLBACK = ["안녕하세요!", "무엇을 할 수 있어요?"]
"""The check conversation of an assistant whose YAML has no ``demo_script``."""


def settings_from_options(**options: Any) -> ServeSettings:
    """:class:`ServeSettings` from the given options (None: not given, so the environment or
    the default decides); an invalid value is a :class:`KodialError` naming the setting."""
    given = {k: v for k, v in options.items() if v is not None}
    try:
        return ServeSettings(**given)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        msg = str(first.get("msg", "invalid")).removeprefix("Value error, ")
        raise KodialError(
            f"invalid setting {where}: {msg}",
            hint="check the command options and KODIAL_* environment variables",
        ) from None


def database_url(db: str | None) -> str | None:
    """A SQLAlchemy URL as given, or a file path turned into a SQLite URL.

    >>> database_url("postgresql://db/kodial"), database_url(None)
    ('postgresql://db/kodial', None)
    """
    if db is None:
        return None
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def demo_database() -> Path:
    """The demo's session store, under the user's cache directory (created if missing)."""
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kodial"
    base.mkdir(parents=True, exist_ok=True)
    return base / "demo-sessions.db"


def config_path(settings: ServeSettings) -> Path:
    """The assistant YAML to serve; :class:`KodialError` when it does not exist."""
    path = settings.config or bundled_config()
    if not Path(path).is_file():
        raise KodialError(f"assistant config {path} not found", hint="pass --config FILE.yaml")
    return Path(path)


def preflight(settings: ServeSettings) -> None:
    """Check what the server would otherwise fail on inside uvicorn's start-up (with a
    traceback): the assistant YAML, the keys (a keys file without keys, an open API on a
    non-loopback host) and the session store. Cheap, so done before the models load."""
    from sqlalchemy.engine import make_url

    from kodial.serve.security import check_exposure, load_keys
    from kodial.serve.store import SessionStore

    config_path(settings)  # before the store: a failed start creates no database
    try:
        keys = load_keys(settings)
    except KodialError as exc:
        if exc.message.startswith("keys file"):
            raise
        raise KodialError(
            f"keys file {exc.message}",
            hint="create one with `kodial serve --create-key --keys-file FILE`"
            if "not found" in exc.message
            else exc.hint or "pass the keys file written by `kodial serve --create-key`",
        ) from None
    check_exposure(settings, keys)
    url = shown = settings.database_url
    try:
        shown = make_url(url).render_as_string(hide_password=True)
        store = SessionStore(url, settings.database_busy_timeout_s)
    except Exception as exc:  # any driver: a bad URL, a missing driver, no server, no file
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise KodialError(
            f"cannot open the session store {shown}: {reason[0] if reason else type(exc).__name__}",
            hint="pass --db with an existing directory's file path or a reachable database URL",
        ) from None
    store.close()


def load_assistant(settings: ServeSettings) -> AssistantLike:
    """The assistant of ``settings.config`` (default: the bundled example), models loaded."""
    from kodial.serve import runtime

    return runtime.load_assistant(config_path(settings))


def create_key(keys_file: Path | None, name: str = "") -> tuple[str, Path]:
    """A new API key, its hash appended to ``keys_file`` (default: KODIAL_API_KEYS_FILE or
    :data:`DEFAULT_KEYS_FILE`); returns the key (shown once) and the file."""
    from kodial.serve.security import add_key_to_file

    target = keys_file or Path(os.environ.get("KODIAL_API_KEYS_FILE", DEFAULT_KEYS_FILE))
    return add_key_to_file(target, name), target


def run_server(settings: ServeSettings, assistant: AssistantLike) -> None:
    """Serve ``assistant`` under uvicorn in the foreground until interrupted."""
    import uvicorn

    from kodial.serve.app import create_app
    from kodial.serve.runner import uvicorn_config

    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app = create_app(settings, assistant)
    config = uvicorn_config(app, settings.host, settings.port, settings.log_level, settings)
    uvicorn.Server(config).run()


@dataclass
class DemoCheck:
    """A scripted conversation held with a running server."""

    url: str
    session_id: str
    turns: list[tuple[str, str, Route]] = field(default_factory=list)
    """(user message, reply, route) of each turn."""


def check_demo(settings: ServeSettings, assistant: AssistantLike) -> DemoCheck:
    """Start the server in a background thread and hold the assistant's ``demo_script`` (or
    :data:`DEMO_SCRIPT_FALLBACK`) with it over HTTP, in a session; :class:`KodialError` on any
    failed, empty or unstored turn."""
    from kodial.serve.app import create_app
    from kodial.serve.runner import ServerThread

    script = assistant.describe().demo_script or DEMO_SCRIPT_FALLBACK
    with ServerThread(create_app(settings, assistant), settings.host, settings.port) as url:
        return _converse(url, assistant.name, script)


def _converse(url: str, model: str, script: list[str]) -> DemoCheck:
    import httpx

    from kodial.assistant.route import Route

    with httpx.Client(base_url=url, timeout=60) as http:
        ready = http.get("/readyz")
        if ready.status_code != 200:
            raise KodialError(f"server not ready: {ready.text}")
        created = http.post("/v1/sessions", json={"title": "demo --check"}).json()
        check = DemoCheck(url, created["id"])
        http.headers["X-Kodial-Session-Token"] = created["session_token"]
        for message in script:
            r = http.post(
                "/v1/chat/completions",
                json={
                    "model": model,
                    "session_id": check.session_id,
                    "messages": [{"role": "user", "content": message}],
                },
            )
            if r.status_code != 200:
                raise KodialError(f"turn {message!r} failed: {r.status_code} {r.text}")
            out = r.json()
            reply = out["choices"][0]["message"]["content"]
            if not reply.strip():
                raise KodialError(f"empty reply to {message!r}")
            check.turns.append((message, reply, Route.model_validate(out["kodial"]["route"])))
        turns = http.get(f"/v1/sessions/{check.session_id}").json()["turn_count"]
        if turns != len(script):
            raise KodialError(f"session holds {turns} turns, expected {len(script)}")
    return check
