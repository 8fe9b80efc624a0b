"""Host (TypeScript) tools as stateless round trips: deferred calls, approvals, results."""

from __future__ import annotations

import json

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
