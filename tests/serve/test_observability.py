"""Prometheus metrics, request ids and JSON logs: counted turns by channel, handler and type
(the fallback rate), latency and TTFT histograms, tokens, errors by code, HTTP requests by route
template; X-Request-ID in and out and on every log line; /metrics behind the API key when the
server has keys; and ``kodial serve --workers 2`` adding up every worker's metrics, with states
signed by one worker accepted by the other."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from serve_helpers import as_caller, chat, new_session

from kodial.serve.logs import JsonFormatter, RequestIdFilter, TextFormatter
from kodial.serve.runner import free_port
from kodial.serve.security import hash_key


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """(sample name, sorted labels) -> value, from an exposition page."""
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(page: dict[Any, float], name: str, **labels: str) -> float:
    """The sum of ``name``'s samples whose labels include ``labels``."""
    return sum(
        v
        for (n, ls), v in page.items()
        if n == name and all(dict(ls).get(k) == want for k, want in labels.items())
    )


def test_turns_errors_and_requests_are_counted(make_client: Any, model: str) -> None:
    client = make_client()
    before = samples(client.get("/metrics").text)
    sid = new_session(client)
    chat(client, model, "안녕하세요!", session_id=sid, stream=True)
    chat(client, model, "비트코인 지금 얼마야")  # out of domain: the fallback answers
    client.get(f"/v1/sessions/{'0' * 32}")  # 404
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    after = samples(r.text)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("kodial_turns_total", channel="api", type="chitchat", stream="true") == 1
    assert delta("kodial_turns_total", channel="api", handler="fallback", stream="false") == 1
    assert delta("kodial_turn_seconds_count", channel="api") == 2
    assert delta("kodial_turn_first_text_seconds_count", type="fallback") == 1
    assert delta("kodial_tokens_total", kind="completion") > 0
    assert delta("kodial_queue_wait_seconds_count", queue="session") == 1
    assert delta("kodial_errors_total", code="session_not_found") == 1
    assert delta("kodial_http_requests_total", route="/v1/sessions/{session_id}", status="404") == 1
    assert delta("kodial_http_requests_total", route="/v1/chat/completions", status="200") == 2
    client.get("/no/such/path/12345")
    page = client.get("/metrics").text
    assert "/no/such/path" not in page and 'route="unmatched"' in page


def test_metrics_need_the_key_when_the_server_has_keys(make_client: Any) -> None:
    key = "kd-metrics-test-key"
    client = make_client(api_key_hashes=[hash_key(key)])
    assert client.get("/metrics").status_code == 401
    ok = as_caller(client, Authorization=f"Bearer {key}").get("/metrics")
    assert ok.status_code == 200 and "kodial_turns_total" in ok.text


def test_request_ids_in_and_out_and_on_log_lines(
    make_client: Any, model: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client()
    r = client.get("/readyz", headers={"X-Request-ID": "lb-7f3a:1"})
    assert r.headers["X-Request-ID"] == "lb-7f3a:1"
    bad = client.get("/readyz", headers={"X-Request-ID": "two\tparts <b>"})
    assert re.fullmatch(r"[0-9a-f]{32}", bad.headers["X-Request-ID"])
    with caplog.at_level(logging.INFO, logger="kodial.serve"):
        caplog.handler.addFilter(RequestIdFilter())
        r = client.post(
            "/v1/chat/completions",
            json={"model": model, "messages": [{"role": "user", "content": "안녕하세요!"}]},
            headers={"X-Request-ID": "req-123"},
        )
    assert r.headers["X-Request-ID"] == "req-123"
    turn = next(rec for rec in caplog.records if getattr(rec, "event", None) == "turn")
    assert turn.request_id == "req-123"  # type: ignore[attr-defined]
    line = json.loads(JsonFormatter().format(turn))
    assert line["message"] == "turn" and line["request_id"] == "req-123"
    assert line["handler"] == "smalltalk" and line["reply_chars"] > 0
    assert "안녕하세요" not in json.dumps(line, ensure_ascii=False)  # message text stays out
    text = TextFormatter().format(turn)
    assert text.endswith("[req-123]") and '"handler": "smalltalk"' in text


@pytest.mark.slow
def test_workers_add_up_their_metrics_and_share_the_signing_key(tmp_path: Path, model: str) -> None:
    port = free_port()
    log = tmp_path / "workers.log"
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "KODIAL_RATE_LIMIT_PER_MINUTE": "0",
        "KODIAL_LOG_FORMAT": "json",
        "OMP_NUM_THREADS": "1",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    cmd = [sys.executable, "-c", "from kodial.cli import main; main()", "serve"]
    cmd += ["--port", str(port), "--db", str(tmp_path / "s.db"), "--workers", "2"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while log.read_text().count("Application startup complete") < 2:  # both workers
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("kodial serve --workers 2 did not start:\n" + log.read_text()[-3000:])
            time.sleep(0.3)
        # Rounds of 6 turns at once: 5 session-less ones and one that carries on a chain of
        # signed states. Connections land on whichever worker accepts first, so under load both
        # answer; each chain turn is found in the log by its request id, with the worker's pid.
        state: dict[str, Any] = {}
        sent = 0
        for r in range(20):

            def one(i: int, r: int = r, chained: dict[str, Any] = state) -> dict[str, Any]:
                rid = f"chain-{r}" if i == 0 else f"load-{r}-{i}"
                extra = chained if i == 0 else {}
                with httpx.Client(base_url=url, timeout=60, headers={"X-Request-ID": rid}) as http:
                    return chat(http, model, ("안녕하세요!", "고마워요")[i % 2], **extra)

            with ThreadPoolExecutor(6) as pool:
                outs = list(pool.map(one, range(6)))
            sent += 6
            meta = outs[0]["kodial"]
            state = {"state": meta["state"], "state_signature": meta["state_signature"]}
            if r >= 1 and len(_turn_pids(log, "chain-")) == 2:
                break
        assert len(_turn_pids(log, "chain-")) == 2, "one worker answered every turn"
        page = samples(httpx.get(url + "/metrics", timeout=30).text)
        assert value(page, "kodial_turns_total", channel="api") == sent
        assert value(page, "kodial_http_requests_total", route="/v1/chat/completions") == sent
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
    assert "Started parent process" in log.read_text()


def _turn_pids(log: Path, request_ids: str) -> set[int]:
    """The worker processes that logged a turn of a request whose id starts so (JSON lines)."""
    lines = [json.loads(x) for x in log.read_text().splitlines() if x.startswith("{")]
    return {
        x["pid"]
        for x in lines
        if x.get("message") == "turn" and str(x.get("request_id")).startswith(request_ids)
    }
