"""serve.py under load: 200 requests from 8 concurrent clients against the app, beside the same generations
called in-process through ``Generator.generate`` with the same concurrency bound.

By default the model is untrained (nothing to train: only the cost of serving is measured), size tiny, with
its counter head zeroed (``benchmarks/generate.py``'s model) so every request generates exactly
``--frames`` frames; ``--checkpoint`` serves a trained one instead (e.g. the quickstart's ``last.ckpt``).
The server (uvicorn, in a thread of this process) runs ``--workers`` generations at once, first come first
served; so does the in-process baseline (a thread pool of that size), so the latency ratio is what HTTP,
validation and JSON add. The HTTP clients run in another process, like a browser. Ends with
``RESULT serve_failed_requests``, ``serve_overhead_ratio_p50`` and ``serve_throughput_ratio`` lines.

    python benchmarks/serve.py [--requests 200] [--clients 8] [--workers 2] [--frames 48] [--threads 1]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import socket
import statistics
import threading
import time
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np
import torch
import uvicorn

import signllm
from signllm.api import Generator
from signllm.serve.app import Limits, create_app

TEXTS = ("and now we are going to show you how to fold the paper in half", "hello, how are you?", "thank you")


def untrained_generator() -> Generator:
    """``benchmarks/generate.py``'s tiny model: it never stops before the frame cap."""
    spec = importlib.util.spec_from_file_location("generate_benchmark", Path(__file__).with_name("generate.py"))
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    return Generator(benchmark.build("tiny")[0])


def summary(latencies: list[float], seconds: float) -> tuple[float, float, float]:
    """(p50, p95, requests per second)."""
    p50, p95 = np.percentile(latencies, [50, 95])
    return float(p50), float(p95), len(latencies) / seconds


def in_process(generator: Generator, language: str, args) -> tuple[list[float], float]:
    """Latency of each ``generate()`` call (waiting for a worker included) from ``args.clients`` callers."""
    workers = ThreadPoolExecutor(args.workers)

    def call(index: int) -> float:
        start = time.perf_counter()
        workers.submit(generator.generate, TEXTS[index % len(TEXTS)], language, seed=None,
                       max_frames=args.frames).result()
        return time.perf_counter() - start

    start = time.perf_counter()
    with workers, ThreadPoolExecutor(args.clients) as callers:
        latencies = list(callers.map(call, range(args.requests)))
    return latencies, time.perf_counter() - start


async def over_http(url: str, language: str, args: argparse.Namespace) -> tuple[list[float], float, int]:
    """Latency of each ``POST /api/generate`` from ``args.clients`` clients; and the failed requests."""
    latencies, failed, indices = [], 0, iter(range(args.requests))

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal failed
        for index in indices:
            start = time.perf_counter()
            response = await http.post("/api/generate", json={"text": TEXTS[index % len(TEXTS)], "language": language})
            if response.status_code != 200 or len(response.json()["frames"]) == 0:
                failed += 1
            latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    async with httpx.AsyncClient(base_url=url, timeout=600) as http:
        await asyncio.gather(*(client(http) for _ in range(args.clients)))
    return latencies, time.perf_counter() - start, failed


def run_clients(url: str, language: str, args: argparse.Namespace) -> tuple[list[float], float, int]:
    return asyncio.run(over_http(url, language, args))


def clients(url: str, language: str, args: argparse.Namespace) -> tuple[list[float], float, int]:
    """``over_http`` in another process (its JSON decoding does not compete with the server's threads)."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as process:
        return process.submit(run_clients, url, language, args).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", default=None, help="serve this checkpoint (default: an untrained tiny model)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="limits.max_concurrent")
    parser.add_argument("--frames", type=int, default=48, help="limits.max_frames")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per generation")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    generator = signllm.load(args.checkpoint) if args.checkpoint else untrained_generator()
    language = generator.languages[0]
    limits = Limits(max_concurrent=args.workers, queue_size=args.clients, max_frames=args.frames, time_limit=600)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(generator, limits), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    print(f"{args.checkpoint or 'untrained tiny model'}, {language}: {args.requests} requests, {args.clients} clients, "
          f"{args.workers} workers x {args.threads} torch thread(s), at most {args.frames} frames")
    generator.generate(TEXTS[0], language, seed=None, max_frames=args.frames)  # warm-up
    alone, lengths = [], []
    for text in TEXTS:
        start = time.perf_counter()
        lengths.append(len(generator.generate(text, language, seed=None, max_frames=args.frames)))
        alone.append(time.perf_counter() - start)
    direct, direct_seconds = in_process(generator, language, args)
    served, served_seconds, failed = clients(f"http://127.0.0.1:{listener.getsockname()[1]}", language, args)
    server.should_exit = True
    thread.join()
    print(f"frames per text: {lengths}; one generate() at a time: {statistics.median(alone):.3f} s")
    rows = {"in-process generate()": summary(direct, direct_seconds), "POST /api/generate": summary(served, served_seconds)}
    for name, (p50, p95, rate) in rows.items():
        print(f"{name:22s} latency p50 {p50:.3f} s  p95 {p95:.3f} s  {rate:.1f} requests/s")
    (direct_p50, _, direct_rate), (served_p50, _, served_rate) = rows.values()
    print(f"RESULT serve_failed_requests {failed} ==0")
    print(f"RESULT serve_overhead_ratio_p50 {served_p50 / direct_p50:.2f} <=2")
    print(f"RESULT serve_throughput_ratio {served_rate / direct_rate:.2f} >=0.5")


if __name__ == "__main__":
    main()
