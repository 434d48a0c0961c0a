"""`kodial serve` and `kodial demo` (being built)."""

from kodial.errors import KodialError


def serve() -> None:
    """Serve an assistant over HTTP (being built)."""
    raise KodialError("serve is being built")


def demo() -> None:
    """Run the offline demo assistant (being built)."""
    raise KodialError("demo is being built")
