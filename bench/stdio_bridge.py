"""The peer: a python-shell-style bridge, one process talking JSON lines over stdin/stdout.

    python bench/stdio_bridge.py [--agent examples.agents.echo:agent]

Request line:  {"id": 7, "prompt": "..."}  (add `"stream": true` for a streamed run)
Answer line:   {"id": 7, "output": ..., "usage": {...}, "new_messages": [...], "all_messages": [...]}
(the same content as Axon's RunResponse, as JSON text), or {"id": 7, "error": "..."}. A streamed
run first sends one {"id": 7, "text": "..."} line per text delta, as a worker sends a RunEvent
per delta, then the same answer line.

Requests are run concurrently (one asyncio task each) and answered as they finish, the id
matching answers to requests: the strongest form of this design, so Axon is compared with a
good bridge, not a naive one. Prints `READY` once the agent is imported; exits on stdin EOF.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from _echo import text_of
from _json_lines import agent_from_args, stdin_lines
from pydantic_ai import AgentRunResultEvent


def final_line(request_id: int, result: Any) -> bytes:
    usage = result.usage
    # Messages are embedded as the JSON pydantic produced, not decoded and re-encoded.
    return b'{"id":%d,"output":%s,"usage":%s,"new_messages":%s,"all_messages":%s}\n' % (
        request_id,
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


async def answer(agent: Any, line: bytes, out: Any) -> None:
    request = json.loads(line)
    request_id = request["id"]
    try:
        if not request.get("stream"):
            out.write(final_line(request_id, await agent.run(request["prompt"])))
        else:
            async with agent.run_stream_events(request["prompt"]) as stream:
                async for event in stream:
                    if text := text_of(event):
                        # One write and flush per delta: a slow model's token goes out at once.
                        out.write(b'{"id":%d,"text":%s}\n' % (request_id, json.dumps(text).encode()))
                        out.flush()
                    elif isinstance(event, AgentRunResultEvent):
                        out.write(final_line(request_id, event.result))
    except Exception as error:
        out.write(json.dumps({"id": request_id, "error": repr(error)}).encode() + b"\n")
    out.flush()


async def main() -> None:
    agent = agent_from_args("examples.agents.echo:agent")
    out = sys.stdout.buffer
    tasks: set[asyncio.Task[None]] = set()
    async for line in stdin_lines(limit=16 * 1024 * 1024):
        task = asyncio.create_task(answer(agent, line, out))
        tasks.add(task)
        task.add_done_callback(tasks.discard)


if __name__ == "__main__":
    asyncio.run(main())
