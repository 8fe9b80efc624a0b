"""The latency-bound case's framework limit: many slow streams in one pydantic-ai process.

    python bench/latency_inprocess.py [--agent examples.agents.slow_tokens:agent]

Prints `READY`, then answers one JSON line per request on stdin (bench/latency.mjs):
    {"concurrency": 100, "streams": 3, "prompt": "40 25", "spread_ms": 975, "delay_ms": 25}
`concurrency` callers, started evenly over `spread_ms` (one stream's length: arrivals spread as a
real service's are, not one burst), each running `streams` `run_stream_events` of the slow agent
one after another. The answer, times in ms, measured where an in-process user reads the tokens:
    {"firsts": [...], "gaps": [...], "tokens": n, "errors": n, "seconds": s}
`firsts`: stream start to its first token; `gaps`: the time between consecutive tokens minus
`delay_ms` (the model's own pause), i.e. the delay the process added. Exits on stdin EOF.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from _echo import text_of
from _json_lines import answer_each_line


async def level(agent: Any, request: dict[str, Any]) -> dict[str, Any]:
    concurrency: int = request["concurrency"]
    delay_ms: float = request["delay_ms"]
    firsts: list[float] = []
    gaps: list[float] = []
    tokens = 0
    errors = 0

    async def one_stream() -> None:
        nonlocal tokens
        started = time.perf_counter()
        last: float | None = None
        async with agent.run_stream_events(request["prompt"]) as stream:
            async for event in stream:
                if not text_of(event):
                    continue
                now = time.perf_counter()
                tokens += 1
                if last is None:
                    firsts.append(round((now - started) * 1000, 3))
                else:
                    gaps.append(round((now - last) * 1000 - delay_ms, 3))
                last = now

    async def caller(i: int) -> None:
        nonlocal errors
        await asyncio.sleep(i * request["spread_ms"] / concurrency / 1000)
        for _ in range(request["streams"]):
            try:
                await one_stream()
            except Exception:
                errors += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(caller(i) for i in range(concurrency)))
    seconds = time.perf_counter() - t0
    return {"firsts": firsts, "gaps": gaps, "tokens": tokens, "errors": errors, "seconds": seconds}


if __name__ == "__main__":
    asyncio.run(answer_each_line("examples.agents.slow_tokens:agent", level))
