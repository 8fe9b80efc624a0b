"""The Describe answer: each hosted agent's schemas, and the worker's versions."""

from __future__ import annotations

import dataclasses
import os
import platform
from importlib.metadata import version
from typing import Any

import grpc
import pydantic
from pydantic_ai import models
from pydantic_ai.agent import AbstractAgent
from pydantic_ai.toolsets import FunctionToolset

from . import __version__
from ._proto.axon.v1 import describe_pb2 as pb
from ._result import to_json

__all__ = ["describe", "model_label", "versions"]

_TEXT_SCHEMA = b'{"type":"string"}'


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
    description = getattr(agent, "description", None)
    if isinstance(description, str) and description:
        return description
    instructions = getattr(agent, "_instructions", None)  # no public accessor for static instructions
    if isinstance(instructions, list):
        for item in instructions:  # pyright: ignore[reportUnknownVariableType]
            if isinstance(item, str) and item.strip():
                return item.strip().splitlines()[0]
    return ""


def _output(agent: AbstractAgent[Any, Any]) -> tuple[str, bytes]:
    output_type: Any = agent.output_type
    if output_type is str:
        return "text", _TEXT_SCHEMA
    try:
        return "structured", to_json(pydantic.TypeAdapter(output_type).json_schema())
    except (pydantic.PydanticSchemaGenerationError, pydantic.PydanticUserError, TypeError):
        # Output specs such as ToolOutput/NativeOutput or output functions have no single type.
        return "structured", b"{}"


def _is_model_or_dataclass(kind: Any) -> bool:
    return dataclasses.is_dataclass(kind) or (isinstance(kind, type) and issubclass(kind, pydantic.BaseModel))


def _deps_schema(agent: AbstractAgent[Any, Any]) -> bytes:
    deps_type: Any = getattr(agent, "deps_type", type(None))
    if not _is_model_or_dataclass(deps_type):
        return b""
    return to_json(pydantic.TypeAdapter(deps_type).json_schema())


def _tools(agent: AbstractAgent[Any, Any]) -> list[pb.ToolDescription]:
    # Only function toolsets are known without a run (MCP servers etc. list their tools per run).
    tools: list[pb.ToolDescription] = []
    for toolset in agent.toolsets:
        if isinstance(toolset, FunctionToolset):
            for tool in toolset.tools.values():  # pyright: ignore[reportUnknownVariableType, reportUnknownMemberType]
                tool_def = tool.tool_def  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
                tools.append(
                    pb.ToolDescription(
                        name=tool_def.name,  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]
                        description=tool_def.description or "",  # pyright: ignore[reportUnknownMemberType]
                        parameters_json_schema=to_json(tool_def.parameters_json_schema),  # pyright: ignore[reportUnknownMemberType]
                    )
                )
    return tools


def describe(agents: dict[str, AbstractAgent[Any, Any]], default_model: str | None) -> pb.DescribeResponse:
    response = pb.DescribeResponse(pid=os.getpid(), versions=pb.Versions(**versions()))
    for name, agent in agents.items():
        kind, schema = _output(agent)
        response.agents.append(
            pb.AgentDescription(
                name=name,
                description=_description(agent),
                default_model=default_model or model_label(agent.model),
                output_kind=kind,
                output_json_schema=schema,
                tools=_tools(agent),
                deps_json_schema=_deps_schema(agent),
            )
        )
    return response
