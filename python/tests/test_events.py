"""Unit: pydantic-ai stream events → RunEvents, including partial structured output."""

from __future__ import annotations

import json

from pydantic import BaseModel
from pydantic_ai.messages import (
    FinalResultEvent,
    PartDeltaEvent,
    PartStartEvent,
    TextPart,
    ThinkingPart,
    ThinkingPartDelta,
    ToolCallPart,
    ToolCallPartDelta,
)

from axon_worker._events import EventTranslator
from axon_worker._proto.axon.v1.run_pb2 import RunEvent


class City(BaseModel):
    city: str
    population: int


def translate(*events: object) -> list[RunEvent]:
    translator = EventTranslator(City)
    return [message for event in events for message in translator.translate(event)]  # pyright: ignore[reportArgumentType]


def test_thinking_and_text_become_their_deltas() -> None:
    messages = translate(
        PartStartEvent(index=0, part=ThinkingPart("hmm")),
        PartDeltaEvent(index=0, delta=ThinkingPartDelta(content_delta=", well")),
        PartStartEvent(index=1, part=TextPart("Hi")),
    )
    assert [m.thinking_delta.text for m in messages[:2]] == ["hmm", ", well"]
    assert messages[2].text_delta.text == "Hi"


def test_output_tool_arguments_stream_as_growing_partial_objects() -> None:
    messages = translate(
        PartStartEvent(index=0, part=ToolCallPart("final_result", '{"city": "Pa', tool_call_id="c1")),
        FinalResultEvent(tool_name="final_result", tool_call_id="c1"),
        PartDeltaEvent(index=0, delta=ToolCallPartDelta(args_delta='ris", "population": 21')),
        PartDeltaEvent(index=0, delta=ToolCallPartDelta(args_delta="00000}")),
    )
    partials = [json.loads(m.output_delta.partial_json) for m in messages]
    assert partials == [
        {"city": "Pa"},
        {"city": "Paris", "population": 21},
        {"city": "Paris", "population": 2100000},
    ]


def test_arguments_of_other_tool_calls_are_not_output() -> None:
    messages = translate(
        PartStartEvent(index=0, part=ToolCallPart("add", '{"a": 1', tool_call_id="c1")),
        PartDeltaEvent(index=0, delta=ToolCallPartDelta(args_delta=', "b": 2}')),
    )
    assert messages == []
