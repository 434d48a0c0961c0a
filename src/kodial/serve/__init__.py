"""The assistant service: one loaded :class:`~kodial.assistant.engine.Assistant` behind an
OpenAI-compatible HTTP API, with server-side sessions and a web chat page.

Layout (one concept per module):

- ``settings.py``: :class:`ServeSettings`, every option, from ``KODIAL_*`` env / ``.env``.
- ``app.py``: :func:`create_app` (lifespan loads models once; body limit, Host check, CORS,
  errors).
- ``runtime.py``: what a running service holds (assistant, store, keys, rate limiter).
- ``deps.py``: ``Annotated`` dependency aliases (services, settings, caller identity).
- ``routes/``: one router per resource: ``health``, ``chat`` (completions, models),
  ``sessions``, ``classify``, ``web`` (the page; its files are in ``static/``).
- ``turns.py``: one chat turn from request to stored session (shared by stream and non-stream),
  with the history rule applied to what the assistant sees.
- ``store.py``: sessions and turns through SQLAlchemy; one transaction per completed turn; the
  assistant's typed route and dialogue state in and out.
- ``ledger.py``: task actions run once per idempotency key (their outcomes kept in the store).
- ``jsonbody.py``: strict JSON request bodies (UTF-8, no lone surrogates, a nesting limit).
- ``streaming.py``: UTF-8 / grapheme-safe chunking, SSE events, and the event stream that ends a
  turn when its client leaves.
- ``usage.py``: the token-counting rule behind ``usage`` and ``max_tokens``.
- ``security.py``: hashed API keys, token-bucket rate limits, signed single-use states.
- ``errors.py``: OpenAI-shaped errors, no stack traces or secrets in responses.
- ``runner.py``: uvicorn in the foreground or in a background thread, with a request read
  deadline and connection limits.
- ``launch.py``: starting the service: settings from options, pre-flight checks, the demo's
  check conversation.
- ``cli.py``: ``kodial serve`` and ``kodial demo`` (parse options, print).

Quick start: ``kodial demo`` (the bundled example assistant on http://127.0.0.1:8000/). The
threat model (who may call what) is in ``SECURITY.md`` at the repository root.
"""
