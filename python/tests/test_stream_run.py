"""Unit: `stream_run()` yields exactly the events `agent.run_stream_events()` yields, in order."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from pydantic import BaseModel
from pydantic_ai import Agent, AgentRunResultEvent, DeferredToolRequests, NativeOutput, ToolOutput
from pydantic_ai.capabilities import AbstractCapability
from pydantic_ai.messages import (
    ModelMessage,
    PartDeltaEvent,
    PartStartEvent,
    TextPart,
    TextPartDelta,
)
from pydantic_ai.models.function import AgentInfo, DeltaToolCall, DeltaToolCalls, FunctionModel
from pydantic_ai.run import AgentRunResult

from axon_worker._stream_run import stream_run


class City(BaseModel):
    city: str
    population: int


def _ran_tool(messages: list[ModelMessage]) -> bool:
    return any(part.part_kind == "tool-return" for message in messages for part in message.parts)


async def stream_text(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
    for word in ("The ", "capital ", "is ", "Paris."):
        yield word


async def call_add_then_answer(
    messages: list[ModelMessage], info: AgentInfo
) -> AsyncIterator[str | DeltaToolCalls]:
    if _ran_tool(messages):
        yield "It is "
        yield "3."
        return
    yield {0: DeltaToolCall(name="add", json_args='{"a": 1, ', tool_call_id="c1")}
    yield {0: DeltaToolCall(json_args='"b": 2}')}


async def call_output_tool(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[DeltaToolCalls]:
    name = info.output_tools[0].name
    yield {0: DeltaToolCall(name=name, json_args='{"city": "Pa', tool_call_id="o1")}
    yield {0: DeltaToolCall(json_args='ris", "population": 2100000}')}


async def write_json(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
    yield '{"city": "Pa'
    yield 'ris", "population": 2100000}'


async def call_evacuate(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[DeltaToolCalls]:
    yield {0: DeltaToolCall(name="evacuate", json_args='{"city": "Paris"}', tool_call_id="e1")}


async def call_broken_tool(
    messages: list[ModelMessage], info: AgentInfo
) -> AsyncIterator[str | DeltaToolCalls]:
    yield "Let me check. "
    yield {1: DeltaToolCall(name="explode", json_args="{}", tool_call_id="x1")}


def text_agent() -> Agent[None, Any]:
    return Agent(FunctionModel(stream_function=stream_text))


def tool_agent() -> Agent[None, Any]:
    agent = Agent(FunctionModel(stream_function=call_add_then_answer))

    @agent.tool_plain
    def add(a: int, b: int) -> int:
        return a + b

    return agent


def tool_output_agent() -> Agent[None, Any]:
    return Agent(FunctionModel(stream_function=call_output_tool), output_type=ToolOutput(City))


def native_output_agent() -> Agent[None, Any]:
    return Agent(FunctionModel(stream_function=write_json), output_type=NativeOutput(City))


def approval_agent() -> Agent[None, Any]:
    agent = Agent(FunctionModel(stream_function=call_evacuate), output_type=[str, DeferredToolRequests])

    @agent.tool_plain(requires_approval=True)
    def evacuate(city: str) -> str:
        return f"evacuated {city}"

    return agent


def failing_agent() -> Agent[None, Any]:
    agent = Agent(FunctionModel(stream_function=call_broken_tool))

    @agent.tool_plain
    def explode() -> str:
        raise LookupError("the tool broke")

    return agent


class CountNodes(AbstractCapability[Any]):
    """Hooks the node lifecycle, so the run takes `run_stream_events()` itself."""

    async def before_node_run(self, ctx: Any, *, node: Any) -> Any:
        return node


def hooked_agent() -> Agent[None, Any]:
    return Agent(FunctionModel(stream_function=stream_text), capabilities=[CountNodes()])


_VOLATILE = re.compile(
    r"datetime\.datetime\([^)]*\)|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|pyd_ai_[0-9a-f]+"
)


def comparable(event: object) -> str:
    """An event's repr without what differs between two runs (times, run and generated call ids)."""
    if isinstance(event, AgentRunResultEvent):
        result: AgentRunResult[Any] = event.result  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        return _VOLATILE.sub("_", f"result({result.output!r}, {result.new_messages()!r})")
    return _VOLATILE.sub("_", repr(event))


async def events_of_run_stream_events(agent: Agent[None, Any]) -> list[object]:
    async with agent.run_stream_events("go") as events:
        return [comparable(event) async for event in events]


async def events_of_stream_run(agent: Agent[None, Any]) -> list[object]:
    return [comparable(event) async for event in stream_run(agent, user_prompt="go")]


CASES: dict[str, Callable[[], Agent[None, Any]]] = {
    "streamed text": text_agent,
    "a Python tool": tool_agent,
    "ToolOutput": tool_output_agent,
    "NativeOutput": native_output_agent,
    "an approval-required tool": approval_agent,
    "a capability with node hooks": hooked_agent,
}


@pytest.mark.parametrize("make_agent", CASES.values(), ids=CASES.keys())
async def test_stream_run_yields_the_events_of_run_stream_events_in_order(
    make_agent: Callable[[], Agent[None, Any]],
) -> None:
    expected = await events_of_run_stream_events(make_agent())
    got = await events_of_stream_run(make_agent())
    assert got == expected
    assert len(got) > 2


async def test_an_approval_required_tool_ends_the_run_with_its_deferred_request() -> None:
    events = [event async for event in stream_run(approval_agent(), user_prompt="go")]
    final = events[-1]
    assert isinstance(final, AgentRunResultEvent)
    output = final.result.output
    assert isinstance(output, DeferredToolRequests)
    assert [call.tool_name for call in output.approvals] == ["evacuate"]


async def test_a_failing_run_yields_the_same_events_and_then_raises_the_same_error() -> None:
    expected: list[object] = []
    with pytest.raises(LookupError) as run_stream_events_error:
        async with failing_agent().run_stream_events("go") as events:
            async for event in events:
                expected.append(comparable(event))
    got: list[object] = []
    with pytest.raises(LookupError) as stream_run_error:
        async for event in stream_run(failing_agent(), user_prompt="go"):
            got.append(comparable(event))
    assert got == expected
    assert len(got) > 2
    assert str(stream_run_error.value) == str(run_stream_events_error.value) == "the tool broke"


def test_the_comparison_sees_a_dropped_or_moved_event() -> None:
    start, delta = (
        PartStartEvent(index=0, part=TextPart("a")),
        PartDeltaEvent(index=0, delta=TextPartDelta("b")),
    )
    final = AgentRunResultEvent(AgentRunResult(output="ab"))
    events = [comparable(event) for event in (start, delta, final)]
    assert [comparable(event) for event in (delta, start, final)] != events
    assert [comparable(event) for event in (start, final)] != events


async def stall_after_a_word(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
    yield "Hello"
    await asyncio.Event().wait()
    yield "never"  # pragma: no cover


async def test_a_cancelled_consumer_stops_the_run_with_cancelled_error() -> None:
    agent = Agent(FunctionModel(stream_function=stall_after_a_word))
    first = asyncio.Event()

    async def consume() -> None:
        async for _ in stream_run(agent, user_prompt="go"):
            first.set()

    task = asyncio.create_task(consume())
    await first.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
