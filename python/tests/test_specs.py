"""Agents without Python code: pydantic-ai Agent Specs (a file, inline, in --config), served as any other."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from axon_worker._proto.axon.v1.run_pb2 import RunRequest

from ._stub import Client
from ._worker import REPO_ROOT, Worker

SPEC_FILE = REPO_ROOT / "examples" / "agents" / "support.json"
INLINE = {"model": "test", "description": "Inline.", "instructions": "Say hi."}


@pytest.fixture(scope="module")
def spec_worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    config = tmp_path_factory.mktemp("config") / "agents.json"
    config.write_text(json.dumps({"agents": {"configured": {"spec": INLINE}}}))
    args = [
        *("--spec", f"from_file={SPEC_FILE}"),
        *("--spec-json", f"inline={json.dumps(INLINE)}"),
        *("--config", str(config)),
    ]
    worker = Worker(args, agents={})
    worker.ready()
    yield worker
    worker.stop()


@pytest.fixture
async def spec_client(spec_worker: Worker) -> AsyncIterator[Client]:
    client = Client(spec_worker.address)
    yield client
    await client.close()


async def test_a_spec_file_agent_is_described_with_its_output_schema_and_runs(spec_client: Client) -> None:
    agents = {agent.name: agent for agent in (await spec_client.describe()).agents}
    assert set(agents) == {"from_file", "inline", "configured"}
    described = agents["from_file"]
    assert described.description == "A support agent from an Agent Spec, with no Python code."
    assert described.default_model == "test"
    assert json.loads(described.output_json_schema)["required"] == ["answer", "escalate"]
    response = await spec_client.run(RunRequest(agent="from_file", prompt="my card is lost"))
    assert set(json.loads(response.output_json)) == {"answer", "escalate"}


async def test_inline_specs_from_the_command_line_and_from_config_run_and_stream(spec_client: Client) -> None:
    for name in ("inline", "configured"):
        response = await spec_client.run(RunRequest(agent=name, prompt="hi"))
        assert isinstance(json.loads(response.output_json), str)
        events = await spec_client.stream(RunRequest(agent=name, prompt="hi"))
        assert events[-1].HasField("final")


def fatal_of(args: list[str], code: int) -> dict[str, str]:
    worker = Worker(args, agents={})
    try:
        assert worker.wait_exit() == code
        (fatal,) = [m for m in worker.messages if m["type"] == "fatal"]
        return fatal
    finally:
        worker.stop()


def test_a_missing_spec_file_exits_78_naming_the_path(tmp_path: Path) -> None:
    fatal = fatal_of(["--spec", f"lost={tmp_path}/nope.yaml"], 78)
    assert "spec file not found" in fatal["message"] and "nope.yaml" in fatal["message"]


def test_an_invalid_spec_exits_78_saying_so() -> None:
    fatal = fatal_of(["--spec-json", 'bad={"model": "test", "retries": "many"}'], 78)
    assert "invalid Agent Spec" in fatal["message"] and "'bad'" in fatal["message"]


async def test_a_yaml_spec_file_serves_as_the_worker_depends_on_the_spec_extra(tmp_path: Path) -> None:
    spec = tmp_path / "agent.yaml"
    spec.write_text("model: test\ndescription: From YAML.\ninstructions: Say hi.\n")
    worker = Worker(["--spec", f"yaml={spec}"], agents={})
    try:
        worker.ready()
        client = Client(worker.address)
        try:
            (described,) = (await client.describe()).agents
            assert described.description == "From YAML."
            response = await client.run(RunRequest(agent="yaml", prompt="hi"))
            assert isinstance(json.loads(response.output_json), str)
        finally:
            await client.close()
    finally:
        worker.stop()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--agent", "a=examples.agents.echo:agent", "--spec", f"a={SPEC_FILE}"], "both a module and a spec"),
        (["--spec", "a"], "expected NAME=VALUE"),
        (["--spec-json", "a=[1]"], "expected a JSON object"),
        (["--spec", f"a={SPEC_FILE}", "--deps-factory", "b=m:f"], "no agent 'b'"),
    ],
)
def test_a_bad_agent_command_line_exits_2(args: list[str], expected: str) -> None:
    assert expected in fatal_of(args, 2)["message"]
