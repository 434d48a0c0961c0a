"""``kodial studio``: the assistant service with the studio console at ``/studio/``. Options
are parsed here; the work is :mod:`kodial.studio.app` and :mod:`kodial.serve.launch`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from kodial.serve.options import HostOpt, PortOpt

console = Console(highlight=False, soft_wrap=True)


def studio(
    workspace: Annotated[
        Path,
        typer.Option(
            help="Directory of the studio's work: the project's YAML files (project/), every "
            "saved version (history/), training runs, chat models and the deploy record."
        ),
    ] = Path("kodial-studio"),
    host: HostOpt = None,
    port: PortOpt = None,
    db: Annotated[
        str | None,
        typer.Option(
            help="Session store: a SQLAlchemy URL or a SQLite file path. Default: sessions.db in the workspace."
        ),
    ] = None,
    keys_file: Annotated[
        Path | None,
        typer.Option(
            help="File of hashed API keys (kodial serve --create-key). With keys, the studio, "
            "like the API, needs a key; every key can use the studio, which shows every "
            "conversation: give studio servers operators' keys."
        ),
    ] = None,
    insecure_no_auth: Annotated[
        bool,
        typer.Option(
            "--insecure-no-auth",
            help="Allow serving a non-loopback host without API keys: anyone who can reach the "
            "port can then edit and deploy the assistant. Off: such a start is refused.",
        ),
    ] = False,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(help="Host header values the server answers (see kodial serve). Repeatable."),
    ] = None,
    chat_base_model: Annotated[
        list[str] | None,
        typer.Option(
            help="A base model (local directory or hub id) offered in the chat models tab, "
            "besides the tiny test model. Repeatable."
        ),
    ] = None,
    log_level: Annotated[
        str | None,
        typer.Option(help="Log level: critical, error, warning, info or debug."),
    ] = None,
) -> None:
    """The assistant service with kodial studio, a Korean no-code console at /studio/: edit the
    assistant in forms (saved as the YAML kodial serve reads, every version kept), train and
    evaluate, try it, review real conversations and relabel them, deploy into the running
    server without dropping sessions, and train chat models for its small talk."""
    import logging

    import uvicorn
    from pydantic import ValidationError

    from kodial.errors import KodialError
    from kodial.serve import launch
    from kodial.serve.runner import free_port, uvicorn_config
    from kodial.studio.app import create_studio_app
    from kodial.studio.settings import StudioSettings

    given: dict[str, Any] = {
        "workspace": workspace,
        "host": host,
        "port": port,
        "database_url": launch.database_url(db)
        or launch.database_url(str(workspace / "sessions.db")),
        "api_keys_file": keys_file,
        "insecure_no_auth": insecure_no_auth or None,
        "allowed_hosts": allowed_host or None,
        "chat_base_models": chat_base_model or None,
        "log_level": log_level,
    }
    try:
        settings = StudioSettings(**{k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise KodialError(
            f"invalid setting {where}: {str(first.get('msg', 'invalid')).removeprefix('Value error, ')}",
            hint="check the command options and KODIAL_* environment variables",
        ) from None
    workspace.mkdir(parents=True, exist_ok=True)  # once the settings are known to be good
    launch.preflight(settings)
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    with console.status("loading the assistant ..."):
        app = create_studio_app(settings)
    port = settings.port or free_port(settings.host)  # 0: a free one, printed
    shown = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    console.print(f"kodial studio: http://{shown}:{port}/studio/", markup=False)
    console.print(f"web chat: http://{shown}:{port}/   API: http://{shown}:{port}/v1", markup=False)
    config = uvicorn_config(app, settings.host, port, settings.log_level, settings)
    uvicorn.Server(config).run()
