"""The peer: a python-shell-style bridge, one process talking JSON lines over stdin/stdout.

    python bench/stdio_bridge.py [--agent examples.agents.echo:agent]

Request line:  {"id": 7, "prompt": "..."}
Answer line:   {"id": 7, "output": ..., "usage": {...}, "new_messages": [...], "all_messages": [...]}
(the same content as Axon's RunResponse, as JSON text), or {"id": 7, "error": "..."}.

Requests are run concurrently (one asyncio task each) and answered as they finish, the id
matching answers to requests: the strongest form of this design, so Axon is compared with a
good bridge, not a naive one. Prints `READY` once the agent is imported; exits on stdin EOF.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from _echo import load_agent


async def answer(agent: Any, line: bytes, out: Any) -> None:
    request = json.loads(line)
    try:
        result = await agent.run(request["prompt"])
        usage = result.usage
        # Messages are embedded as the JSON pydantic produced, not decoded and re-encoded.
        reply = b'{"id":%d,"output":%s,"usage":%s,"new_messages":%s,"all_messages":%s}\n' % (
            request["id"],
            json.dumps(result.output).encode(),
            json.dumps(
                {
                    "requests": usage.requests,
                    "input_tokens": usage.input_tokens,
                    "output_tokens": usage.output_tokens,
                }
            ).encode(),
            result.new_messages_json(),
            result.all_messages_json(),
        )
    except Exception as error:
        reply = json.dumps({"id": request["id"], "error": repr(error)}).encode() + b"\n"
    out.write(reply)
    out.flush()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agent", default="examples.agents.echo:agent")
    args = parser.parse_args()
    agent = load_agent(args.agent)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=16 * 1024 * 1024)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    out = sys.stdout.buffer
    print("READY", flush=True)
    tasks: set[asyncio.Task[None]] = set()
    while line := await reader.readline():
        task = asyncio.create_task(answer(agent, line, out))
        tasks.add(task)
        task.add_done_callback(tasks.discard)


if __name__ == "__main__":
    asyncio.run(main())
