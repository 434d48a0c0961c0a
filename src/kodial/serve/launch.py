"""Starting the service: settings from command-line options, the checks that must pass before
the models load, the server in the foreground (one process, or ``--workers N`` processes on one
port), a new API key, and the demo's scripted check conversation. The command line (:mod:`kodial.serve.cli`) parses options and prints; what it
does is here, where tests and other programs call it too.
"""

from __future__ import annotations

import json
import logging
import logging.config
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr, ValidationError

from kodial.assistant.config import bundled_config
from kodial.cpus import split_threads
from kodial.errors import KodialError
from kodial.serve.settings import ServeSettings

if TYPE_CHECKING:
    from fastapi import FastAPI

    from kodial.assistant.route import Route
    from kodial.serve.runtime import AssistantLike

log = logging.getLogger("kodial.serve")

WORKER_SETTINGS_ENV = "KODIAL_WORKER_SETTINGS"
"""How ``kodial serve --workers N`` hands its settings (command-line options included) to the
worker processes it starts: JSON in the environment they inherit."""

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
    from kodial.serve.runtime import check_replicas, connect_redis

    check_replicas(settings)
    if settings.redis_url:
        connect_redis(settings.redis_url).close()
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


def check_config(settings: ServeSettings) -> None:
    """Validate the assistant YAML without loading its models (errors name file, line, key)."""
    from kodial.assistant.config import load_config

    load_config(config_path(settings))


def run_server(settings: ServeSettings, assistant: AssistantLike) -> None:
    """Serve ``assistant`` under uvicorn in the foreground until interrupted."""
    import uvicorn

    from kodial.serve.app import create_app
    from kodial.serve.logs import log_config
    from kodial.serve.runner import uvicorn_config

    logs = log_config(settings.log_format, settings.log_level)
    logging.config.dictConfig(logs)
    app = create_app(settings, assistant)
    config = uvicorn_config(
        app, settings.host, settings.port, settings.log_level, settings, log_config=logs
    )
    uvicorn.Server(config).run()


def run_workers(settings: ServeSettings) -> None:
    """Serve with ``settings.workers`` processes sharing the port (uvicorn's supervisor restarts
    a worker that dies). What the workers must agree on is settled here, before they start:

    - the key that signs session-less states (a random one for this run unless
      ``state_secret`` is set), so a state from one worker verifies on the others;
    - ``PROMETHEUS_MULTIPROC_DIR`` (a fresh temporary directory unless set), where each worker
      writes its metrics and from which any worker's ``/metrics`` adds them up;
    - ``OMP_NUM_THREADS`` (unless a thread variable is set): each worker's share of the CPUs for
      torch, BLAS and Kiwi (:func:`kodial.cpus.split_threads`), so the workers' thread pools do
      not fight for the cores.

    Rate limits and the session turn order are shared only through ``redis_url``; without it
    each worker keeps its own (logged as a warning)."""
    from uvicorn.supervisors import Multiprocess

    from kodial.serve.logs import log_config
    from kodial.serve.metrics import MULTIPROC_ENV
    from kodial.serve.runner import uvicorn_config

    logs = log_config(settings.log_format, settings.log_level)
    logging.config.dictConfig(logs)
    if settings.state_secret is None:
        settings = settings.model_copy(update={"state_secret": SecretStr(secrets.token_hex(32))})
        log.info(
            "workers sign states with a key made for this run: set KODIAL_STATE_SECRET to keep "
            "them valid across restarts"
        )
    if not settings.redis_url:
        log.warning(
            "%d workers without redis_url: each worker keeps its own rate limits and session "
            "turn order (a turn may get 409 while another worker answers its session)",
            settings.workers,
        )
    made_dir = None
    if not os.environ.get(MULTIPROC_ENV):
        made_dir = tempfile.mkdtemp(prefix="kodial-metrics-")
        os.environ[MULTIPROC_ENV] = made_dir
    os.environ[WORKER_SETTINGS_ENV] = _settings_json(settings)
    threads = split_threads(settings.workers)
    os.environ.update(threads)
    try:
        config = uvicorn_config(
            "kodial.serve.launch:worker_app",
            settings.host,
            settings.port,
            settings.log_level,
            settings,
            factory=True,
            workers=settings.workers,
            log_config=logs,
            # uvicorn kills a worker that does not answer its supervisor's ping within 5 s; a
            # worker loading its models on a busy machine can take longer (seen on 2 cores:
            # killed, restarted, killed again), so the supervisor waits up to a minute
            timeout_worker_healthcheck=60,
        )
        sock = config.bind_socket()
        Multiprocess(config, sockets=[sock]).run()
    finally:
        os.environ.pop(WORKER_SETTINGS_ENV, None)
        for name in threads:
            os.environ.pop(name, None)
        if made_dir is not None:
            shutil.rmtree(made_dir, ignore_errors=True)


def worker_app() -> FastAPI:
    """The app of one ``--workers`` process: the settings its parent handed down, the assistant
    loaded in the app's lifespan."""
    from kodial.serve.app import create_app

    raw = os.environ.get(WORKER_SETTINGS_ENV)
    if not raw:
        raise KodialError(f"{WORKER_SETTINGS_ENV} is not set: start workers with kodial serve")
    return create_app(ServeSettings(_env_file=None, **json.loads(raw)))  # type: ignore[call-arg]


def _settings_json(settings: ServeSettings) -> str:
    """The settings as JSON with their secrets in clear (only the workers read it)."""
    values = settings.model_dump(mode="json")
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            values[name] = value.get_secret_value()
    return json.dumps(values)


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
