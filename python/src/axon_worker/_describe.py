"""The Describe answer: each hosted agent's schemas, and the worker's versions.

The output schema is pydantic-ai's own `agent.output_json_schema()`, for every output mode (plain
types, unions, lists, ToolOutput, NativeOutput, PromptedOutput, TextOutput, output functions).
"""

from __future__ import annotations

import logging
import os
import platform
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import version
from typing import Any, TypeVar

import grpc
from pydantic_ai import DeferredToolRequests, models
from pydantic_ai.agent import AbstractAgent
from pydantic_ai.messages import InstructionPart
from pydantic_ai.toolsets import FunctionToolset

from . import __version__
from ._deps import AgentDeps, json_deps
from ._proto.axon.v1 import describe_pb2 as pb
from ._result import to_json

__all__ = ["describe", "model_label", "versions"]

_TEXT_SCHEMA = b'{"type":"string"}'

logger = logging.getLogger("axon_worker.describe")
T = TypeVar("T")


def versions() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "pydantic_ai": version("pydantic-ai-slim"),
        "axon_worker": __version__,
        "grpc": grpc.__version__,
    }


def model_label(model: models.Model | str | None) -> str:
    if model is None:
        return ""
    return model if isinstance(model, str) else model.model_name


def _description(agent: AbstractAgent[Any, Any]) -> str:
    if agent.description:
        return agent.description
    return _first_instruction_line(agent)


def _first_instruction_line(agent: AbstractAgent[Any, Any]) -> str:
    """The first line of the agent's first static instruction (`Agent(instructions="...")`).

    pydantic-ai 2.68 has no public accessor for an agent's configured instructions, so this reads the
    private `Agent._instructions` (a list of `SourcedInstruction`s whose `.instruction` is a `str`, an
    `InstructionPart`, a template or a function); tests/test_output_modes.py pins it.
    """
    sourced: object = getattr(agent, "_instructions", None)
    for item in sourced if isinstance(sourced, list) else []:  # pyright: ignore[reportUnknownVariableType]
        instruction: object = getattr(item, "instruction", None)  # pyright: ignore[reportUnknownArgumentType]
        if isinstance(instruction, InstructionPart) and not instruction.dynamic:
            instruction = instruction.content
        if isinstance(instruction, str) and instruction.strip():
            return instruction.strip().splitlines()[0]
    return ""


def _without_deferred(spec: Any) -> Any:
    """The output spec minus `DeferredToolRequests`: deferred calls travel as RunResponse.deferred."""
    if isinstance(spec, Sequence) and not isinstance(spec, str):
        kept: list[Any] = [item for item in spec if item is not DeferredToolRequests]  # pyright: ignore[reportUnknownVariableType]
        return kept[0] if len(kept) == 1 else kept
    return spec


def _output(agent: AbstractAgent[Any, Any]) -> tuple[str, bytes]:
    schema = to_json(agent.output_json_schema(_without_deferred(agent.output_type)))
    return ("text" if schema == _TEXT_SCHEMA else "structured"), schema


def _tools(agent: AbstractAgent[Any, Any]) -> list[pb.ToolDescription]:
    # Only function toolsets are known without a run (MCP servers etc. list their tools per run).
    tools: list[pb.ToolDescription] = []
    for toolset in agent.toolsets:
        if isinstance(toolset, FunctionToolset):
            for tool in toolset.tools.values():
                tool_def = tool.tool_def
                tools.append(
                    pb.ToolDescription(
                        name=tool_def.name,
                        description=tool_def.description or "",
                        parameters_json_schema=to_json(tool_def.parameters_json_schema),
                    )
                )
    return tools


def _degraded(name: str, part: str, describe_part: Callable[[], T], fallback: Callable[[str], T]) -> T:
    """One part of one agent's description, or a degraded one naming the reason: Describe never raises.

    A Describe that raises fails the host's handshake, and with it the worker: one agent whose deps
    or output pydantic cannot put in a schema (a `sqlite3.Connection` in its deps) would take every
    agent of the worker down. It still serves; only its schema is unknown (docs/agents.md).
    """
    try:
        return describe_part()
    except Exception as error:
        reason = f"cannot describe the {part} of agent {name!r}: {type(error).__name__}: {error}"
        logger.warning("%s; Describe reports it degraded", reason, exc_info=error)
        return fallback(reason)


def _unknown_output(reason: str) -> tuple[str, bytes]:
    # An empty schema (any value) with the reason where a reader of the schema looks for it.
    return "structured", to_json({"description": f"Axon {reason}"})


def _describe_agent(
    name: str, agent: AbstractAgent[Any, Any], default_model: str | None, deps: AgentDeps | None
) -> pb.AgentDescription:
    kind, schema = _degraded(name, "output", lambda: _output(agent), _unknown_output)
    model = default_model or _degraded(name, "model", lambda: model_label(agent.model), lambda _: "")
    return pb.AgentDescription(
        name=name,
        description=_degraded(name, "description", lambda: _description(agent), lambda _: ""),
        default_model=model,
        output_kind=kind,
        output_json_schema=schema,
        tools=_degraded(name, "tools", lambda: _tools(agent), lambda _: []),
        # No schema: the host sends no deps, as for an agent whose deps are not JSON.
        deps_json_schema=_degraded(
            name, "deps", lambda: (deps or json_deps(agent.deps_type)).schema, lambda _: b""
        ),
    )


def describe(
    agents: dict[str, AbstractAgent[Any, Any]],
    default_model: str | None,
    deps: Mapping[str, AgentDeps] | None = None,
) -> pb.DescribeResponse:
    """`deps`: how each agent's deps are made; its schema is what a caller sends (a factory's input)."""
    deps = deps or {}
    response = pb.DescribeResponse(pid=os.getpid(), versions=pb.Versions(**versions()))
    response.agents.extend(
        _describe_agent(name, agent, default_model, deps.get(name)) for name, agent in agents.items()
    )
    return response
