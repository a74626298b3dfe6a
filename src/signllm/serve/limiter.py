"""A bounded generation queue: a few worker threads, a few waiting requests, a time limit per request."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

Result = TypeVar("Result")


class Busy(RuntimeError):
    """Every worker is busy and the queue is full."""


class TimeLimit(RuntimeError):
    """A request ran (waiting included) past its time limit."""


class Limiter:
    """Runs blocking jobs in ``max_concurrent`` worker threads with at most ``queue_size`` more waiting.

    A job counts against the bound until its thread is done with it: one that ran past ``time_limit``
    still holds its worker until it finishes (a thread cannot be stopped), so the bound always holds.
    """

    def __init__(self, max_concurrent: int, queue_size: int, time_limit: float):
        self.executor = ThreadPoolExecutor(max_concurrent, thread_name_prefix="signllm-generate")
        self.capacity = max_concurrent + queue_size
        self.time_limit = time_limit
        self.admitted = 0
        self.lock = threading.Lock()

    async def run(self, job: Callable[..., Result], *args) -> Result:
        """``job(*args)`` in a worker thread; raises ``Busy`` when full, ``TimeLimit`` when too slow."""
        with self.lock:
            if self.admitted >= self.capacity:
                raise Busy(f"the server is busy ({self.capacity} requests in progress); try again shortly")
            self.admitted += 1
        future = self.executor.submit(job, *args)
        future.add_done_callback(self._release)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.time_limit)
        except TimeoutError:
            future.cancel()  # a job still waiting never starts; a running one finishes in its thread
            raise TimeLimit(f"generation took longer than the time limit of {self.time_limit:g} s") from None

    def _release(self, _: Future) -> None:
        with self.lock:
            self.admitted -= 1

    def shutdown(self) -> None:
        """Stop taking jobs; waiting ones are dropped, running ones finish."""
        self.executor.shutdown(wait=False, cancel_futures=True)
