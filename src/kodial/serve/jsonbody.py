"""Strict JSON request bodies: what the API routes parse instead of Starlette's ``json.loads``.

A body must be UTF-8 JSON (RFC 8259: no ``NaN``/``Infinity``), nested at most
``max_json_depth`` levels, with no lone surrogate (``"\\ud800"``) in any string or key: such a
string is not text, and would fail later, deep inside the classifier, the signer or the
database driver, as a 500. Each problem is a 400 ``invalid_request_error`` that says where it
is, raised while the body is parsed, before any route code runs.

>>> parse_json(b'{"a": [1, "x"]}', max_depth=4)
{'a': [1, 'x']}
>>> try:
...     parse_json(b'{"a": ["\\\\ud800"]}', max_depth=4)
... except BadJson as exc:
...     print(exc.detail)
request body: a.0: lone surrogate \\ud800 at character 0 is not text (send UTF-8 text; encode binary data)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

SURROGATE = re.compile("[\ud800-\udfff]")
DEFAULT_MAX_DEPTH = 32


class BadJson(StarletteHTTPException):
    """A 400 for a body that is not acceptable JSON; ``code`` is the API error code."""

    def __init__(self, message: str, code: str = "invalid_json") -> None:
        super().__init__(400, message)
        self.code = code


def _no_constant(name: str) -> Any:
    raise BadJson(f"request body is not valid JSON: {name} is not a JSON number")


def parse_json(raw: bytes, max_depth: int = DEFAULT_MAX_DEPTH) -> Any:
    """The JSON value of ``raw``, checked as the module docstring says."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadJson(
            f"request body is not UTF-8: byte {exc.start} (0x{raw[exc.start]:02x}) is invalid"
        ) from None
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise BadJson(f"request body nests arrays/objects deeper than {max_depth} levels") from None
    _check(value, max_depth)
    return value


def _check(value: Any, max_depth: int) -> None:
    """Depth and lone surrogates, walked without recursion (the input is untrusted)."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            _text(item, path)
        elif isinstance(item, dict | list):
            if len(path) >= max_depth:
                raise BadJson(
                    f"request body nests arrays/objects deeper than {max_depth} levels "
                    f"(at {_where(path)})"
                )
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, sub in pairs:
                if isinstance(key, str):
                    _text(key, (*path, "(a key)"))
                stack.append((sub, (*path, str(key))))


def _where(path: tuple[str, ...]) -> str:
    """A dotted path for messages: keys shortened, the whole capped (it echoes user input)."""
    shown = ".".join(SURROGATE.sub("?", p)[:40] for p in path) or "the top level"
    return shown if len(shown) <= 120 else "..." + shown[-117:]


def _text(s: str, path: tuple[str, ...]) -> None:
    m = SURROGATE.search(s)
    if m is not None:
        raise BadJson(
            f"request body: {_where(path)}: lone surrogate \\u{ord(m.group()):04x} at "
            f"character {m.start()} is not text (send UTF-8 text; encode binary data)",
            code="invalid_text",
        )


class StrictJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            settings = getattr(self.app.state, "settings", None)
            depth = getattr(settings, "max_json_depth", DEFAULT_MAX_DEPTH)
            self._json = parse_json(await self.body(), depth)
        return self._json


class StrictJsonRoute(APIRoute):
    """An API route whose JSON body is parsed by :func:`parse_json` (FastAPI passes the
    :class:`BadJson` it raises on to the app's error handler)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return strict
