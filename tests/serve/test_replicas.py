"""Two ``kodial serve`` processes (replicas) sharing a real PostgreSQL (sessions, turns, the
action ledger) and a real Redis (rate limits, per-session turn order): one conversation that
alternates between them, an API key's limit counted once for both, a replica killed with
SIGKILL in the middle of a streamed reply losing nothing, and bounded load across both.

Small talk is answered by the gated chat model (``gated_lm.py``), so "mid-stream" is a held
reply, not a guess at timings. The replicas log JSON lines, which the tests read back."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from gated_lm import REPLY, GatedLM, gated_config, gated_lm
from serve_helpers import ServerProcess, chat, reply_of
from services import postgres, redis_server, require_services

from kodial.serve.runner import free_port
from kodial.serve.security import add_key_to_file

pytestmark = pytest.mark.slow

MESSAGES = ["안녕하세요!", "고마워요"]
BURST = 10


class Cluster:
    """The module's services, keys and replicas."""

    def __init__(self, tmp: Path, lm: GatedLM, pg: str, redis: str) -> None:
        self.tmp = tmp
        self.lm = lm
        keys_file = tmp / "keys.txt"
        self.keys = [add_key_to_file(keys_file, f"client {i}") for i in range(40)]
        self.env = {
            "KODIAL_CONFIG": str(gated_config(tmp, lm.url)),
            "KODIAL_API_KEYS_FILE": str(keys_file),
            "KODIAL_REDIS_URL": redis,
            "KODIAL_STATE_SECRET": "replica-secret-" + "x" * 32,
            "KODIAL_RATE_LIMIT_PER_MINUTE": "0.5",
            "KODIAL_RATE_LIMIT_BURST": str(BURST),
            "KODIAL_SESSION_LOCK_LEASE_S": "2",
            "KODIAL_LOG_FORMAT": "json",
            "OMP_NUM_THREADS": "1",
        }
        self.pg = pg
        self.replicas: list[ServerProcess] = []

    def start(self, name: str) -> ServerProcess:
        proc = ServerProcess(free_port(), self.pg, self.env, self.tmp / f"{name}.log")
        self.replicas.append(proc)
        return proc

    def client(self, replica: ServerProcess, key: int) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.keys[key]}"}
        return httpx.Client(base_url=replica.url, timeout=120, headers=headers)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    require_services()
    with postgres() as pg, redis_server() as redis, gated_lm() as lm:
        c = Cluster(tmp_path_factory.mktemp("replicas"), lm, pg, redis)
        try:
            for name in ("a", "b"):
                c.start(name)
            for r in c.replicas:
                r.wait_ready()
            yield c
        finally:
            lm.release()
            for r in c.replicas:
                r.stop()


def _session(http: httpx.Client) -> str:
    r = http.post("/v1/sessions", json={"title": "replicas"})
    assert r.status_code == 201, r.text
    sid: str = r.json()["id"]
    return sid


def _turns(http: httpx.Client, sid: str) -> list[tuple[int, str, str]]:
    r = http.get(f"/v1/sessions/{sid}")
    assert r.status_code == 200, r.text
    return [(t["seq"], t["user"], t["assistant"]) for t in r.json()["turns"]]


def test_one_conversation_alternates_between_replicas(cluster: Cluster, model: str) -> None:
    a, b = cluster.replicas[:2]
    with cluster.client(a, 1) as on_a, cluster.client(b, 1) as on_b:
        sid = _session(on_a)
        sent = []
        for i in range(6):
            http = (on_a, on_b)[i % 2]
            message = MESSAGES[i % 2]
            out = chat(http, model, message, session_id=sid, stream=i % 3 == 0)
            assert out["kodial"]["turn"] == i + 1
            sent.append(message)
        stored = _turns(on_b, sid)
        assert [(s, u) for s, u, _ in stored] == list(enumerate(sent, 1))
        # request ids: the client's comes back, and is on the replica's JSON log line
        r = on_b.get(f"/v1/sessions/{sid}", headers={"X-Request-ID": "trace-42"})
        assert r.headers["X-Request-ID"] == "trace-42"
    lines = [json.loads(line) for line in b.log.read_text().splitlines() if line.startswith("{")]
    turns = [x for x in lines if x.get("message") == "turn" and x.get("session") == sid]
    assert len(turns) == 3 and all(len(t["request_id"]) == 32 for t in turns)


