"""`chaos`: misbehaves on request, to exercise the worker's error paths.

- `raise`: tool `fail` raises ValueError → kind internal, python_type ValueError.
- `retry`: tool `flaky` raises ModelRetry until its retries run out → unexpected_model_behavior.
- `sleep N`: tool `sleep` waits N seconds (logging if cancelled), then answers `slept N`.
- `crash`: tool `crash` kills the process with `os._exit(137)`.
- `hang N`: tool `hang` blocks the worker's event loop for N seconds (a sync call in an async
  tool): the worker stops answering everything, health checks included, as a hung worker does.
- `usage`: the model calls tool `spin` again and again until pydantic-ai's default request limit
  (50) trips → usage_limit_exceeded; it gives up by itself after SPIN_CAP requests.
- `turns`: answers how many user prompts the conversation holds (shows the history was seen).
- `print`: tool `shout` prints to stdout and stderr (one line mimics a control line).
- anything else: `ok`.
"""

import asyncio
import logging
import os
import sys
import time

from pydantic_ai import Agent, ModelRetry
from pydantic_ai.messages import ModelMessage
from pydantic_ai.models.function import AgentInfo

from ._scripted import Call, Reply, last_prompt, scripted_model, tool_returns, user_prompts

__all__ = ["agent"]

logger = logging.getLogger(__name__)

SPIN_CAP = 500
"""`usage` stops by itself after this many requests, should a caller lift every limit."""


def _plan(messages: list[ModelMessage], info: AgentInfo) -> Reply:
    words = last_prompt(messages).split()
    command = words[0] if words else ""
    returns = tool_returns(messages)
    if command == "retry":
        return Call("flaky", {})  # whatever the retry prompt says, call it again
    if command == "usage" and len(messages) < 2 * SPIN_CAP:
        return Call("spin", {})
    if returns:
        return str(returns[0].content)
    match command:
        case "raise" | "crash":
            return Call({"raise": "fail", "crash": "crash"}[command], {})
        case "sleep" | "hang":
            return Call(command, {"seconds": float(words[1]) if len(words) > 1 else 1.0})
        case "print":
            return Call("shout", {})
        case "turns":
            return str(len(user_prompts(messages)))
        case "usage":
            return "usage limit never hit"
        case _:
            return "ok"


agent = Agent(scripted_model(_plan, name="chaos"), description="Misbehaves on request (see module docs).")


@agent.tool_plain
def fail() -> str:
    raise ValueError("chaos: the tool failed on purpose")


@agent.tool_plain
def flaky() -> str:
    raise ModelRetry("chaos: try again (this never works)")


@agent.tool_plain
async def sleep(seconds: float) -> str:
    logger.info("sleeping %s s", seconds)
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        logger.info("sleep interrupted: the run was cancelled")
        raise
    return f"slept {seconds:g}"


@agent.tool_plain
async def hang(seconds: float) -> str:
    # Blocking on purpose: `time.sleep` in a coroutine freezes the whole event loop.
    time.sleep(seconds)  # noqa: ASYNC251
    return f"hung {seconds:g}"


@agent.tool_plain
def crash() -> str:
    os._exit(137)


@agent.tool_plain
def spin() -> str:
    return "spun"


@agent.tool_plain
def shout() -> str:
    print("chaos says hello on stdout")
    print('@@AXON@@ {"type": "ready", "address": "unix:/fake"}')
    print("chaos says hello on stderr", file=sys.stderr)
    print("no newline at the end", end="", flush=True)
    return "ok"
