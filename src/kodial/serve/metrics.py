"""Prometheus metrics, served at ``GET /metrics`` (text exposition format).

What is counted (every name starts with ``kodial_``):

- ``turns_total{channel, handler, type, stream}``: completed turns (stored or session-less), by
  the channel they came from (``api``, ``kakao``), the assistant's handler and its type. The
  fallback rate is ``sum(kodial_turns_total{type="fallback"}) / sum(kodial_turns_total)``.
- ``turn_seconds{channel, type}``: request to last piece; ``turn_first_text_seconds{channel,
  type}``: request to the first piece of text (TTFT; an LM's batching wait is inside it).
- ``tokens_total{kind}``: prompt and completion tokens (kodial's count, see
  :mod:`kodial.serve.usage`).
- ``queue_wait_seconds{queue}``: how long turns waited for their session's turn lock
  (``session``) before they could start.
- ``errors_total{code}``: API errors answered (429, 503, 409 ...; a stream's error event
  too), by their ``code``; ``internal`` for unexpected ones.
- ``turns_abandoned_total``: streamed turns whose client left before the end (not stored).
- ``http_requests_total{method, route, status}`` and ``http_request_seconds{method, route}``:
  every request, by route template (``/v1/sessions/{session_id}``, never the id itself).

**Several workers** (``kodial serve --workers N``): each worker process counts in its own
files under ``PROMETHEUS_MULTIPROC_DIR`` (set up by ``kodial serve`` before the workers start)
and ``/metrics``, whichever worker answers, adds them all up (prometheus-client's multiprocess
mode). The variable must be set before this module is first imported.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

REGISTRY = CollectorRegistry(auto_describe=True)
"""This process's metrics (one process); in multiprocess mode the files are read instead."""

_LATENCY = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

TURNS = Counter(
    "kodial_turns",
    "Completed turns by channel, handler and handler type",
    ["channel", "handler", "type", "stream"],
    registry=REGISTRY,
)
TURN_SECONDS = Histogram(
    "kodial_turn_seconds",
    "Seconds from the turn's start to its last piece",
    ["channel", "type"],
    buckets=_LATENCY,
    registry=REGISTRY,
)
FIRST_TEXT_SECONDS = Histogram(
    "kodial_turn_first_text_seconds",
    "Seconds from the turn's start to its first piece of text (TTFT)",
    ["channel", "type"],
    buckets=_LATENCY,
    registry=REGISTRY,
)
TOKENS = Counter(
    "kodial_tokens", "Tokens of completed turns (prompt, completion)", ["kind"], registry=REGISTRY
)
QUEUE_WAIT = Histogram(
    "kodial_queue_wait_seconds",
    "Seconds turns waited before they could start (session: the session's turn lock)",
    ["queue"],
    buckets=(0.001, 0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)
ERRORS = Counter("kodial_errors", "API errors answered, by code", ["code"], registry=REGISTRY)
ABANDONED = Counter(
    "kodial_turns_abandoned", "Streamed turns whose client left before the end", registry=REGISTRY
)
HTTP_REQUESTS = Counter(
    "kodial_http_requests",
    "HTTP requests by method, route template and status",
    ["method", "route", "status"],
    registry=REGISTRY,
)
HTTP_SECONDS = Histogram(
    "kodial_http_request_seconds",
    "Seconds to the end of the response, by method and route template",
    ["method", "route"],
    buckets=_LATENCY,
    registry=REGISTRY,
)


def exposition() -> tuple[bytes, str]:
    """The metrics page and its content type: this process's metrics, or every worker's when
    ``PROMETHEUS_MULTIPROC_DIR`` is set."""
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
