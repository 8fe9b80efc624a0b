"""Host (TypeScript) tools as stateless round trips: deferred calls, approvals, results."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic_ai import Agent, ToolApproved, ToolDenied
from pydantic_ai.exceptions import UnexpectedModelBehavior
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.models.test import TestModel

from axon_worker._host_tools import apply_host_tools
from axon_worker._proto.axon.v1.run_pb2 import (
    ApprovalDecision,
    DeferredToolResult,
    RunRequest,
    RunResponse,
    ToolDefinition,
)

from ._stub import Client

CITY = json.dumps(
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
).encode()
TOOLS = [
    ToolDefinition(name="weather", description="The weather in a city", parameters_json_schema=CITY),
    ToolDefinition(
        name="evacuate", description="Evacuate a city", parameters_json_schema=CITY, requires_approval=True
    ),
]


def continuation(previous: RunResponse, results: list[DeferredToolResult]) -> RunRequest:
    # The pydantic-ai TestModel calls every tool it is given, so any agent will do with model="test".
    return RunRequest(
        agent="echo",
        model="test",
        host_tools=TOOLS,
        message_history_json=previous.all_messages_json,
        deferred_tool_results=results,
    )


async def test_a_host_tool_call_ends_the_run_with_deferred_requests(client: Client) -> None:
    response = await client.run(RunRequest(agent="echo", prompt="hi", model="test", host_tools=TOOLS))
    assert response.output_json == b""
    assert [call.tool_name for call in response.deferred.calls] == ["weather"]
    assert [call.tool_name for call in response.deferred.approvals] == ["evacuate"]
    assert json.loads(response.deferred.calls[0].args_json) == {"city": "a"}


async def test_an_approved_call_is_deferred_again_for_the_host_to_execute_then_the_run_ends(
    client: Client,
) -> None:
    first = await client.run(RunRequest(agent="echo", prompt="hi", model="test", host_tools=TOOLS))
    (weather,), (evacuate,) = first.deferred.calls, first.deferred.approvals
    second = await client.run(
        continuation(
            first,
            [
                DeferredToolResult(tool_call_id=weather.tool_call_id, return_json=b'"sunny"'),
                DeferredToolResult(
                    tool_call_id=evacuate.tool_call_id, approval=ApprovalDecision(approved=True)
                ),
            ],
        )
    )
    assert [call.tool_call_id for call in second.deferred.calls] == [evacuate.tool_call_id]
    third = await client.run(
        continuation(second, [DeferredToolResult(tool_call_id=evacuate.tool_call_id, return_json=b'"done"')])
    )
    assert json.loads(json.loads(third.output_json)) == {"weather": "sunny", "evacuate": "done"}


async def test_a_denied_call_and_a_retry_text_reach_the_model(client: Client) -> None:
    first = await client.run(RunRequest(agent="echo", prompt="hi", model="test", host_tools=TOOLS))
    (weather,), (evacuate,) = first.deferred.calls, first.deferred.approvals
    denied = ApprovalDecision(approved=False, denied_message="not today")
    events = await client.stream(
        continuation(
            first,
            [
                DeferredToolResult(tool_call_id=weather.tool_call_id, retry_text="no such city"),
                DeferredToolResult(tool_call_id=evacuate.tool_call_id, approval=denied),
            ],
        )
    )
    results = {e.tool_result.tool_name: e.tool_result for e in events if e.HasField("tool_result")}
    assert "no such city" in results["weather"].retry_text
    assert json.loads(results["evacuate"].content_json) == "not today"


def _history(*returns: tuple[str, str]) -> list[ModelMessage]:
    """A turn where the model called `weather` once per entry, each answered `ok` or `retried`."""
    messages: list[ModelMessage] = [ModelRequest(parts=[UserPromptPart("hi")])]
    for call_id, outcome in returns:
        messages.append(ModelResponse(parts=[ToolCallPart("weather", {"city": "a"}, tool_call_id=call_id)]))
        messages.append(
            ModelRequest(
                parts=[ToolReturnPart("weather", "x", tool_call_id=call_id, outcome=outcome)]  # pyright: ignore[reportArgumentType]
            )
        )
    return messages


def _apply(history: list[ModelMessage], results: list[DeferredToolResult]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"message_history": history}
    request = RunRequest(agent="echo", host_tools=TOOLS, deferred_tool_results=results)
    apply_host_tools(Agent(TestModel(), retries=1), request, kwargs)
    return kwargs


def test_a_host_tool_retry_past_the_agents_retries_fails_as_pydantic_ai_fails_a_tool() -> None:
    # Each round trip is a pydantic-ai run of its own: the earlier failures are read from the history.
    history = _history(("c1", "retried"))
    history.append(ModelResponse(parts=[ToolCallPart("weather", {}, tool_call_id="c2")]))
    retry = DeferredToolResult(tool_call_id="c2", retry_text="still down")
    with pytest.raises(UnexpectedModelBehavior, match="Tool 'weather' exceeded max retries count of 1"):
        _apply(history, [retry])


def test_a_success_or_a_new_prompt_resets_a_host_tools_failures() -> None:
    after_success = [*_history(("c1", "retried"), ("c2", "success"))]
    after_success.append(ModelResponse(parts=[ToolCallPart("weather", {}, tool_call_id="c3")]))
    _apply(after_success, [DeferredToolResult(tool_call_id="c3", retry_text="down again")])
    new_turn = [*_history(("c1", "retried")), ModelRequest(parts=[UserPromptPart("again")])]
    new_turn.append(ModelResponse(parts=[ToolCallPart("weather", {}, tool_call_id="c4")]))
    _apply(new_turn, [DeferredToolResult(tool_call_id="c4", retry_text="down")])


def test_plain_host_calls_left_open_beside_an_approval_are_deferred_again() -> None:
    history: list[ModelMessage] = [
        ModelRequest(parts=[UserPromptPart("hi")]),
        ModelResponse(
            parts=[
                ToolCallPart("weather", {"city": "a"}, tool_call_id="plain"),
                ToolCallPart("evacuate", {"city": "a"}, tool_call_id="gated"),
            ]
        ),
    ]
    decision = DeferredToolResult(tool_call_id="gated", approval=ApprovalDecision(approved=False))
    results = _apply(history, [decision])["deferred_tool_results"]
    assert isinstance(results.approvals["plain"], ToolApproved)
    assert isinstance(results.approvals["gated"], ToolDenied)
