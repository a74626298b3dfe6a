"""Intra-op threads per process, chosen from the work size and the CPUs this process actually has.

torch's default, one thread per CPU of the machine, gains little on an idle machine for this project's work
(small models, small batches) and loses 10-50x when another process keeps a CPU busy: every parallel region
waits for its slowest thread, and that one waits for a CPU. So, unless a count is given (the entry point's
``threads`` setting, else ``OMP_NUM_THREADS``), a process takes

    min(CPUs it may use - CPUs other processes keep busy now, one per GRAIN elements of its work) // ranks
        - its DataLoader workers, at least 1,

where the CPUs it may use are its affinity, capped by SLURM's ``SLURM_CPUS_PER_TASK`` and a cgroup CPU quota;
busy CPUs are sampled from /proc/stat over ``SAMPLE_SECONDS`` (a process that starts competing later is not
seen); ranks are the processes of one job on this machine (``LOCAL_WORLD_SIZE``); each DataLoader worker
keeps a CPU of its own.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from signllm.cli import ConfigError

log = logging.getLogger(__name__)

GRAIN = 1 << 17  # elements of a typical operation per thread: below it a second thread costs more than it gains
CLIP_FRAMES = 150  # frames of a typical clip (6 s at 25 fps), for the entry points' work estimates
SAMPLE_SECONDS = 0.2  # how long the CPUs' busy time is sampled
PROC_STAT = Path("/proc/stat")
CGROUP_QUOTAS = (  # (file, how to read it): cgroup v2, then v1
    (Path("/sys/fs/cgroup/cpu.max"), "v2"),
    (Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), "v1"),
)


@dataclass(frozen=True)
class Choice:
    """The thread count and why (for the log)."""

    threads: int
    reason: str


def _positive_int(value, key: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise ConfigError(f"{key}={value!r}: expected a positive number of threads (or null: chosen per process)")
    return number


def cgroup_quota() -> float | None:
    """CPUs the cgroup's CPU quota allows (None: no quota, or not readable)."""
    for path, version in CGROUP_QUOTAS:
        try:
            text = path.read_text().split()
            if version == "v2":
                quota, period = text[0], text[1]
            else:
                quota, period = text[0], (path.parent / "cpu.cfs_period_us").read_text().strip()
        except (OSError, IndexError):
            continue
        if quota in ("max", "-1"):
            return None
        return int(quota) / int(period)
    return None


def allowed_cpus(environ: Mapping[str, str], affinity: set[int], quota: float | None) -> int:
    """The CPUs this process may use: its affinity, capped by SLURM's cpus-per-task and the cgroup quota."""
    cpus = len(affinity)
    slurm = _positive_int(environ.get("SLURM_CPUS_PER_TASK"), "SLURM_CPUS_PER_TASK")
    if slurm:
        cpus = min(cpus, slurm)
    if quota:
        cpus = min(cpus, max(1, math.ceil(quota)))
    return max(cpus, 1)


def _cpu_times(cpus: set[int]) -> dict[int, tuple[int, int]]:
    """CPU -> (busy ticks, all ticks) from /proc/stat."""
    times = {}
    for line in PROC_STAT.read_text().splitlines():
        name, *values = line.split()
        if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cpus:
            ticks = [int(value) for value in values[:8]]
            idle = ticks[3] + ticks[4]  # idle, iowait
            times[int(name[3:])] = (sum(ticks) - idle, sum(ticks))
    return times


def busy_cpus(cpus: set[int], seconds: float = SAMPLE_SECONDS) -> float:
    """How many of ``cpus`` other processes keep busy: their busy share summed over ``seconds`` (this process
    sleeps meanwhile); 0 where /proc/stat cannot be read."""
    try:
        before = _cpu_times(cpus)
        time.sleep(seconds)
        after = _cpu_times(cpus)
    except (OSError, ValueError):
        return 0.0
    shares = [
        (after[cpu][0] - before[cpu][0]) / (after[cpu][1] - before[cpu][1])
        for cpu in after
        if cpu in before and after[cpu][1] > before[cpu][1]
    ]
    return float(sum(shares))


def choose(
    setting: int | None,
    *,
    work: int | None = None,
    workers: int = 0,
    environ: Mapping[str, str],
    affinity: set[int],
    quota: float | None = None,
    busy: float = 0.0,
) -> Choice:
    """The policy of the module docstring, on given facts (pure: tests fake them)."""
    explicit = _positive_int(setting, "threads")
    if explicit:
        return Choice(explicit, "threads setting")
    from_env = _positive_int(environ.get("OMP_NUM_THREADS"), "OMP_NUM_THREADS")
    if from_env:
        return Choice(from_env, "OMP_NUM_THREADS")
    allowed = allowed_cpus(environ, affinity, quota)
    free = max(1, round(allowed - busy))
    by_work = max(1, work // GRAIN) if work is not None else free
    ranks = _positive_int(environ.get("LOCAL_WORLD_SIZE"), "LOCAL_WORLD_SIZE") or 1
    threads = max(1, min(free, by_work) // ranks - workers)
    reason = f"{allowed} CPUs allowed, {busy:.1f} busy"
    reason += f", work {work} elements" if work is not None else ""
    reason += f", {ranks} ranks" if ranks > 1 else ""
    reason += f", {workers} DataLoader workers" if workers else ""
    return Choice(threads, reason)


def configure_threads(setting: int | None = None, *, work: int | None = None, workers: int = 0) -> int:
    """Choose (see ``choose``) and set torch's intra-op threads for this process; returns the count."""
    import torch

    affinity = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set(range(os.cpu_count() or 1))
    needs_sample = _positive_int(setting, "threads") is None and not os.environ.get("OMP_NUM_THREADS")
    choice = choose(
        setting,
        work=work,
        workers=workers,
        environ=os.environ,
        affinity=affinity,
        quota=cgroup_quota(),
        busy=busy_cpus(affinity) if needs_sample else 0.0,
    )
    torch.set_num_threads(choice.threads)
    log.info("torch threads: %d (%s)", choice.threads, choice.reason)
    return choice.threads
