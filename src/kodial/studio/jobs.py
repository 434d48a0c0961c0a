"""Background jobs: training and evaluation run in worker threads while the console polls
their progress (``GET /studio/api/jobs/{id}``).

Jobs of one lane run one after the other (each lane has one worker thread): two trainings at
once would only halve each other's speed on a CPU. Classifier work and chat-model work are
separate lanes, so a long chat-model training does not hold up a quick retrain.

A job that fails with a :class:`~kodial.errors.KodialError` shows its message (written for the
user); any other failure is logged with a reference and the job shows only that reference,
never the exception's text (it may hold paths or settings).
"""

from __future__ import annotations

import itertools
import logging
import queue
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kodial.errors import KodialError

log = logging.getLogger("kodial.studio")

LANES = ("assistant", "chat")

_PATH = re.compile(r"(?<![\w.~/:])(?:/[^\s'\":/]+)+/([^\s'\":/]+)")


def redact(text: str) -> str:
    """``text`` with absolute paths cut to their last part: the console says which file or
    folder, not where the server keeps it.

    >>> redact("/srv/kodial/ws/chat/exports/c0001 holds no model")
    'c0001 holds no model'
    """
    return _PATH.sub(r"\1", text)


def user_message(exc: KodialError) -> str:
    """A :class:`KodialError` as the console shows it: message and hint, paths cut."""
    text = exc.message + (f" (도움말: {exc.hint})" if exc.hint else "")
    return redact(text)


"""``assistant``: classifier training; ``chat``: chat-model training, evaluation, export."""


KEPT = 200
"""Finished jobs remembered (for the console to read their results); older ones are forgotten."""


class Cancelled(Exception):
    """Raised inside a job that was asked to stop."""


@dataclass
class Job:
    id: str
    kind: str
    lane: str
    title: str
    status: str = "queued"
    """``queued``, ``running``, ``done``, ``failed`` or ``cancelled``."""
    progress: float = 0.0
    stage: str = "대기 중"
    """What the job is doing now, in Korean."""
    created: float = field(default_factory=time.time)
    finished: float | None = None
    result: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    points: list[tuple[float, float, str]] = field(default_factory=list)
    """(step, loss, series) for jobs that draw a live curve (series ``train`` or ``eval``)."""
    cancel_requested: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def step(self, stage: str, progress: float | None = None) -> None:
        """Report progress; raises :class:`Cancelled` when the job was asked to stop."""
        self.report(stage, progress)
        if self.cancel_requested:
            raise Cancelled()

    def report(self, stage: str, progress: float | None = None) -> None:
        """Report progress without stopping (code that checks ``cancel_requested`` itself)."""
        with self._lock:
            self.stage = stage
            if progress is not None:
                self.progress = max(0.0, min(1.0, progress))

    def add_point(self, step: float, value: float, series: str = "train") -> None:
        with self._lock:
            self.points.append((step, value, series))

    def to_dict(self, since: int = 0) -> dict[str, Any]:
        """The job as the console reads it; ``since``: curve points already received."""
        with self._lock:
            return {
                "id": self.id,
                "kind": self.kind,
                "title": self.title,
                "status": self.status,
                "progress": round(self.progress, 4),
                "stage": self.stage,
                "created": self.created,
                "finished": self.finished,
                "result": self.result,
                "error": self.error,
                "points": [list(p) for p in self.points[since:]],
                "points_total": len(self.points),
            }


class Jobs:
    """The jobs of this process, one worker thread per lane."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._queues: dict[str, queue.Queue[tuple[Job, Callable[[Job], dict[str, Any]]] | None]] = {
            lane: queue.Queue() for lane in LANES
        }
        self._threads: dict[str, threading.Thread] = {}
        self._ids = itertools.count(1)
        self._closed = False

    def submit(
        self, kind: str, lane: str, title: str, work: Callable[[Job], dict[str, Any]]
    ) -> Job:
        """Queue ``work(job)``; its return value becomes the job's ``result``."""
        if self._closed:
            raise KodialError("스튜디오가 종료 중이라 작업을 시작할 수 없어요.")
        job = Job(
            id=f"j{next(self._ids):04d}-{secrets.token_hex(3)}", kind=kind, lane=lane, title=title
        )
        with self._lock:
            self._jobs[job.id] = job
            finished = [j for j in self._jobs.values() if j.finished is not None]
            for old in finished[: max(0, len(finished) - KEPT)]:  # oldest first (insertion order)
                del self._jobs[old.id]
            if lane not in self._threads:
                thread = threading.Thread(
                    target=self._worker, args=(lane,), name=f"kodial-studio-{lane}", daemon=True
                )
                self._threads[lane] = thread
                thread.start()
        self._queues[lane].put((job, work))
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def active(self, kind: str | None = None) -> list[Job]:
        """Queued or running jobs (of ``kind``), oldest first."""
        with self._lock:
            jobs = list(self._jobs.values())
        return [
            j
            for j in jobs
            if j.status in ("queued", "running") and (kind is None or j.kind == kind)
        ]

    def cancel(self, job_id: str) -> Job | None:
        job = self.get(job_id)
        if job is not None and job.status in ("queued", "running"):
            job.cancel_requested = True
        return job

    def close(self, timeout: float = 10.0) -> None:
        """Ask every job to stop and wait a little for the workers (they are daemon threads:
        a job that does not stop in time does not keep the process alive)."""
        self._closed = True
        with self._lock:
            jobs = list(self._jobs.values())
            threads = list(self._threads.values())
        for job in jobs:
            job.cancel_requested = True
        for q in self._queues.values():
            q.put(None)
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def _worker(self, lane: str) -> None:
        while True:
            item = self._queues[lane].get()
            if item is None:
                return
            job, work = item
            self._run(job, work)

    def _run(self, job: Job, work: Callable[[Job], dict[str, Any]]) -> None:
        if job.cancel_requested:
            self._finish(job, "cancelled", error="작업을 취소했어요.")
            return
        with job._lock:
            job.status = "running"
        try:
            result = work(job)
        except Cancelled:
            self._finish(job, "cancelled", error="작업을 취소했어요.")
        except KodialError as exc:
            self._finish(job, "failed", error=user_message(exc))
        except Exception:
            ref = secrets.token_hex(4)
            log.exception("studio job %s (%s) failed, error %s", job.id, job.kind, ref)
            self._finish(job, "failed", error=f"작업 중 내부 오류가 났어요 (오류 번호 {ref}).")
        else:
            self._finish(job, "done", result=result)

    @staticmethod
    def _finish(
        job: Job, status: str, result: dict[str, Any] | None = None, error: str | None = None
    ) -> None:
        with job._lock:
            job.status = status
            job.finished = time.time()
            if result is not None:
                job.result = result
                job.progress = 1.0
                job.stage = "완료"
            job.error = error
