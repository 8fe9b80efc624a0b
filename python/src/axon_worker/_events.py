"""pydantic-ai stream events → `axon.v1.RunEvent`s.

Partial structured output: pydantic-ai streams the output tool's arguments as JSON text deltas
(`ToolCallPartDelta.args_delta`) after a `FinalResultEvent` names the output tool call. We
accumulate that text per part and parse it leniently (`pydantic_core.from_json(allow_partial=...)`),
emitting the object so far whenever it changes. Each `output_delta` supersedes the previous one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pydantic_core
from pydantic_ai import AgentRunResultEvent
from pydantic_ai.messages import (
    AgentStreamEvent,
    FinalResultEvent,
    FunctionToolCallEvent,
    FunctionToolResultEvent,
    PartDeltaEvent,
    PartStartEvent,
    TextPart,
    TextPartDelta,
    ThinkingPart,
    ThinkingPartDelta,
    ToolCallPart,
    ToolCallPartDelta,
)

from ._proto.axon.v1 import run_pb2 as pb
from ._result import to_json, to_response, to_tool_call

__all__ = ["EventTranslator"]


class EventTranslator:
    """Stateful: remembers the output tool call's arguments across deltas of one model response."""

    def __init__(self) -> None:
        self._args: dict[int, str] = {}
        """Argument text of each tool-call part of the current response, by part index."""
        self._call_ids: dict[int, str] = {}
        self._output_index: int | None = None
        self._last_partial: bytes = b""

    def translate(self, event: AgentStreamEvent | AgentRunResultEvent[Any]) -> Iterator[pb.RunEvent]:
        match event:
            case PartStartEvent(part=TextPart(content=text)):
                if text:
                    yield pb.RunEvent(text_delta=pb.TextDelta(text=text))
            case PartStartEvent(part=ThinkingPart(content=text)):
                if text:
                    yield pb.RunEvent(thinking_delta=pb.ThinkingDelta(text=text))
            case PartStartEvent(index=index, part=ToolCallPart() as part):
                if index == 0:
                    self._args.clear()  # a new model response numbers its parts from 0 again
                    self._call_ids.clear()
                    self._output_index = None
                # Raw text, not `args_as_json_str()`: that wraps a JSON prefix as {"INVALID_JSON": ...}.
                args = part.args
                self._args[index] = args if isinstance(args, str) else to_json(args).decode() if args else ""
                self._call_ids[index] = part.tool_call_id
            case FinalResultEvent(tool_call_id=str(call_id)):
                self._output_index = next((i for i, c in self._call_ids.items() if c == call_id), None)
                yield from self._partial_output()
            case PartDeltaEvent(delta=TextPartDelta(content_delta=text)) if text:
                yield pb.RunEvent(text_delta=pb.TextDelta(text=text))
            case PartDeltaEvent(delta=ThinkingPartDelta(content_delta=str(text))) if text:
                yield pb.RunEvent(thinking_delta=pb.ThinkingDelta(text=text))
            case PartDeltaEvent(index=index, delta=ToolCallPartDelta(args_delta=str(text))) if (
                index in self._args
            ):
                self._args[index] += text
                if index == self._output_index:
                    yield from self._partial_output()
            case FunctionToolCallEvent(part=part):
                yield pb.RunEvent(tool_call=to_tool_call(part))
            case FunctionToolResultEvent(part=part):
                result = pb.ToolResult(tool_call_id=part.tool_call_id, tool_name=part.tool_name)
                if part.outcome == "retried":
                    result.retry_text = part.model_response_str()
                else:
                    result.content_json = to_json(part.content)
                yield pb.RunEvent(tool_result=result)
            case AgentRunResultEvent(result=result):
                yield pb.RunEvent(final=to_response(result))
            case _:
                pass  # part ends, output tool bookkeeping, capability events: nothing the host needs

    def _partial_output(self) -> Iterator[pb.RunEvent]:
        if self._output_index is None:
            return
        text = self._args.get(self._output_index, "")
        if not text:
            return
        try:
            partial: object = pydantic_core.from_json(text, allow_partial="trailing-strings")
        except ValueError:
            return  # not even a JSON prefix yet (e.g. only whitespace); wait for more
        if not isinstance(partial, dict):
            return
        encoded = to_json(partial)
        if encoded != self._last_partial:
            self._last_partial = encoded
            yield pb.RunEvent(output_delta=pb.OutputDelta(partial_json=encoded))
