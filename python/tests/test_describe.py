"""Describe: the agents' schemas, tools and the worker's versions."""

from __future__ import annotations

import json
import os

from axon_worker._proto.axon.v1.describe_pb2 import AgentDescription

from ._stub import Client
from ._worker import Worker


async def described(client: Client) -> dict[str, AgentDescription]:
    return {agent.name: agent for agent in (await client.describe()).agents}


async def test_describe_lists_every_agent_with_its_output_kind(client: Client) -> None:
    agents = await described(client)
    assert list(agents) == ["echo", "structured", "tools", "chaos", "greeter"]
    assert agents["echo"].output_kind == "text"
    assert json.loads(agents["echo"].output_json_schema) == {"type": "string"}
    assert agents["echo"].description == "Answers with the prompt, exactly."
    assert agents["echo"].default_model == "echo"


async def test_describe_gives_the_output_schema_of_structured(client: Client) -> None:
    schema = json.loads((await described(client))["structured"].output_json_schema)
    assert (await described(client))["structured"].output_kind == "structured"
    assert schema["title"] == "CityInfo"
    assert set(schema["properties"]) == {"city", "country", "population"}
    assert schema["properties"]["population"]["type"] == "integer"


async def test_describe_gives_the_tool_schema_of_tools(client: Client) -> None:
    (tool,) = (await described(client))["tools"].tools
    assert tool.name == "add" and tool.description == "Add two integers."
    parameters = json.loads(tool.parameters_json_schema)
    assert parameters["properties"] == {"a": {"type": "integer"}, "b": {"type": "integer"}}
    assert parameters["required"] == ["a", "b"]


async def test_describe_gives_the_deps_schema_only_for_typed_deps(client: Client) -> None:
    agents = await described(client)
    assert json.loads(agents["greeter"].deps_json_schema)["title"] == "Greeting"
    assert agents["echo"].deps_json_schema == b""


async def test_describe_reports_versions_and_pid(client: Client, worker: Worker) -> None:
    response = await client.describe()
    assert response.pid == worker.pid != os.getpid()
    assert response.versions.pydantic_ai.startswith("2.")
    assert response.versions.axon_worker == "0.1.0"
    assert response.versions.python and response.versions.grpc
