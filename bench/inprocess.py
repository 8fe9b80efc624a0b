"""The framework limit: pydantic-ai's own `agent.run` / `run_stream_events`, one process, no transport.

    python bench/inprocess.py --latency-runs 1000 --runs 2000 --warmup 200 --concurrency 1,16,64 \
        --run-prompt "..." --stream-prompt "..."

Measures `agent.run`, then `run_stream_events` (counting the events a worker would send).
Prints one JSON object: {"run"|"stream": {"<concurrency>": {"ops", "seconds", "per_sec",
"items_per_sec", "p50_ms", "p99_ms", "ttfe_p50_ms", "cpu_ms_per_op"}}}.
Axon cannot beat this; the table shows how close it comes.
`--latency-runs` runs at concurrency 1, `--runs` at every other level, each cut at `--max-seconds`.
Concurrency is a closed loop like the Node driver (bench/lib/drive.mjs): `c` tasks, each starting
its next run when the previous one ends.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import time
from typing import Any

from _echo import die_with_parent, load_agent, text_of


async def one_run(agent: Any, prompt: str) -> tuple[int, float]:
    await agent.run(prompt)
    return 1, 0.0


async def one_stream(agent: Any, prompt: str) -> tuple[int, float]:
    """Counts the events a worker would send (text deltas + final); returns (events, first-event s)."""
    started = time.perf_counter()
    first = 0.0
    events = 0
    async with agent.run_stream_events(prompt) as stream:
        async for event in stream:
            if text_of(event) or hasattr(event, "result"):
                events += 1
                if events == 1:
                    first = time.perf_counter() - started
    return events, first


async def closed_loop(op: Any, total: int, concurrency: int, max_seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    firsts: list[float] = []
    items = 0
    next_index = 0
    deadline = time.perf_counter() + max_seconds

    async def caller() -> None:
        nonlocal items, next_index
        while next_index < total and time.perf_counter() < deadline:
            next_index += 1
            started = time.perf_counter()
            count, first = await op()
            latencies.append(time.perf_counter() - started)
            firsts.append(first)
            items += count

    started = time.perf_counter()
    cpu_started = time.process_time()
    await asyncio.gather(*(caller() for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    cpu_ms = (time.process_time() - cpu_started) * 1000
    latencies.sort()
    firsts.sort()
    return {
        "ops": len(latencies),
        "seconds": seconds,
        "per_sec": len(latencies) / seconds,
        "items_per_sec": items / seconds,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "ttfe_p50_ms": percentile(firsts, 0.5) * 1000,
        "cpu_ms_per_op": cpu_ms / len(latencies),
    }


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest rank, the same definition as bench/lib/stats.mjs."""
    if not sorted_values:
        return 0.0
    return sorted_values[max(0, math.ceil(p * len(sorted_values)) - 1)]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agent", default="examples.agents.echo:agent")
    parser.add_argument("--run-prompt", required=True, help="the prompt of agent.run")
    parser.add_argument("--stream-prompt", required=True, help="the prompt of run_stream_events")
    parser.add_argument("--latency-runs", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--concurrency", default="1,16,64")
    parser.add_argument("--max-seconds", type=float, default=float("inf"))
    args = parser.parse_args()
    agent = load_agent(args.agent)
    results: dict[str, dict[str, dict[str, float]]] = {}
    for name, one, prompt in (("run", one_run, args.run_prompt), ("stream", one_stream, args.stream_prompt)):

        async def op(one: Any = one, prompt: str = prompt) -> tuple[int, float]:
            return await one(agent, prompt)

        await closed_loop(op, args.warmup, 1, float("inf"))
        results[name] = {}
        for concurrency in (int(c) for c in args.concurrency.split(",")):
            runs = args.latency_runs if concurrency == 1 else args.runs
            results[name][str(concurrency)] = await closed_loop(op, runs, concurrency, args.max_seconds)
    print(json.dumps(results), flush=True)


if __name__ == "__main__":
    die_with_parent()
    asyncio.run(main())
