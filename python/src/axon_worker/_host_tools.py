"""Tools implemented on the host (TypeScript), as stateless round trips.

A call to a host tool ends the run with `DeferredToolRequests` (RunResponse.deferred); the host runs
the tool and continues with the message history plus `deferred_tool_results`. A tool that
`requires_approval` first lands in `deferred.approvals`; once approved, the continued run defers it
again as a call for the host to execute (two round trips, so approval and execution stay separate).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic_ai import (
    DeferredToolRequests,
    DeferredToolResults,
    ModelRetry,
    RunContext,
    ToolApproved,
    ToolDenied,
)
from pydantic_ai.agent import AbstractAgent
from pydantic_ai.exceptions import ApprovalRequired, CallDeferred
from pydantic_ai.tools import ToolDefinition
from pydantic_ai.toolsets import AbstractToolset
from pydantic_ai.toolsets.abstract import ToolsetTool
from pydantic_core import SchemaValidator, core_schema

from ._errors import RequestError
from ._json import json_object
from ._proto.axon.v1 import run_pb2 as pb

__all__ = ["HostToolset", "apply_host_tools"]

# The host validates arguments against its own schema; here any JSON object is passed through.
_ANY_ARGS = SchemaValidator(core_schema.any_schema())


class HostToolset(AbstractToolset[Any]):
    """Exposes host tool definitions to the model; every call is deferred to the host."""

    def __init__(self, definitions: Sequence[pb.ToolDefinition]) -> None:
        self._tools: dict[str, tuple[ToolDefinition, bool]] = {}
        for definition in definitions:
            schema = json_object(definition.parameters_json_schema, "host_tools.parameters_json_schema")
            tool_def = ToolDefinition(
                name=definition.name,
                description=definition.description or None,
                parameters_json_schema=schema or {"type": "object", "properties": {}},
            )
            self._tools[definition.name] = (tool_def, definition.requires_approval)

    @property
    def id(self) -> str:
        return "axon-host-tools"

    async def get_tools(self, ctx: RunContext[Any]) -> dict[str, ToolsetTool[Any]]:
        return {
            name: ToolsetTool(toolset=self, tool_def=tool_def, max_retries=1, args_validator=_ANY_ARGS)
            for name, (tool_def, _) in self._tools.items()
        }

    async def call_tool(
        self, name: str, tool_args: dict[str, Any], ctx: RunContext[Any], tool: ToolsetTool[Any]
    ) -> Any:
        if self._tools[name][1] and not ctx.tool_call_approved:
            raise ApprovalRequired
        raise CallDeferred


def _deferred_results(results: Sequence[pb.DeferredToolResult]) -> DeferredToolResults:
    mapped = DeferredToolResults()
    field = "deferred_tool_results"
    for result in results:
        call_id = result.tool_call_id
        match result.WhichOneof("result"):
            case "return_json":
                try:
                    mapped.calls[call_id] = json.loads(result.return_json)
                except ValueError as error:
                    raise RequestError(field, f"{call_id}: return_json is not valid JSON: {error}") from None
            case "retry_text":
                mapped.calls[call_id] = ModelRetry(result.retry_text)
            case "approval" if result.approval.approved:
                override = json_object(result.approval.override_args_json, f"{field}.override_args_json")
                mapped.approvals[call_id] = ToolApproved(override_args=override)
            case "approval":
                denied = result.approval.denied_message
                mapped.approvals[call_id] = ToolDenied(denied) if denied else ToolDenied()
            case _:
                raise RequestError(field, f"{call_id}: set one of return_json, retry_text or approval")
    return mapped


def _with_deferred(output_type: Any) -> list[Any]:
    types: list[Any] = list(output_type) if isinstance(output_type, Sequence) else [output_type]  # pyright: ignore[reportUnknownArgumentType]
    return types if DeferredToolRequests in types else [*types, DeferredToolRequests]


def apply_host_tools(agent: AbstractAgent[Any, Any], request: pb.RunRequest, kwargs: dict[str, Any]) -> None:
    """Add the run's host toolset, its deferred output type and the previous round trip's results."""
    if request.host_tools:
        kwargs["toolsets"] = [HostToolset(request.host_tools)]
        kwargs["output_type"] = _with_deferred(agent.output_type)
    if request.deferred_tool_results:
        kwargs["deferred_tool_results"] = _deferred_results(request.deferred_tool_results)
