"""The framework limit: pydantic-ai's own `agent.run` / `run_stream_events`, one process, no transport.

    python bench/inprocess.py [--agent examples.agents.echo:agent]

Prints `READY` once the agent is imported, then measures on request, so that the Node side can
interleave it with the other setups (bench/lib/rounds.mjs). One JSON line per request on stdin:
    {"op": "run"|"stream", "prompt": "...", "concurrency": 16, "total": 500, "max_seconds": 1.0,
     "warmup": 0}
answered by one JSON line on stdout, in the shape of bench/lib/drive.mjs (times in ms):
    {"ops", "seconds", "items", "latencies": [...], "firsts": [...], "cpu_ms"}
Axon cannot beat this; the table shows how close it comes. Concurrency is a closed loop like the
Node driver: `concurrency` tasks, each starting its next run when the previous one ends, until
`total` runs or `max_seconds`. Exits on stdin EOF.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from _echo import text_of
from _json_lines import answer_each_line


async def one_run(agent: Any, prompt: str) -> tuple[int, float | None]:
    await agent.run(prompt)
    return 1, None


async def one_stream(agent: Any, prompt: str) -> tuple[int, float | None]:
    """Counts the events a worker would send (text deltas + final); returns (events, first-event ms)."""
    started = time.perf_counter()
    first: float | None = None
    events = 0
    async with agent.run_stream_events(prompt) as stream:
        async for event in stream:
            if text_of(event) or hasattr(event, "result"):
                events += 1
                if first is None:
                    first = (time.perf_counter() - started) * 1000
    return events, first


async def closed_loop(agent: Any, request: dict[str, Any]) -> dict[str, Any]:
    one = one_stream if request["op"] == "stream" else one_run
    for _ in range(request.get("warmup", 0)):
        await one(agent, request["prompt"])
    latencies: list[float] = []
    firsts: list[float] = []
    items = 0
    started_ops = 0
    deadline = time.perf_counter() + request["max_seconds"]

    async def caller() -> None:
        nonlocal items, started_ops
        while started_ops < request["total"] and time.perf_counter() < deadline:
            started_ops += 1
            t0 = time.perf_counter()
            count, first = await one(agent, request["prompt"])
            latencies.append((time.perf_counter() - t0) * 1000)
            if first is not None:
                firsts.append(first)
            items += count

    t0 = time.perf_counter()
    cpu0 = time.process_time()
    await asyncio.gather(*(caller() for _ in range(request["concurrency"])))
    return {
        "ops": len(latencies),
        "seconds": time.perf_counter() - t0,
        "items": items,
        "latencies": latencies,
        "firsts": firsts,
        "cpu_ms": (time.process_time() - cpu0) * 1000,
    }


if __name__ == "__main__":
    asyncio.run(answer_each_line("examples.agents.echo:agent", closed_loop))
