"""Unary and streamed runs of each demo agent, history, and many runs at once."""

from __future__ import annotations

import asyncio
import json

from pydantic_ai.messages import ModelMessagesTypeAdapter

from axon_worker._proto.axon.v1.run_pb2 import RunEvent, RunRequest

from ._stub import Client


def kinds(events: list[RunEvent]) -> list[str]:
    return [str(event.WhichOneof("event")) for event in events]


def text_of(events: list[RunEvent]) -> str:
    return "".join(event.text_delta.text for event in events if event.HasField("text_delta"))


async def test_echo_answers_with_the_prompt_exactly(client: Client) -> None:
    prompt = "  hello,\tworld  \n and more  "
    response = await client.run(RunRequest(agent="echo", prompt=prompt))
    assert json.loads(response.output_json) == prompt
    assert response.model_name == "echo"
    assert response.usage.requests == 1
    assert response.usage.total_tokens == response.usage.input_tokens + response.usage.output_tokens > 0


async def test_echo_streams_word_by_word_then_a_final_response(client: Client) -> None:
    prompt = "the quick  brown fox "
    events = await client.stream(RunRequest(agent="echo", prompt=prompt))
    assert kinds(events).count("text_delta") >= 2
    assert kinds(events)[-1] == "final"
    assert text_of(events) == prompt
    assert json.loads(events[-1].final.output_json) == prompt


async def test_a_run_id_is_made_when_none_is_given_and_kept_when_given(client: Client) -> None:
    made = await client.run(RunRequest(agent="echo", prompt="hi"))
    kept = await client.run(RunRequest(agent="echo", prompt="hi", run_id="run-42"))
    assert len(made.run_id) == 36
    assert kept.run_id == "run-42"


async def test_structured_answers_a_city_info(client: Client) -> None:
    response = await client.run(RunRequest(agent="structured", prompt="Paris"))
    output = json.loads(response.output_json)
    assert output["city"] == "Paris" and output["country"] == "France"
    assert 1_000_000 < output["population"] < 20_000_000


async def test_structured_streams_partial_output_that_grows_to_the_final_one(client: Client) -> None:
    events = await client.stream(RunRequest(agent="structured", prompt="Tokyo"))
    partials = [json.loads(e.output_delta.partial_json) for e in events if e.HasField("output_delta")]
    assert len(partials) >= 3
    assert all(isinstance(partial, dict) for partial in partials)
    assert len(partials[0]) < len(partials[-1])
    final = json.loads(events[-1].final.output_json)
    assert partials[-1] == final == {"city": "Tokyo", "country": "Japan", "population": 14_187_176}


async def test_structured_answers_an_unknown_city_without_making_facts_up(client: Client) -> None:
    response = await client.run(RunRequest(agent="structured", prompt="Atlantis"))
    assert json.loads(response.output_json) == {"city": "Atlantis", "country": "unknown", "population": 0}


async def test_tools_calls_add_and_answers_the_sum(client: Client) -> None:
    response = await client.run(RunRequest(agent="tools", prompt="add 2 and 3"))
    assert json.loads(response.output_json) == "5"
    assert response.usage.tool_calls == 1
    assert response.usage.requests == 2


async def test_tools_streams_the_tool_call_and_its_result(client: Client) -> None:
    events = await client.stream(RunRequest(agent="tools", prompt="add 2 and 3"))
    assert kinds(events) == ["tool_call", "tool_result", "text_delta", "final"]
    call, result = events[0].tool_call, events[1].tool_result
    assert call.tool_name == "add" and json.loads(call.args_json) == {"a": 2, "b": 3}
    assert result.tool_call_id == call.tool_call_id and json.loads(result.content_json) == 5
    assert json.loads(events[-1].final.output_json) == "5"


async def test_chaos_answers_ok_to_anything_else(client: Client) -> None:
    response = await client.run(RunRequest(agent="chaos", prompt="hello"))
    assert json.loads(response.output_json) == "ok"


async def test_chaos_sleep_answers_after_sleeping(client: Client) -> None:
    events = await client.stream(RunRequest(agent="chaos", prompt="sleep 0.1"))
    assert json.loads(events[-1].final.output_json) == "slept 0.1"


async def test_a_second_run_given_the_first_runs_messages_sees_the_earlier_turn(client: Client) -> None:
    first = await client.run(RunRequest(agent="chaos", prompt="turns"))
    assert json.loads(first.output_json) == "1"
    second = await client.run(
        RunRequest(agent="chaos", prompt="turns", message_history_json=first.all_messages_json)
    )
    assert json.loads(second.output_json) == "2"
    all_messages = ModelMessagesTypeAdapter.validate_json(second.all_messages_json)
    new_messages = ModelMessagesTypeAdapter.validate_json(second.new_messages_json)
    assert len(all_messages) == 4 and len(new_messages) == 2


async def test_two_hundred_concurrent_runs_each_get_their_own_output(client: Client) -> None:
    prompts = [f"run number {i}" for i in range(200)]

    async def unary(prompt: str) -> str:
        response = await client.run(RunRequest(agent="echo", prompt=prompt), deadline=30)
        return json.loads(response.output_json)

    async def streamed(prompt: str) -> str:
        events = await client.stream(RunRequest(agent="echo", prompt=prompt), deadline=30)
        return json.loads(events[-1].final.output_json)

    outputs = await asyncio.gather(*map(unary, prompts[:100]), *map(streamed, prompts[100:]))
    assert outputs == prompts
