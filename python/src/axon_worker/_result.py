"""A finished pydantic-ai run → `axon.v1.RunResponse`."""

from __future__ import annotations

from typing import Any

import pydantic_core
from pydantic_ai import DeferredToolRequests
from pydantic_ai.messages import ToolCallPart
from pydantic_ai.run import AgentRunResult
from pydantic_ai.usage import RunUsage

from ._proto.axon.v1 import run_pb2 as pb

__all__ = ["to_json", "to_response", "to_tool_call", "to_usage"]


def to_json(value: Any) -> bytes:
    """pydantic's serializer: models, dataclasses, datetimes...; a text output becomes a JSON string."""
    return pydantic_core.to_json(value)


def to_usage(usage: RunUsage) -> pb.Usage:
    return pb.Usage(
        requests=usage.requests,
        tool_calls=usage.tool_calls,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        total_tokens=usage.total_tokens,
    )


def to_tool_call(part: ToolCallPart) -> pb.ToolCall:
    return pb.ToolCall(
        tool_call_id=part.tool_call_id, tool_name=part.tool_name, args_json=part.args_as_json_str().encode()
    )


def to_response(result: AgentRunResult[Any]) -> pb.RunResponse:
    all_messages = result.all_messages_json()
    # Without a history the new messages are all of them: reuse the bytes (each dump is ~3% of a run).
    # (Both lists are cheap slices; only the dumps cost.)
    same = len(result.new_messages()) == len(result.all_messages())
    new_messages = all_messages if same else result.new_messages_json()
    response = pb.RunResponse(
        usage=to_usage(result.usage),
        new_messages_json=new_messages,
        all_messages_json=all_messages,
        run_id=result.run_id,
        model_name=result.response.model_name or "",
    )
    output = result.output
    if isinstance(output, DeferredToolRequests):
        response.deferred.calls.extend(to_tool_call(call) for call in output.calls)
        response.deferred.approvals.extend(to_tool_call(call) for call in output.approvals)
    else:
        response.output_json = to_json(output)
    return response
