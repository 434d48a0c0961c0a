"""Real PostgreSQL and Redis servers (and an OpenAI-compatible ``transformers serve``) for tests
and benchmarks, each started in a temporary
directory on a free loopback port (nothing global: no system service, no config outside the
directory) and removed afterwards. The Debian packages ``postgresql`` and ``redis-server``
provide the binaries (``make test`` installs them); :func:`missing_services` says what is
missing.

PostgreSQL refuses to run as root, so under root (CI) it runs as the ``postgres`` user that the
Debian package creates, in a directory handed to that user."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kodial.errors import KodialError
from kodial.serve.runner import free_port


def postgres_bin(name: str) -> str | None:
    """A PostgreSQL server binary: on PATH, or in Debian's versioned directory (newest)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version)
    return candidates[-1] if candidates else None


def _version(path: str) -> int:
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


def missing_services() -> str | None:
    """Why PostgreSQL and Redis cannot be started here, or None when they can."""
    missing = [n for n in ("initdb", "postgres") if postgres_bin(n) is None]
    if shutil.which("redis-server") is None:
        missing.append("redis-server")
    if missing:
        return (
            f"{', '.join(missing)} not installed (make test installs the Debian packages "
            "postgresql and redis-server)"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run PostgreSQL as"
    return None


def _as_postgres_user() -> dict[str, Any]:
    """subprocess arguments that drop root to the postgres user (nothing otherwise)."""
    if os.geteuid() != 0:
        return {}
    user = pwd.getpwnam("postgres")
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


@contextmanager
def postgres() -> Iterator[str]:
    """A fresh PostgreSQL cluster; yields its SQLAlchemy URL (trust auth on loopback only)."""
    import psycopg

    base = Path(tempfile.mkdtemp(prefix="kodial-pg-"))
    drop = _as_postgres_user()
    if drop:
        os.chown(base, drop["user"], drop["group"])
    data, sockets, log = base / "data", base / "sockets", base / "postgres.log"
    port = free_port()
    proc = None
    try:
        subprocess.run(
            [
                str(postgres_bin("initdb")),
                *("-D", str(data), "-U", "kodial", "--auth=trust"),
                *("-E", "UTF8", "--no-locale", "--no-sync"),
            ],
            check=True,
            capture_output=True,
            **drop,
        )
        subprocess.run(["mkdir", "-p", str(sockets)], check=True, **drop)
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [
                    str(postgres_bin("postgres")),
                    *("-D", str(data), "-p", str(port)),
                    *("-k", str(sockets), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"),
                    *("-c", "synchronous_commit=off", "-c", "full_page_writes=off"),
                    *("-c", "max_connections=300"),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                **drop,
            )
        url = f"postgresql://kodial@127.0.0.1:{port}/postgres"
        deadline = time.monotonic() + 60
        while True:
            try:
                psycopg.connect(f"host=127.0.0.1 port={port} user=kodial dbname=postgres").close()
                break
            except psycopg.OperationalError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise KodialError(
                        "postgres did not start:\n" + log.read_text()[-3000:]
                    ) from None
                time.sleep(0.1)
        yield url
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # fast shutdown
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def redis_server() -> Iterator[str]:
    """A fresh Redis without persistence; yields its URL."""
    import redis

    base = Path(tempfile.mkdtemp(prefix="kodial-redis-"))
    port = free_port()
    log = base / "redis.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                "redis-server",
                *("--port", str(port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "no", "--dir", str(base), "--daemonize", "no"),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise KodialError(
                        "redis-server did not start:\n" + log.read_text()[-3000:]
                    ) from None
                time.sleep(0.05)
        yield url
    finally:
        _stop(proc)
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def transformers_serve(model: Path, log: Path, timeout_s: float = 240) -> Iterator[str]:
    """``transformers serve`` (preloading ``model``, offline, one OpenMP thread) on a free
    loopback port until the block ends; yields its base URL (ending in ``/v1``). The server names
    the model by its path. :class:`KodialError` with the log's tail if it does not come up."""
    import httpx

    port = free_port()
    cli = "from transformers.cli.transformers import main; main()"
    cmd = [sys.executable, "-c", cli, "serve", str(model), "--host", "127.0.0.1"]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*cmd, "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise KodialError("transformers serve did not start:\n" + log.read_text()[-3000:])
            time.sleep(0.5)
        yield f"{url}/v1"
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen[Any]) -> None:
    """Terminate ``proc``; kill it if it has not ended within 30 s."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)
