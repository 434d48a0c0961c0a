"""Typer options shared by ``kodial serve`` and ``kodial studio`` (both start the same server)."""

from __future__ import annotations

from typing import Annotated

import typer

HostOpt = Annotated[
    str | None,
    typer.Option(
        help="Interface to listen on. Any other than a loopback one needs API keys (or "
        "insecure_no_auth). Default 127.0.0.1."
    ),
]
PortOpt = Annotated[int | None, typer.Option(help="TCP port (0 picks a free one). Default 8000.")]
