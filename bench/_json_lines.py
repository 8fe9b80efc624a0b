"""What the bench's request/answer scripts share: an agent from `--agent`, then JSON lines on stdin.

bench/inprocess.py, bench/latency_inprocess.py and bench/stdio_bridge.py are each driven by the
Node side one JSON line at a time; this is their one way to load the agent, say `READY` and read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from _echo import load_agent

__all__ = ["agent_from_args", "answer_each_line", "stdin_lines"]


def agent_from_args(default: str) -> Any:
    """The agent named by `--agent package.module:attribute` (else `default`)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--agent", default=default)
    return load_agent(parser.parse_args().agent)


async def stdin_lines(limit: int = 1024 * 1024) -> AsyncIterator[bytes]:
    """Prints `READY`, then yields stdin's lines until EOF (the Node side's signal to exit)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=limit)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    print("READY", flush=True)
    while line := await reader.readline():
        yield line


async def answer_each_line(default_agent: str, answer: Callable[[Any, Any], Awaitable[Any]]) -> None:
    """One request at a time: each line is decoded, `answer(agent, request)` printed as one line."""
    agent = agent_from_args(default_agent)
    async for line in stdin_lines():
        print(json.dumps(await answer(agent, json.loads(line))), flush=True)
