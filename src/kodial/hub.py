"""Hub ids and local paths: what every ``from_pretrained`` in kodial goes through first.

``from_pretrained(name)`` takes a Hugging Face hub id on a networked machine and a local
directory anywhere. On a machine that cannot reach the hub, huggingface_hub retries each request
with back-off, so a hub id used to fail only after 48-95 s. :func:`load_kwargs` asks first, in at
most :data:`PROBE_TIMEOUT` seconds, whether the hub's host answers, and

- fails at once with what to do when it does not and the model is not in the local cache;
- loads from the cache only (``local_files_only``) when it does not but the files are cached;
- changes nothing for local paths, in offline mode (``HF_HUB_OFFLINE=1``) or when the hub answers.

>>> load_kwargs("runs/clf/encoder")  # a local directory: nothing to check
{}
"""

from __future__ import annotations

import functools
import os
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from kodial.errors import KodialError

PROBE_TIMEOUT = 3.0
"""Seconds to wait for the hub's host (or the HTTPS proxy) to accept a connection."""

GATED_HINT = (
    "gated models (Llama 3, Gemma ...) also need their licence accepted on the model's hub page "
    "and a token: `huggingface-cli login` or HF_TOKEN=..."
)


def offline() -> bool:
    """Whether the user switched the hub off (``HF_HUB_OFFLINE`` / ``TRANSFORMERS_OFFLINE``)."""
    return any(
        os.environ.get(var, "0").strip().lower() not in ("0", "", "false", "no", "off")
        for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )


def is_local(name: str | Path) -> bool:
    """Whether ``name`` is an existing local path rather than a hub id."""
    return Path(name).expanduser().exists()


def _endpoint() -> tuple[str, int]:
    """The host and port a hub request connects to first: the HTTPS proxy when one is set."""
    proxy = os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy")
    url = urlparse(proxy or os.environ.get("HF_ENDPOINT") or "https://huggingface.co")
    return url.hostname or "huggingface.co", url.port or (443 if url.scheme != "http" else 80)


@functools.cache
def _unreachable(host: str, port: int) -> str | None:
    """``None`` when ``host:port`` accepts a TCP connection, else the reason (cached per process:
    a server loading several models asks once)."""
    try:
        with socket.create_connection((host, port), timeout=PROBE_TIMEOUT):
            return None
    except OSError as exc:
        return exc.strerror or str(exc) or type(exc).__name__


def _cached(name: str) -> bool:
    """Whether the hub cache holds the main revision of ``name`` (its config or tokenizer)."""
    from huggingface_hub import try_to_load_from_cache

    try:
        return any(
            isinstance(try_to_load_from_cache(name, filename), str)
            for filename in ("config.json", "tokenizer_config.json")
        )
    except ValueError:  # not a valid repo id
        return False


def load_kwargs(name: str | Path) -> dict[str, Any]:
    """Extra ``from_pretrained`` keyword arguments for ``name``, after checking that it can load.

    Raises a :class:`KodialError` within seconds when ``name`` is a hub id, the hub cannot be
    reached and the model is not cached.
    """
    if is_local(name) or offline():
        return {}
    host, port = _endpoint()
    reason = _unreachable(host, port)
    if reason is None:
        return {}
    if _cached(str(name)):
        return {"local_files_only": True}
    raise KodialError(
        f"cannot download {str(name)!r}: the model hub ({host}:{port}) is not reachable from "
        f"this machine ({reason}), and the model is not in the local cache",
        hint="download it on a machine with network (`huggingface-cli download "
        f"{name} --local-dir DIR`), copy DIR here and pass that path; or set HF_ENDPOINT to a "
        f"mirror. {GATED_HINT}",
    )


def checkpoint_error(name: str | Path, exc: Exception) -> KodialError:
    """A user-facing error for a checkpoint that ``from_pretrained`` could not load."""
    if not is_local(name):
        hint = (
            "with no network pass a local path (a directory saved with save_pretrained)"
            if offline()
            else f"check the hub id, or pass a local path. {GATED_HINT}"
        )
        return KodialError(f"no model at {str(name)!r}: {exc.__class__.__name__}: {exc}", hint=hint)
    return KodialError(
        f"could not load the model at {str(name)!r}: {exc.__class__.__name__}: {exc}",
        hint="the directory must hold a transformers checkpoint (config.json, weights, tokenizer)",
    )


def _registers_kodial_classes(name: str | Path) -> None:
    """Import kodial's own tokenizer classes when ``name`` is one of them (a morpheme-aware
    tokenizer saved by ``kodial tokenizer train``), so ``AutoTokenizer`` builds it with its Kiwi
    pre-tokenizer instead of silently loading a plain byte-level BPE with other ids."""
    config = Path(name) / "tokenizer_config.json"
    try:
        text = config.read_text(encoding="utf-8") if config.is_file() else ""
    except OSError:
        text = ""
    if "MorphemeByteBPETokenizer" in text:
        import kodial.tokenizer.morpheme  # noqa: F401  (registers the class with AutoTokenizer)


def load_tokenizer(name: str | Path, **kwargs: Any) -> Any:
    """``AutoTokenizer.from_pretrained`` for a hub id or a local directory, the one way kodial
    loads tokenizers: kodial's own tokenizer kinds are registered first, a hub id without network
    fails in seconds (:func:`load_kwargs`), and loading errors are :class:`KodialError`."""
    from transformers import AutoTokenizer

    _registers_kodial_classes(name)
    extra = load_kwargs(name)
    try:
        return AutoTokenizer.from_pretrained(str(name), **extra, **kwargs)
    except (OSError, ValueError, KeyError) as exc:
        raise checkpoint_error(name, exc) from None
