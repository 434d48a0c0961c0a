"""The assistant service: one loaded :class:`~kodial.assistant.engine.Assistant` behind an
OpenAI-compatible HTTP API, with server-side sessions and a web chat page.

Layout (one concept per module):

- ``settings.py``: :class:`ServeSettings`, every option, from ``KODIAL_*`` env / ``.env``.
- ``app.py``: :func:`create_app` (lifespan loads models once; body limit, CORS, errors).
- ``runtime.py``: what a running service holds (assistant, store, keys, rate limiter).
- ``deps.py``: ``Annotated`` dependency aliases (services, settings, caller identity).
- ``routes/``: one router per resource: ``health``, ``chat`` (completions, models),
  ``sessions``, ``classify``, ``web`` (the page; its files are in ``static/``).
- ``turns.py``: one chat turn from request to stored session (shared by stream and non-stream).
- ``store.py``: sessions and turns through SQLAlchemy; one transaction per completed turn.
- ``streaming.py``: UTF-8 / grapheme-safe chunking and SSE events.
- ``usage.py``: the token-counting rule behind ``usage`` and ``max_tokens``.
- ``security.py``: hashed API keys and token-bucket rate limits.
- ``errors.py``: OpenAI-shaped errors, no stack traces or secrets in responses.
- ``runner.py``: uvicorn in the foreground or in a background thread.
- ``cli.py``: ``kodial serve`` and ``kodial demo``.

Quick start: ``kodial demo`` (the bundled example assistant on http://127.0.0.1:8000/).
"""
