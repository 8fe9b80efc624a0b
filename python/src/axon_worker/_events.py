"""pydantic-ai stream events → `axon.v1.RunEvent`s.

Partial structured output: pydantic-ai streams what the model writes for the output as JSON text
deltas: an output tool's arguments (`ToolCallPartDelta.args_delta`, once a `FinalResultEvent` names
that call), or, for `NativeOutput` / `PromptedOutput`, the response text itself. We accumulate that
text per part, parse it leniently (`pydantic_core.from_json(allow_partial=...)`), take off
pydantic-ai's envelope (`_partial.py`) and emit the output so far whenever it changes: objects and
lists only (a scalar output arrives whole with the result). Each `output_delta` supersedes the
previous one. The text of a NativeOutput/PromptedOutput response is the output, not prose, so it
streams as `output_delta`s only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
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

from ._partial import OutputShape, output_shape
from ._proto.axon.v1 import run_pb2 as pb
from ._result import to_json, to_response, to_tool_call

__all__ = ["EventTranslator", "EventWriter", "flatten"]


class EventTranslator:
    """Stateful: remembers the output's JSON text across deltas of one model response.

    `output_type` is the run's output spec (a per-run override, else the agent's own): it says
    where partial structured output is in a model response and how to unwrap it.
    """

    def __init__(self, output_type: Any) -> None:
        self._shape: OutputShape = output_shape(output_type)
        self._text: dict[int, str] = {}
        """Text of each text part of the current response, by part index (NativeOutput/PromptedOutput)."""
        self._args: dict[int, str] = {}
        """Argument text of each tool-call part of the current response, by part index."""
        self._call_ids: dict[int, str] = {}
        self._tool_names: dict[int, str] = {}
        self._output_index: int | None = None
        self._last_partial: bytes = b""

    def translate(self, event: AgentStreamEvent | AgentRunResultEvent[Any]) -> Iterator[pb.RunEvent]:
        match event:
            case PartStartEvent(index=index, part=TextPart(content=text)) if self._shape.text == "json":
                self._text[index] = text
                yield from self._partial_text(index)
            case PartDeltaEvent(index=index, delta=TextPartDelta(content_delta=text)) if (
                self._shape.text == "json"
            ):
                self._text[index] = self._text.get(index, "") + text
                yield from self._partial_text(index)
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
                    self._tool_names.clear()
                    self._output_index = None
                # Raw text, not `args_as_json_str()`: that wraps a JSON prefix as {"INVALID_JSON": ...}.
                args = part.args
                self._args[index] = args if isinstance(args, str) else to_json(args).decode() if args else ""
                self._call_ids[index] = part.tool_call_id
                self._tool_names[index] = part.tool_name
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
        index = self._output_index
        if index is None:
            return
        partial = _parse(self._args.get(index, ""))
        if partial is not None:
            yield from self._emit(self._shape.from_tool(self._tool_names.get(index, ""), partial))

    def _partial_text(self, index: int) -> Iterator[pb.RunEvent]:
        partial = _parse(self._text.get(index, ""))
        if partial is not None:
            yield from self._emit(self._shape.from_text(partial))

    def _emit(self, output: object) -> Iterator[pb.RunEvent]:
        if not isinstance(output, dict | list):
            return  # nothing yet, or a scalar: it arrives whole with the result
        encoded = to_json(output)
        if encoded != self._last_partial:
            self._last_partial = encoded
            yield pb.RunEvent(output_delta=pb.OutputDelta(partial_json=encoded))


def _parse(text: str) -> object | None:
    if not text.strip():
        return None
    try:
        return pydantic_core.from_json(text, allow_partial="trailing-strings")
    except ValueError:
        return None  # not even a JSON prefix yet; wait for more


MAX_PENDING = 512
"""Events queued behind a write before the run waits for the client (gRPC flow control) to catch up."""


class EventWriter:
    """Writes a stream's events in order, coalescing what is ready at once into one message.

    A write is in flight on its own task while the run goes on; the events the run produced
    meanwhile go out together as one `RunEvent.batch` when that write completes. Nothing waits to
    fill a batch: an event put while no write is in flight is written at once, so a slow model's
    tokens still cross one by one, each as soon as it exists. A lone event is sent as itself.

    `write_now`, where the transport has one (local frames), writes an event synchronously when it
    can (False: it cannot now). Then an event put while nothing is queued or being written goes
    out in `put` itself, without waking the writer's task (one loop turn less per token); the
    events put later in the same loop turn still queue, and go out together on the next.
    """

    def __init__(
        self,
        write: Callable[[pb.RunEvent], Awaitable[None]],
        write_now: Callable[[pb.RunEvent], bool] | None = None,
    ) -> None:
        self._write = write
        self._write_now = write_now
        self._writing = False
        self._wrote_this_turn = False
        self._pending: list[pb.RunEvent] = []
        self._wakeup: asyncio.Future[None] | None = None
        self._drained: asyncio.Future[None] | None = None
        self._closing = False
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def put(self, message: pb.RunEvent) -> None:
        """Queues one event; waits only when `MAX_PENDING` are already queued (a slow client)."""
        if self._task.done():
            self._task.result()  # the writer failed (the client went away): raise its error here
            raise RuntimeError("the stream's writer has stopped")
        if (
            self._write_now is not None
            and not self._pending
            and not self._writing
            and not self._wrote_this_turn
            and self._write_now(message)
        ):
            self._wrote_this_turn = True
            asyncio.get_running_loop().call_soon(self._next_turn)
            return
        self._pending.append(message)
        _wake(self._wakeup)
        if len(self._pending) >= MAX_PENDING:
            self._drained = asyncio.get_running_loop().create_future()
            await asyncio.wait((self._drained, self._task), return_when=asyncio.FIRST_COMPLETED)

    async def close(self) -> None:
        """Writes what is queued, then ends the writer; raises what a write raised."""
        self._closing = True
        _wake(self._wakeup)
        await self._task

    def cancel(self) -> None:
        """Stops the writer without writing what is queued (the run failed or was cancelled)."""
        self._task.cancel()

    def _next_turn(self) -> None:
        self._wrote_this_turn = False

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if not self._pending:
                if self._closing:
                    return
                self._wakeup = loop.create_future()
                await self._wakeup
                continue
            batch, self._pending = self._pending, []
            _wake(self._drained)
            self._writing = True
            try:
                if len(batch) == 1:
                    await self._write(batch[0])
                else:
                    message = pb.RunEvent()
                    message.batch.events.extend(batch)
                    await self._write(message)
            finally:
                self._writing = False


def _wake(future: asyncio.Future[None] | None) -> None:
    if future is not None and not future.done():
        future.set_result(None)


def flatten(message: pb.RunEvent) -> list[pb.RunEvent]:
    """The events one stream message carries: its batch's, or itself."""
    return list(message.batch.events) if message.WhichOneof("event") == "batch" else [message]
