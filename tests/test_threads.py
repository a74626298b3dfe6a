"""The thread policy (signllm.threads) on faked CPUs, environment and load."""

from __future__ import annotations

import pytest

from signllm import threads
from signllm.cli import ConfigError
from signllm.threads import GRAIN, choose

EIGHT = set(range(8))


def chosen(setting=None, **facts) -> int:
    facts = {"environ": {}, "affinity": EIGHT, **facts}
    return choose(setting, **facts).threads


def test_an_idle_machine_gives_every_allowed_cpu():
    assert chosen() == 8 and chosen(affinity={3, 5}) == 2


def test_busy_cpus_are_left_to_their_processes():
    assert chosen(affinity={0, 1}, busy=1.0) == 1  # the 10x case: one other process busy on 2 cores
    assert chosen(busy=2.9) == 5 and chosen(busy=0.3) == 8  # a little background noise is no CPU
    assert chosen(busy=12.0) == 1


def test_slurm_and_cgroup_quotas_cap_the_affinity():
    assert chosen(environ={"SLURM_CPUS_PER_TASK": "3"}) == 3
    assert chosen(quota=2.5) == 3 and chosen(quota=0.5) == 1
    assert chosen(environ={"SLURM_CPUS_PER_TASK": "16"}) == 8  # affinity is still the limit


def test_small_work_takes_fewer_threads():
    assert chosen(work=GRAIN // 2) == 1 and chosen(work=3 * GRAIN) == 3 and chosen(work=100 * GRAIN) == 8


def test_processes_sharing_the_cpus():
    assert chosen(environ={"LOCAL_WORLD_SIZE": "4"}) == 2  # four ranks on this machine
    assert chosen(workers=3) == 5  # each DataLoader worker keeps a CPU
    assert chosen(workers=20, environ={"LOCAL_WORLD_SIZE": "2"}) == 1


def test_an_explicit_count_wins():
    assert chosen(6, busy=7.0) == 6
    assert chosen(environ={"OMP_NUM_THREADS": "3"}, busy=0.0) == 3
    assert chosen(2, environ={"OMP_NUM_THREADS": "3"}) == 2  # the setting over the environment
    assert choose(None, environ={"OMP_NUM_THREADS": "3"}, affinity=EIGHT).reason == "OMP_NUM_THREADS"


@pytest.mark.parametrize("setting, environ", [(0, {}), ("many", {}), (None, {"SLURM_CPUS_PER_TASK": "x"})])
def test_bad_counts_are_refused_naming_the_setting(setting, environ):
    with pytest.raises(ConfigError, match="threads|SLURM_CPUS_PER_TASK"):
        chosen(setting, environ=environ)


def test_busy_cpus_from_proc_stat(tmp_path, monkeypatch):
    """Busy share per CPU between two readings: cpu0 fully busy, cpu1 idle, cpu2 outside the affinity."""
    readings = iter(
        [
            "cpu  0 0 0 0 0 0 0 0\ncpu0 100 0 0 100 0 0 0 0\ncpu1 0 0 0 200 0 0 0 0\ncpu2 0 0 0 0 0 0 0 0\n",
            "cpu  0 0 0 0 0 0 0 0\ncpu0 150 0 0 100 0 0 0 0\ncpu1 0 0 0 250 0 0 0 0\ncpu2 50 0 0 0 0 0 0 0\n",
        ]
    )
    stat = tmp_path / "stat"

    def sleep(_seconds):
        stat.write_text(next(readings))

    sleep(0)
    monkeypatch.setattr(threads, "PROC_STAT", stat)
    monkeypatch.setattr(threads.time, "sleep", sleep)
    assert threads.busy_cpus({0, 1}) == pytest.approx(1.0)
    monkeypatch.setattr(threads, "PROC_STAT", tmp_path / "absent")
    assert threads.busy_cpus({0, 1}) == 0.0  # unreadable: nothing known to be busy


def test_cgroup_quota(tmp_path, monkeypatch):
    limited, unlimited = tmp_path / "limited", tmp_path / "unlimited"
    limited.write_text("250000 100000\n")
    unlimited.write_text("max 100000\n")
    monkeypatch.setattr(threads, "CGROUP_QUOTAS", ((limited, "v2"),))
    assert threads.cgroup_quota() == 2.5
    monkeypatch.setattr(threads, "CGROUP_QUOTAS", ((unlimited, "v2"),))
    assert threads.cgroup_quota() is None
