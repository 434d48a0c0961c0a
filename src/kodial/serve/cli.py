"""``kodial serve`` (an assistant behind the HTTP API) and ``kodial demo`` (the bundled
example assistant, served on 127.0.0.1 with its web chat page)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from kodial.errors import KodialError

console = Console(highlight=False, soft_wrap=True)  # commands stay copy-pasteable


def _settings(**overrides: Any) -> Any:
    from pydantic import ValidationError

    from kodial.serve.settings import ServeSettings

    given = {k: v for k, v in overrides.items() if v is not None}
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


def _preflight(settings: Any) -> None:
    """Check what the server would otherwise fail on inside uvicorn's start-up (with a
    traceback): the keys (a keys file without keys, an open API on a non-loopback host) and
    the session store. Cheap, so done before the models load."""
    from kodial.serve.runtime import bundled_config
    from kodial.serve.security import check_exposure, load_keys
    from kodial.serve.store import SessionStore

    config = settings.config or bundled_config()
    if not Path(config).is_file():  # before the store: a failed start creates no database
        raise KodialError(f"assistant config {config} not found", hint="pass --config FILE.yaml")
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
    url = settings.database_url
    shown = url
    try:
        from sqlalchemy.engine import make_url

        shown = make_url(url).render_as_string(hide_password=True)
        store = SessionStore(url, settings.database_busy_timeout_s)
    except Exception as exc:  # any driver: a bad URL, a missing driver, no server, no file
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise KodialError(
            f"cannot open the session store {shown}: {reason[0] if reason else type(exc).__name__}",
            hint="pass --db with an existing directory's file path or a reachable database URL",
        ) from None
    store.close()


def _load(settings: Any) -> Any:
    from kodial.serve.runtime import bundled_config, load_assistant

    path = settings.config or bundled_config()
    if not Path(path).exists():
        raise KodialError(f"assistant config {path} not found", hint="pass --config FILE.yaml")
    with console.status(f"loading assistant from {path} ..."):
        return load_assistant(Path(path))


def _logging(level: str) -> None:
    import logging

    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def serve(
    config: Annotated[
        Path | None,
        typer.Option(help="Assistant YAML (default: the bundled example assistant)."),
    ] = None,
    host: Annotated[
        str | None, typer.Option(help="Interface to listen on (default 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="TCP port (default 8000).")] = None,
    db: Annotated[
        str | None,
        typer.Option(
            help="Session store: a SQLAlchemy URL or a SQLite file path "
            "(default sqlite:///kodial-sessions.db)."
        ),
    ] = None,
    keys_file: Annotated[
        Path | None,
        typer.Option(
            help="File of hashed API keys; the API needs a key when it has any. A file with no "
            "key is refused (it never means an open API)."
        ),
    ] = None,
    insecure_no_auth: Annotated[
        bool,
        typer.Option(
            "--insecure-no-auth",
            help="Allow a non-loopback --host without API keys: anyone who can reach the port "
            "can use the API. Without this, such a start is refused.",
        ),
    ] = False,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            help="Host header to answer (repeatable; '*' for any). Default: localhost and "
            "127.0.0.1 on a loopback --host, any otherwise."
        ),
    ] = None,
    create_key: Annotated[
        bool,
        typer.Option(
            "--create-key",
            help="Create an API key, store its hash in --keys-file, print the key once, exit.",
        ),
    ] = False,
    key_name: Annotated[str, typer.Option(help="A note stored next to a created key.")] = "",
    cors_origin: Annotated[
        list[str] | None,
        typer.Option(help="Browser origin allowed to call the API (repeatable)."),
    ] = None,
    log_level: Annotated[str | None, typer.Option(help="Log level (default info).")] = None,
) -> None:
    """Serve an assistant over HTTP: OpenAI-compatible chat, sessions, classification and a
    web chat page. Every option can also be set as a KODIAL_* environment variable (or in
    .env), e.g. KODIAL_RATE_LIMIT_PER_MINUTE=60."""
    if create_key:
        from kodial.serve.security import add_key_to_file

        target = keys_file or Path(os.environ.get("KODIAL_API_KEYS_FILE", "kodial-keys.txt"))
        key = add_key_to_file(target, key_name)
        console.print(
            f"new API key (shown once, only its hash is stored in {target}):", markup=False
        )
        console.print(key, markup=False)
        console.print(f"serve with: kodial serve --keys-file {target}", markup=False)
        return
    settings = _settings(
        config=config,
        host=host,
        port=port,
        database_url=_db_url(db),
        api_keys_file=keys_file,
        insecure_no_auth=insecure_no_auth or None,
        allowed_hosts=allowed_host or None,
        cors_origins=cors_origin or None,
        log_level=log_level,
    )
    _preflight(settings)
    _run(settings, _load(settings))


def demo(
    port: Annotated[
        int, typer.Option(help="Port to try first; a free one is used if it is taken.")
    ] = 8000,
    db: Annotated[
        str | None,
        typer.Option(help="Session store (default ~/.cache/kodial/demo-sessions.db)."),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Run one scripted conversation against the started server, print it, exit "
            "(a smoke test for CI).",
        ),
    ] = False,
) -> None:
    """Build the bundled example assistant (no download) and serve it on 127.0.0.1 with its
    web chat page; prints the URL, a curl example and an OpenAI-client snippet."""
    from kodial.serve.runner import free_port

    host = "127.0.0.1"
    settings = _settings(
        host=host,
        port=free_port(host, None if check else port),
        database_url=_db_url(db) or _db_url(str(_demo_db())),
        stream_chunk_chars=2,
        stream_delay_ms=15.0,
    )
    _preflight(settings)
    assistant = _load(settings)
    if check:
        _check(settings, assistant)
        return
    _print_usage(f"http://{host}:{settings.port}", assistant.name)
    _run(settings, assistant)


def _demo_db() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kodial"
    base.mkdir(parents=True, exist_ok=True)
    return base / "demo-sessions.db"


def _db_url(db: str | None) -> str | None:
    """A SQLAlchemy URL as given, or a file path turned into a SQLite URL."""
    if db is None:
        return None
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def _run(settings: Any, assistant: Any) -> None:
    import uvicorn

    from kodial.serve.app import create_app
    from kodial.serve.runner import uvicorn_config

    _logging(settings.log_level)
    app = create_app(settings, assistant)
    config = uvicorn_config(app, settings.host, settings.port, settings.log_level, settings)
    uvicorn.Server(config).run()


def _print_usage(url: str, model: str) -> None:
    body = json.dumps(
        {"model": model, "messages": [{"role": "user", "content": "안녕하세요!"}]},
        ensure_ascii=False,
    )
    console.print(f"\n[bold]web chat:[/] {url}/", markup=True)
    console.print(f"[bold]API docs:[/] {url}/docs\n", markup=True)
    console.print("[bold]curl:[/]", markup=True)
    console.print(
        f"curl -s {url}/v1/chat/completions -H 'Content-Type: application/json' \\\n"
        f"  -d '{body}'\n",
        markup=False,
    )
    console.print("[bold]OpenAI client:[/]", markup=True)
    console.print(
        "from openai import OpenAI\n"
        f'client = OpenAI(base_url="{url}/v1", api_key="unused")\n'
        'session = client.post("/sessions", body={}, cast_to=dict)\n'
        "reply = client.chat.completions.create(\n"
        f'    model="{model}", messages=[{{"role": "user", "content": "안녕하세요!"}}],\n'
        '    extra_body={"session_id": session["id"], '
        '"session_token": session["session_token"]},\n'
        ")\n"
        "print(reply.choices[0].message.content)\n",
        markup=False,
    )


DEMO_SCRIPT_FALLBACK = ["안녕하세요!", "무엇을 할 수 있어요?"]


def _check(settings: Any, assistant: Any) -> None:
    """One scripted conversation over HTTP against a server in a background thread."""
    from kodial.serve.app import create_app
    from kodial.serve.runner import ServerThread

    script = list(assistant.describe().get("demo_script") or []) or DEMO_SCRIPT_FALLBACK
    with ServerThread(create_app(settings, assistant), settings.host, settings.port) as url:
        _converse(url, assistant.name, script)
    console.print(f"[green]demo check passed:[/] {len(script)} turns", markup=True)


def _converse(url: str, model: str, script: list[str]) -> None:
    import httpx
    from rich.markup import escape

    with httpx.Client(base_url=url, timeout=60) as http:
        ready = http.get("/readyz")
        if ready.status_code != 200:
            raise KodialError(f"server not ready: {ready.text}")
        created = http.post("/v1/sessions", json={"title": "demo --check"}).json()
        sid = created["id"]
        http.headers["X-Kodial-Session-Token"] = created["session_token"]
        console.print(f"server {url}, session {sid}", markup=False)
        for message in script:
            r = http.post(
                "/v1/chat/completions",
                json={
                    "model": model,
                    "session_id": sid,
                    "messages": [{"role": "user", "content": message}],
                },
            )
            if r.status_code != 200:
                raise KodialError(f"turn {message!r} failed: {r.status_code} {r.text}")
            out = r.json()
            route = out["kodial"]["route"]
            reply = out["choices"][0]["message"]["content"]
            if not reply.strip():
                raise KodialError(f"empty reply to {message!r}")
            console.print(f"[bold]user[/]      {escape(message)}", markup=True)
            console.print(
                f"[bold]assistant[/] {escape(reply)}  [dim]({route.get('handler')}"
                f"{' · ' + escape(str(route['intent'])) if route.get('intent') else ''})[/]",
                markup=True,
            )
        turns = http.get(f"/v1/sessions/{sid}").json()["turn_count"]
        if turns != len(script):
            raise KodialError(f"session holds {turns} turns, expected {len(script)}")
