"""Running the app under uvicorn: in the foreground (``kodial serve``) or in a background
thread on a loopback port (``kodial demo --check``, the tests and the benchmark)."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn

from kodial.errors import KodialError


def free_port(host: str = "127.0.0.1", preferred: int | None = None) -> int:
    """``preferred`` if it can be bound on ``host``, else a free port chosen by the OS."""
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            bound: int = s.getsockname()[1]
            return bound
    raise KodialError(f"no free port on {host}")


def uvicorn_config(app: Any, host: str, port: int, log_level: str = "info") -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        timeout_graceful_shutdown=5,
        lifespan="on",
    )


class ServerThread:
    """uvicorn in a daemon thread; ``with ServerThread(app) as url: ...``.

    Signals stay with the main thread (uvicorn only installs handlers there).
    """

    def __init__(
        self, app: Any, host: str = "127.0.0.1", port: int = 0, log_level: str = "warning"
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.server = uvicorn.Server(uvicorn_config(app, host, self.port, log_level))
        self.thread = threading.Thread(target=self.server.run, name="kodial-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 60.0) -> str:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive():
                raise KodialError("the server stopped during start-up (see the log above)")
            if time.monotonic() > deadline:
                raise KodialError(f"the server did not start within {timeout:.0f} s")
            time.sleep(0.02)
        return self.url

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
