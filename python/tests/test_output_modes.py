"""Every pydantic-ai output mode serves: Describe's schema, a unary run, a streamed run's output_deltas.

The agents are examples/agents/output_modes.py, one per mode, in one real worker.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic_ai import Agent

from axon_worker._describe import _first_instruction_line  # pyright: ignore[reportPrivateUsage]
from axon_worker._proto.axon.v1.run_pb2 import RunEvent, RunRequest

from ._stub import Client
from ._worker import Worker

PARIS = {"city": "Paris", "country": "France", "population": 2_102_650}
FRANCE = {"country": "France", "capital": "Paris"}
LYON = {**PARIS, "city": "Lyon", "population": 522_250}
MODES = [
    "plain",
    "union",
    "listed",
    "tool_output",
    "native",
    "native_union",
    "prompted",
    "text_output",
    "function",
    "optional",
    "deferred",
    "instructions_only",
]


@dataclass(frozen=True)
class Mode:
    agent: str
    schema: dict[str, Any]
    """What Describe reports: the titles of a union's members, or a part of the schema."""
    output: Any
    streams_output: bool
    """Whether a streamed run has output_deltas (output functions and text outputs have none)."""
    text_deltas: bool = False


CITY = {"title": "City", "type": "object"}
CITY_OR_COUNTRY = {"anyOf": ["City", "Country"]}
CASES = [
    Mode("plain", CITY, PARIS, streams_output=True),
    Mode("union", CITY_OR_COUNTRY, PARIS, streams_output=True),
    Mode("listed", {"type": "array"}, [PARIS, LYON], streams_output=True),
    Mode("tool_output", CITY, PARIS, streams_output=True),
    Mode("native", CITY, PARIS, streams_output=True),
    Mode("native_union", CITY_OR_COUNTRY, PARIS, streams_output=True),
    Mode("prompted", CITY, PARIS, streams_output=True),
    Mode("text_output", CITY, PARIS, streams_output=False, text_deltas=True),
    Mode("function", CITY, PARIS, streams_output=False),
    Mode("optional", {"anyOf": [{"type": "string"}, {"type": "null"}]}, "Paris", False, text_deltas=True),
]


@pytest.fixture(scope="module")
def modes_worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    socket = tmp_path_factory.mktemp("sock") / "modes.sock"
    agents = {name: f"examples.agents.output_modes:{name}" for name in MODES}
    process = Worker(["--listen", f"unix:{socket}"], agents=agents)
    process.ready()
    yield process
    process.stop()


@pytest.fixture
async def modes(modes_worker: Worker) -> AsyncIterator[Client]:
    connection = Client(modes_worker.address)
    yield connection
    await connection.close()


def matches(schema: dict[str, Any], expected: dict[str, Any]) -> bool:
    if "anyOf" in expected and isinstance(expected["anyOf"][0], str):
        defs = schema.get("$defs", {})
        members = [defs.get(m["$ref"].split("/")[-1]) if "$ref" in m else m for m in schema["anyOf"]]
        return [member.get("title") for member in members] == expected["anyOf"]
    return all(schema.get(key) == value for key, value in expected.items())


def deltas(events: list[RunEvent]) -> list[Any]:
    return [json.loads(e.output_delta.partial_json) for e in events if e.HasField("output_delta")]


@pytest.mark.parametrize("mode", CASES, ids=lambda mode: mode.agent)
async def test_describe_reports_the_output_schema_of_every_mode(modes: Client, mode: Mode) -> None:
    (agent,) = [a for a in (await modes.describe()).agents if a.name == mode.agent]
    schema = json.loads(agent.output_json_schema)
    assert matches(schema, mode.schema), schema
    assert agent.output_kind == "structured"


@pytest.mark.parametrize("mode", CASES, ids=lambda mode: mode.agent)
async def test_a_unary_run_of_every_mode_answers_its_output(modes: Client, mode: Mode) -> None:
    response = await modes.run(RunRequest(agent=mode.agent, prompt="Paris"))
    assert json.loads(response.output_json) == mode.output


@pytest.mark.parametrize("mode", CASES, ids=lambda mode: mode.agent)
async def test_a_streamed_run_of_every_mode_streams_its_partial_output(modes: Client, mode: Mode) -> None:
    events = await modes.stream(RunRequest(agent=mode.agent, prompt="Paris"))
    assert json.loads(events[-1].final.output_json) == mode.output
    partials = deltas(events)
    if mode.streams_output:
        assert len(partials) >= 3, partials
        assert partials[-1] == mode.output
        assert isinstance(partials[0], type(mode.output)) and partials[0] != mode.output
    else:
        assert partials == []
    assert any(e.HasField("text_delta") for e in events) == mode.text_deltas


@pytest.mark.parametrize("agent", ["union", "native_union"])
async def test_the_other_member_of_a_union_streams_as_itself(modes: Client, agent: str) -> None:
    events = await modes.stream(RunRequest(agent=agent, prompt="the country"))
    assert json.loads(events[-1].final.output_json) == FRANCE
    assert deltas(events)[-1] == FRANCE


async def test_the_none_of_str_or_none_is_a_null_output(modes: Client) -> None:
    response = await modes.run(RunRequest(agent="optional", prompt="nothing"))
    assert json.loads(response.output_json) is None
    events = await modes.stream(RunRequest(agent="optional", prompt="nothing"))
    assert json.loads(events[-1].final.output_json) is None


async def test_deferred_tool_requests_in_the_output_type_end_the_run_with_approvals(modes: Client) -> None:
    response = await modes.run(RunRequest(agent="deferred", prompt="Paris"))
    assert [call.tool_name for call in response.deferred.approvals] == ["book_table"]
    (agent,) = [a for a in (await modes.describe()).agents if a.name == "deferred"]
    # Deferred calls travel as RunResponse.deferred, so the output schema is the City alone.
    assert json.loads(agent.output_json_schema)["title"] == "City"


async def test_an_agent_with_only_instructions_is_described_by_their_first_line(modes: Client) -> None:
    (agent,) = [a for a in (await modes.describe()).agents if a.name == "instructions_only"]
    assert agent.description == "Answers questions about cities."
    assert agent.output_kind == "text"


def test_the_first_instruction_line_is_read_from_pydantic_ais_private_instructions() -> None:
    # Pins the private read in _describe.py: pydantic-ai has no public accessor for instructions.
    agent = Agent(instructions="  Plans trips.\nSecond line.")
    assert _first_instruction_line(agent) == "Plans trips."
    assert hasattr(agent, "_instructions")


def test_instruction_functions_are_not_a_description() -> None:
    agent = Agent()

    @agent.instructions
    def dynamic() -> str:
        return "made per run"

    assert _first_instruction_line(agent) == ""
