"""Running the app under uvicorn: in the foreground (``kodial serve``) or in a background
thread on a loopback port (``kodial demo --check``, the tests and the benchmark).

The connection limits come from the app's :class:`~kodial.serve.settings.ServeSettings`: a
deadline for reading each request (:class:`DeadlineH11Protocol`), the keep-alive timeout, the
most connections at once (more get 503) and the largest request head.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from kodial.errors import KodialError
from kodial.serve.settings import ServeSettings


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


class ServerConfig(uvicorn.Config):
    """uvicorn's config plus the request read deadline (read by the protocol)."""

    def __init__(self, app: Any, *, request_read_timeout: float, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.request_read_timeout = request_read_timeout


_TIMEOUT_BODY = json.dumps(
    {
        "error": {
            "message": "request not received in time: the connection is closed",
            "type": "invalid_request_error",
            "param": None,
            "code": "request_timeout",
        }
    }
).encode()
_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
    b"content-length: " + str(len(_TIMEOUT_BODY)).encode() + b"\r\nconnection: close\r\n\r\n"
) + _TIMEOUT_BODY


class DeadlineH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for reading each request.

    uvicorn times out idle keep-alive connections only: a client that opens a connection and
    sends nothing, half a request head, or a head and then a body that never comes would hold
    its connection (and a slot of ``limit_concurrency``) for ever. Here the deadline starts
    when a connection opens or the next request's first bytes arrive, and stops once the whole
    request is read; past it the client gets 408 and the connection is closed.
    """

    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY):
            self._arm()  # a request is on its way (IDLE: its head is not complete yet)
        else:
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        timeout = getattr(self.config, "request_read_timeout", None)
        if self._deadline is None and timeout:
            self._deadline = self.loop.call_later(timeout, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        started = self.cycle is not None and self.cycle.response_started
        if not started:
            self.transport.write(_TIMEOUT_RESPONSE)
        self.transport.close()


def uvicorn_config(
    app: Any,
    host: str,
    port: int,
    log_level: str = "info",
    settings: ServeSettings | None = None,
    **more: Any,
) -> uvicorn.Config:
    """The uvicorn config of ``app`` (an app, or an import string with ``factory=True`` and
    ``workers=N`` in ``more``); limits from ``settings`` (default: the app's own)."""
    if settings is None:
        settings = getattr(getattr(app, "state", None), "settings", None) or ServeSettings()
    return ServerConfig(
        app,
        request_read_timeout=settings.request_read_timeout_s,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        timeout_graceful_shutdown=5,
        lifespan="on",
        http=DeadlineH11Protocol,
        timeout_keep_alive=settings.keep_alive_timeout_s,
        limit_concurrency=settings.max_connections,
        h11_max_incomplete_event_size=settings.max_header_bytes,
        **more,
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
