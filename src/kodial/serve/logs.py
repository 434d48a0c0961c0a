"""Log lines with the request they belong to: request ids, and text or JSON output.

**Request ids.** :class:`RequestIds` gives every HTTP request an id: the client's
``X-Request-ID`` when it sends a usable one (1-128 characters of letters, digits and ``._:-``,
as proxies and load balancers make them), else a new random one. The id is answered in the
response's ``X-Request-ID`` header and is on every log line written while the request is
served (a context variable, carried into the worker threads that run turns).

**Formats** (``--log-format``): ``text``, one readable line, or ``json``, one object per line
(``time``, ``level``, ``logger``, ``pid``, ``message``, ``request_id``, plus the structured fields a
line
carries, e.g. a turn's handler, sizes and milliseconds; a line with an ``event`` name, such as
``turn``, has that name as its message) for log collectors. uvicorn's own lines
go through the same formatter.

>>> rec = logging.LogRecord("kodial.serve", logging.INFO, "", 0, "turn", None, None)
>>> rec.fields = {"handler": "faq", "ms": 3.0}
>>> json.loads(JsonFormatter().format(rec))["handler"]
'faq'
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID: ContextVar[str | None] = ContextVar("kodial_request_id", default=None)
"""The id of the request being served (None outside a request)."""

_USABLE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id_from(value: str | None) -> str:
    """The client's id if usable, else a new one (an unusable one is not echoed: it could
    carry line breaks or markup into logs and dashboards).

    >>> request_id_from("lb-1234"), len(request_id_from("bad id\\n"))
    ('lb-1234', 32)
    """
    if value and _USABLE_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIds:
    """ASGI middleware: sets :data:`REQUEST_ID` for the request and answers the id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = dict(scope.get("headers", ())).get(b"x-request-id")
        rid = request_id_from(raw.decode("latin-1") if raw else None)
        scope.setdefault("state", {})["request_id"] = rid
        token = REQUEST_ID.set(rid)

        async def with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"x-request-id"]
                message = {**message, "headers": [*headers, (b"x-request-id", rid.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, with_id)
        finally:
            REQUEST_ID.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (``record.request_id``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get()
        return True


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields = getattr(record, "fields", None)
    return fields if isinstance(fields, dict) else {}


class JsonFormatter(logging.Formatter):
    """One JSON object per line; see the module docstring."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process,  # which worker, under --workers
            # a line with an event name and fields says its text once, as the fields
            "message": getattr(record, "event", None) or record.getMessage(),
            "request_id": getattr(record, "request_id", None) or REQUEST_ID.get(),
        }
        for key, value in _fields(record).items():
            out.setdefault(key, value)
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``time level logger: message {fields} [request id]``."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = {} if hasattr(record, "event") else _fields(record)  # an event's text has them
        if fields:
            line += " " + json.dumps(fields, ensure_ascii=False, default=str)
        rid = getattr(record, "request_id", None) or REQUEST_ID.get()
        return f"{line} [{rid}]" if rid else line


FORMATTERS: dict[str, type[logging.Formatter]] = {"text": TextFormatter, "json": JsonFormatter}
"""``--log-format`` -> formatter class."""


def log_config(log_format: str, level: str) -> dict[str, Any]:
    """A :func:`logging.config.dictConfig` for kodial and uvicorn (also given to uvicorn, which
    applies it in each worker process)."""
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "kodial",
        "filters": ["request_id"],
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"kodial": {"()": FORMATTERS[log_format]}},
        "handlers": {"default": handler},
        "root": {"handlers": ["default"], "level": level.upper()},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True, "level": level.upper()},
            "uvicorn.error": {"handlers": [], "propagate": True, "level": level.upper()},
            "uvicorn.access": {"handlers": [], "propagate": True, "level": "WARNING"},
        },
    }
