"""``kodial serve`` (an assistant behind the HTTP API) and ``kodial demo`` (the bundled
example assistant, served on 127.0.0.1 with its web chat page). Options are parsed and results
printed here; the work is :mod:`kodial.serve.launch` (imported when a command runs, so that
``kodial --help`` stays fast)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from kodial.serve.options import HostOpt, PortOpt

if TYPE_CHECKING:
    from kodial.serve.launch import DemoCheck

console = Console(highlight=False, soft_wrap=True)  # commands stay copy-pasteable

SETTING_OF_OPTION = {
    "config": "config",
    "host": "host",
    "port": "port",
    "db": "database_url",
    "keys_file": "api_keys_file",
    "insecure_no_auth": "insecure_no_auth",
    "allowed_host": "allowed_hosts",
    "cors_origin": "cors_origins",
    "log_level": "log_level",
    "log_format": "log_format",
    "workers": "workers",
    "redis_url": "redis_url",
}
"""``kodial serve`` option -> the :class:`~kodial.serve.settings.ServeSettings` field it sets.
Each option's help is that field's docstring (written out here rather than read from the model,
which would load pydantic for every ``kodial`` command); a test keeps the two the same."""


def serve(
    config: Annotated[
        Path | None,
        typer.Option(help="Assistant YAML to serve (default: the bundled example assistant)."),
    ] = None,
    host: HostOpt = None,
    port: PortOpt = None,
    db: Annotated[
        str | None,
        typer.Option(
            help="SQLAlchemy URL of the session store. SQLite files are opened in WAL mode. "
            "postgresql://user:password@host/db is shared by replicas. A file path means a "
            "SQLite file. Default kodial-sessions.db."
        ),
    ] = None,
    keys_file: Annotated[
        Path | None,
        typer.Option(
            help="File of hashed API keys (per line: sha256: and 64 hex digits, then an optional "
            "name), written by kodial serve --create-key. A keys file that holds no key is an "
            "error, never an open API. With no keys configured at all, the API is open, which is "
            "allowed on a loopback host only (see insecure_no_auth)."
        ),
    ] = None,
    insecure_no_auth: Annotated[
        bool,
        typer.Option(
            "--insecure-no-auth",
            help="Allow serving a non-loopback host without API keys (--insecure-no-auth): "
            "anyone who can reach the port can then use the API. Off: such a start is refused.",
        ),
    ] = False,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            help="Host header values the server answers (DNS-rebinding protection), "
            "comma-separated in KODIAL_ALLOWED_HOSTS; * allows any. Empty: the loopback names "
            "(localhost, 127.0.0.1, [::1]) when serving a loopback host, any host otherwise. "
            "Repeatable."
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
        typer.Option(
            help="Browser origins allowed to call the API from other sites (empty: same origin "
            "only). Repeatable."
        ),
    ] = None,
    log_level: Annotated[
        str | None,
        typer.Option(
            help="Log level of the service and of uvicorn: critical, error, warning, info or debug."
        ),
    ] = None,
    log_format: Annotated[
        str | None,
        typer.Option(
            help="Log lines as text or json (one object per line: time, level, logger, message, "
            "request_id and the turn's fields), for log collectors. Default text."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Worker processes serving the port (--workers); each loads its own assistant. "
            "With more than one, the rate limits and the session turn order are per process "
            "unless redis_url is set. Default 1."
        ),
    ] = None,
    redis_url: Annotated[
        str | None,
        typer.Option(
            help="Redis shared by all replicas (redis://host:6379/0): rate limits count across "
            "them and a session's turns run one at a time whichever replica gets them. Needs "
            "state_secret, so that every replica signs states with the same key. Unset: both "
            "are kept in this process (one replica)."
        ),
    ] = None,
) -> None:
    """Serve an assistant over HTTP: OpenAI-compatible chat, sessions, classification and a
    web chat page. Every setting can also be given as a KODIAL_* environment variable (or in
    .env), e.g. KODIAL_RATE_LIMIT_PER_MINUTE=60."""
    from kodial.serve import launch

    if create_key:
        key, target = launch.create_key(keys_file, key_name)
        console.print(
            f"new API key (shown once, only its hash is stored in {target}):", markup=False
        )
        console.print(key, markup=False)
        console.print(f"serve with: kodial serve --keys-file {target}", markup=False)
        return
    settings = launch.settings_from_options(
        config=config,
        host=host,
        port=port,
        database_url=launch.database_url(db),
        api_keys_file=keys_file,
        insecure_no_auth=insecure_no_auth or None,
        allowed_hosts=allowed_host or None,
        cors_origins=cors_origin or None,
        log_level=log_level,
        log_format=log_format,
        workers=workers,
        redis_url=redis_url,
    )
    launch.preflight(settings)
    if settings.workers > 1:
        # each worker loads its own assistant; here only the config is checked, up front
        launch.check_config(settings)
        launch.run_workers(settings)
        return
    with console.status(f"loading assistant from {launch.config_path(settings)} ..."):
        assistant = launch.load_assistant(settings)
    launch.run_server(settings, assistant)


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
    from kodial.serve import launch
    from kodial.serve.runner import free_port

    host = "127.0.0.1"
    settings = launch.settings_from_options(
        host=host,
        port=free_port(host, None if check else port),
        database_url=launch.database_url(db) or launch.database_url(str(launch.demo_database())),
        stream_chunk_chars=2,
        stream_delay_ms=15.0,
    )
    launch.preflight(settings)
    with console.status(f"loading assistant from {launch.config_path(settings)} ..."):
        assistant = launch.load_assistant(settings)
    if check:
        _print_check(launch.check_demo(settings, assistant))
        return
    _print_usage(f"http://{host}:{settings.port}", assistant.name)
    launch.run_server(settings, assistant)


def _print_check(check: DemoCheck) -> None:
    console.print(f"server {check.url}, session {check.session_id}", markup=False)
    for message, reply, route in check.turns:
        intent = f" · {escape(route.intent)}" if route.intent else ""
        console.print(f"[bold]user[/]      {escape(message)}", markup=True)
        console.print(
            f"[bold]assistant[/] {escape(reply)}  [dim]({route.handler}{intent})[/]", markup=True
        )
    console.print(f"[green]demo check passed:[/] {len(check.turns)} turns", markup=True)


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
