"""What the bench's Python processes share: loading the agent and shaping its answers like the worker.

The baselines must put the same bytes on the wire as an Axon worker does, so that a difference in
the table is the cost of Axon and not of a smaller payload. The mapping below follows
`proto/axon/v1/run.proto` (RunResponse, RunEvent) field by field.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
# The agents are imported as `examples.agents.*`, like the worker does when run from the repo root.
sys.path.insert(0, str(REPO_ROOT))

from pydantic_ai import Agent, AgentRunResultEvent, PartDeltaEvent, PartStartEvent  # noqa: E402
from pydantic_ai.messages import TextPart, TextPartDelta  # noqa: E402

from axon_worker._proto.axon.v1 import run_pb2  # noqa: E402

__all__ = ["die_with_parent", "iter_events", "load_agent", "run_response", "text_of"]


def load_agent(spec: str) -> Agent[Any, Any]:
    """`package.module:attribute` -> the Agent object (the same spec syntax as `--agent`)."""
    module_name, _, attribute = spec.partition(":")
    agent = getattr(importlib.import_module(module_name), attribute or "agent")
    if not isinstance(agent, Agent):
        raise SystemExit(f"{spec} is not a pydantic_ai.Agent")
    return agent


def die_with_parent() -> None:
    """Exit when standard input closes, so no bench process outlives `npm run bench`."""

    def watch() -> None:
        # The raw fd, not sys.stdin: a daemon thread blocked in a buffered read aborts shutdown.
        while os.read(0, 4096):
            pass
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def run_response(result: Any) -> run_pb2.RunResponse:
    """An AgentRunResult -> the RunResponse a worker sends for it (axon_worker._result.to_response)."""
    usage = result.usage
    return run_pb2.RunResponse(
        output_json=_output_json(result.output),
        usage=run_pb2.Usage(
            requests=usage.requests,
            tool_calls=usage.tool_calls,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            total_tokens=usage.total_tokens,
        ),
        new_messages_json=result.new_messages_json(),
        all_messages_json=result.all_messages_json(),
        run_id=result.run_id,
        model_name=result.response.model_name or "",
    )


async def iter_events(agent: Agent[Any, Any], prompt: str) -> AsyncIterator[run_pb2.RunEvent]:
    """One streamed run -> its RunEvents as they happen: a text delta per text part start/delta,
    then `final`."""
    async with agent.run_stream_events(prompt) as stream:
        async for event in stream:
            text = text_of(event)
            if text:
                yield run_pb2.RunEvent(text_delta=run_pb2.TextDelta(text=text))
            elif isinstance(event, AgentRunResultEvent):
                yield run_pb2.RunEvent(final=run_response(event.result))


def text_of(event: Any) -> str:
    """The text a pydantic-ai stream event adds, or '' for the events that add none."""
    if isinstance(event, PartStartEvent) and isinstance(event.part, TextPart):
        return event.part.content
    if isinstance(event, PartDeltaEvent) and isinstance(event.delta, TextPartDelta):
        return event.delta.content_delta
    return ""


def _output_json(output: Any) -> bytes:
    from pydantic_core import to_json

    return to_json(output)
