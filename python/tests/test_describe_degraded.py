"""Describe never raises: an agent pydantic cannot describe is reported degraded, with the reason."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic_ai import Agent
from pydantic_ai.agent import AbstractAgent
from pydantic_ai.models.test import TestModel

from axon_worker._describe import describe

from ._stub import Client
from ._worker import FIXTURES, Worker

sys.path.insert(0, str(FIXTURES))
import undescribable  # pyright: ignore[reportMissingImports]


def test_an_agent_whose_output_has_no_schema_is_described_with_the_reason(
    caplog: pytest.LogCaptureFixture,
) -> None:
    agents: dict[str, AbstractAgent[Any, Any]] = {
        "db": undescribable.agent,  # pyright: ignore[reportUnknownMemberType]
        "echo": Agent(TestModel(), description="fine"),
    }
    with caplog.at_level(logging.WARNING, "axon_worker.describe"):
        response = describe(agents, None)
    db, echo = response.agents
    schema = json.loads(db.output_json_schema)
    assert db.output_kind == "structured" and db.description == "Opens a database."
    assert "cannot describe the output of agent 'db'" in schema["description"]
    assert "PydanticSchemaGenerationError" in schema["description"]
    assert echo.output_kind == "text"
    (record,) = caplog.records
    assert record.exc_info is not None and "agent 'db'" in record.getMessage()


async def test_a_worker_with_an_undescribable_agent_starts_and_describes_the_others(
    tmp_path: Path,
) -> None:
    worker = Worker(
        ["--listen", f"unix:{tmp_path / 'w.sock'}"],
        agents={"db": "undescribable:agent", "echo": "examples.agents.echo:agent"},
    )
    try:
        client = Client(worker.address)
        agents = {agent.name: agent for agent in (await client.describe()).agents}
        assert json.loads(agents["echo"].output_json_schema) == {"type": "string"}
        assert "cannot describe the output" in json.loads(agents["db"].output_json_schema)["description"]
        warning = worker.wait_for(lambda m: m["type"] == "log" and "agent 'db'" in str(m.get("message")))
        assert warning["level"] in ("WARNING", "warning", 30)
        await client.close()
    finally:
        worker.stop()