def test_a_keys_rate_limit_is_shared(cluster: Cluster) -> None:
    a, b = cluster.replicas[:2]
    statuses = []
    with cluster.client(a, 0) as on_a, cluster.client(b, 0) as on_b:
        for i in range(2 * BURST):
            statuses.append((on_a, on_b)[i % 2].get("/v1/models").status_code)
    assert set(statuses) == {200, 429}
    # the burst, plus at most one token refilled (0.5 a minute) while the test runs
    assert BURST <= statuses.count(200) <= BURST + 1, statuses


def _held_stream(http: httpx.Client, body: dict[str, Any], seen: list[str]) -> None:
    try:
        with http.stream("POST", "/v1/chat/completions", json=body) as r:
            for line in r.iter_lines():
                seen.append(line)
    except httpx.HTTPError:
        pass


def test_kill9_mid_stream_loses_nothing(cluster: Cluster, model: str) -> None:
    b = cluster.replicas[1]
    victim = cluster.start("victim")
    victim.wait_ready()
    lm = cluster.lm
    with cluster.client(victim, 2) as on_victim, cluster.client(b, 2) as on_b:
        sid = _session(on_victim)
        chat(on_victim, model, MESSAGES[0], session_id=sid)
        body = {
            "model": model,
            "session_id": sid,
            "stream": True,
            "messages": [{"role": "user", "content": "그럼 이만 안녕"}],
        }
        seen: list[str] = []
        lm.hold()
        before = len(lm.seen)
        reader = threading.Thread(target=_held_stream, args=(on_victim, body, seen))
        reader.start()
        try:
            lm.wait_for_requests(before + 1)  # the victim is streaming this turn's reply
            victim.kill()
        finally:
            lm.release()
        reader.join(timeout=60)
        assert _turns(on_b, sid) == [(1, MESSAGES[0], REPLY)]  # no half turn stored
        # the next turn goes on on the other replica, once the dead one's lock lease ran out
        out = chat(on_b, model, MESSAGES[1], session_id=sid, stream=True)
        assert out["kodial"]["turn"] == 2
        assert [u for _, u, _ in _turns(on_b, sid)] == [MESSAGES[0], MESSAGES[1]]


def test_load_across_two_replicas(cluster: Cluster, model: str) -> None:
    """30 sessions at once, each with its own key, 3 turns alternating replicas (half of them
    streamed): zero errors, every session holds exactly its turns, in order."""
    a, b = cluster.replicas[:2]

    def conversation(i: int) -> tuple[str, list[str]]:
        key = 10 + i
        with cluster.client(a, key) as on_a, cluster.client(b, key) as on_b:
            sid = _session((on_a, on_b)[i % 2])
            sent = []
            for t in range(3):
                http = (on_a, on_b)[(i + t) % 2]
                message = MESSAGES[t % 2]
                out = chat(http, model, message, session_id=sid, stream=(i + t) % 2 == 0)
                assert reply_of(out)
                sent.append(message)
            return sid, sent

    with ThreadPoolExecutor(30) as pool:
        done = list(pool.map(conversation, range(30)))
    with cluster.client(a, 0) as http:
        http.headers["Authorization"] = f"Bearer {cluster.keys[10]}"
        for i, (sid, sent) in enumerate(done):
            http.headers["Authorization"] = f"Bearer {cluster.keys[10 + i]}"
            assert [(s, u) for s, u, _ in _turns(http, sid)] == list(enumerate(sent, 1))
