"""A local HTTP server for tests that stand in for someone else's service (an action webhook, a
chat-completions endpoint, Kakao's callback receiver)."""

from __future__ import annotations

import sys
from http.server import ThreadingHTTPServer
from typing import Any


class LocalHTTPServer(ThreadingHTTPServer):
    """``ThreadingHTTPServer`` that keeps quiet when a client leaves before its answer (kodial
    giving up on a slow service is what several tests check) and whose ``server_close`` waits
    for the requests still running. The default prints a ``BrokenPipeError`` traceback from its
    own thread, into whatever test the process runs next."""

    daemon_threads = False
    block_on_close = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)
