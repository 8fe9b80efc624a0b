"""Host tools get the run's tool retry budget: pydantic-ai's public `RunContext.max_retries` in a run,
the agent's `retries=` before one (a private read, pinned here)."""

from __future__ import annotations

from typing import Any

from pydantic_ai import Agent, RunContext
from pydantic_ai.models.test import TestModel

from axon_worker._host_tools import HostToolset, _tool_retries  # pyright: ignore[reportPrivateUsage]
from axon_worker._proto.axon.v1.run_pb2 import ToolDefinition


def test_the_agents_tool_retries_are_read_before_a_run() -> None:
    assert _tool_retries(Agent(TestModel(), retries=3)) == 3
    assert _tool_retries(Agent(TestModel(), retries={"tools": 4, "output": 1})) == 4
    assert _tool_retries(Agent(TestModel())) == 1


async def test_a_host_tool_gets_the_runs_retry_budget_not_a_fixed_one() -> None:
    toolset = HostToolset([ToolDefinition(name="lookup", parameters_json_schema=b"{}")])
    seen: list[int] = []
    agent = Agent(TestModel(call_tools=[]), retries=2, toolsets=[toolset])

    @agent.instructions
    async def record(ctx: RunContext[Any]) -> str:
        seen.extend(tool.max_retries for tool in (await toolset.get_tools(ctx)).values())
        return ""

    await agent.run("hi")
    await agent.run("hi", retries={"tools": 5})
    assert seen[0] == 2 and seen[-1] == 5
