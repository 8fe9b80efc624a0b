"""A tiny scripted model for the demo agents: one `plan` function decides each reply, and the
same reply is served whole (`agent.run`) or in chunks (`agent.run_stream_events`)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.models.function import AgentInfo, DeltaToolCall, DeltaToolCalls, FunctionModel

__all__ = ["Call", "Reply", "last_prompt", "scripted_model", "tool_returns", "user_prompts"]

ARGS_CHUNK = 8
"""Characters of tool-call arguments per streamed chunk, so partial output shows up."""


@dataclass(frozen=True)
class Call:
    """The model calls `tool` with `args` (an output tool too: use `info.output_tools[0].name`)."""

    tool: str
    args: dict[str, object]


Reply = str | Call | list[Call]
"""Text, one tool call, or several calls in one response (run in parallel)."""
Plan = Callable[[list[ModelMessage], AgentInfo], Reply]


def user_prompts(messages: list[ModelMessage]) -> list[str]:
    return [
        part.content
        for message in messages
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, UserPromptPart) and isinstance(part.content, str)
    ]


def last_prompt(messages: list[ModelMessage]) -> str:
    prompts = user_prompts(messages)
    return prompts[-1] if prompts else ""


def tool_returns(messages: list[ModelMessage]) -> list[ToolReturnPart]:
    """The tool results in the latest request, i.e. what the model is answering now."""
    last = messages[-1] if messages else None
    if not isinstance(last, ModelRequest):
        return []
    return [part for part in last.parts if isinstance(part, ToolReturnPart)]


def _words(text: str) -> list[str]:
    # Each chunk is a word plus the whitespace after it, so the chunks join back to `text` exactly.
    return re.findall(r"\s+|\S+\s*", text) or [""]


def scripted_model(plan: Plan, *, name: str) -> FunctionModel:
    # async, though it never awaits: pydantic-ai runs a sync model function in a worker thread,
    # and that hop was 14% of a demo run's cost (see docs/benchmarks.md).
    async def whole(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        reply = plan(messages, info)
        if isinstance(reply, str):
            return ModelResponse(parts=[TextPart(reply)])
        calls = reply if isinstance(reply, list) else [reply]
        return ModelResponse(parts=[ToolCallPart(call.tool, call.args) for call in calls])

    async def chunks(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str | DeltaToolCalls]:
        reply = plan(messages, info)
        if isinstance(reply, str):
            for word in _words(reply):
                yield word
            return
        for index, call in enumerate(reply if isinstance(reply, list) else [reply]):
            args = json.dumps(call.args)
            yield {index: DeltaToolCall(name=call.tool, json_args=args[:ARGS_CHUNK])}
            for start in range(ARGS_CHUNK, len(args), ARGS_CHUNK):
                yield {index: DeltaToolCall(json_args=args[start : start + ARGS_CHUNK])}

    return FunctionModel(whole, stream_function=chunks, model_name=name)
