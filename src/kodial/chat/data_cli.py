"""Command-line group (being built; see the owning package)."""

import typer

app = typer.Typer(no_args_is_help=True, help="(being built)")


@app.callback()
def _group() -> None:
    """(being built)"""
