"""`slow_tokens`: streams like a real model, N tokens with a fixed delay between them.

The prompt sets the shape: `"40 25"` is 40 tokens 25 ms apart (the default, also for an empty
prompt); `"40 25 stamp"` makes each token `"<i>@<monotonic ns> "`, the time it was produced on
`time.monotonic_ns()` (CLOCK_MONOTONIC, the clock Node's `process.hrtime` reads too), so a test or
benchmark on the same machine can tell how long the token took to arrive. Used by the
latency-bound benchmark (bench/latency.mjs) and the worker's stream-batching tests.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from pydantic_ai import Agent
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from ._scripted import last_prompt

__all__ = ["agent", "shape"]


def shape(prompt: str) -> tuple[int, float, bool]:
    """(tokens, seconds between tokens, stamped) from a prompt like `"40 25 stamp"`."""
    words = prompt.split()
    tokens = int(words[0]) if words and words[0].isdigit() else 40
    delay_ms = float(words[1]) if len(words) > 1 and words[1].replace(".", "", 1).isdigit() else 25.0
    return tokens, delay_ms / 1000, "stamp" in words


async def _stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
    tokens, delay, stamped = shape(last_prompt(messages))
    for i in range(tokens):
        if i:
            await asyncio.sleep(delay)
        yield f"{i}@{time.monotonic_ns()} " if stamped else f"tok{i} "


async def _whole(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    tokens, _, _ = shape(last_prompt(messages))
    return ModelResponse(parts=[TextPart("".join(f"tok{i} " for i in range(tokens)))])


agent = Agent(
    FunctionModel(_whole, stream_function=_stream, model_name="slow_tokens"),
    description="Streams N tokens with a fixed delay between them (prompt: 'N DELAY_MS [stamp]').",
)
