"""How many CPUs this process may use: its CPU affinity, and a container's CPU quota.

Thread pools sized past that fight for the cores instead of sharing them: the offline sentence
encoder with 4 BLAS threads on 2 cores took 187 ms for one short text instead of 1.6 ms. A
container limited with ``--cpus 2`` on a larger host still sees every host CPU in its affinity
mask; cgroup v2's ``cpu.max`` holds the quota (``200000 100000``: 2 CPUs' worth of time).

Several processes on one machine (``kodial serve --workers``, a parallel test run) share those
CPUs; there the standard ``OMP_NUM_THREADS`` says how many threads each process should use, and
:func:`thread_budget` honours it as torch and OpenBLAS do.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
"""Environment variables that cap a process's threads (the first set wins), as numeric
libraries read them."""


def quota_cpus(cpu_max: str) -> int | None:
    """CPUs a cgroup v2 ``cpu.max`` line allows (rounded up), None when it sets no limit.

    >>> quota_cpus("200000 100000"), quota_cpus("150000 100000"), quota_cpus("max 100000")
    (2, 2, None)
    """
    parts = cpu_max.split()
    if len(parts) != 2 or parts[0] == "max":
        return None
    try:
        quota, period = int(parts[0]), int(parts[1])
    except ValueError:
        return None
    return max(1, math.ceil(quota / period)) if quota > 0 and period > 0 else None


def available_cpus() -> int:
    """CPUs this process may run on: the affinity mask, lowered to the cgroup quota if any."""
    # no affinity mask on macOS and Windows
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        quota = quota_cpus(CGROUP_CPU_MAX.read_text(encoding="ascii"))
    except OSError:
        quota = None
    return max(1, min(cpus, quota) if quota else cpus)


def thread_budget() -> int:
    """Threads a pool in this process should use: :func:`available_cpus`, lowered to the first
    of :data:`THREAD_VARIABLES` that is set to a positive whole number.

    Two test workers or two server workers on 2 cores, each with a pool of 2 threads, made one
    short text take 8 ms to encode instead of 2.3 ms: the spinning threads fight for the cores.
    """
    cpus = available_cpus()
    for name in THREAD_VARIABLES:
        value = os.environ.get(name, "").strip()
        if value.isdigit() and int(value) > 0:
            return min(cpus, int(value))
    return cpus


def split_threads(processes: int, environ: dict[str, str] | None = None) -> dict[str, str]:
    """What to add to the environment of ``processes`` processes started to share this machine
    (``kodial serve --workers``): ``OMP_NUM_THREADS`` = their share of :func:`available_cpus`
    (at least 1), or nothing when one of :data:`THREAD_VARIABLES` is already set (the user's
    choice stands)."""
    env = os.environ if environ is None else environ
    if any(env.get(name, "").strip() for name in THREAD_VARIABLES):
        return {}
    return {"OMP_NUM_THREADS": str(max(1, available_cpus() // max(1, processes)))}
