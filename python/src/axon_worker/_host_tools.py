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
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.tools import ToolDefinition
from pydantic_ai.toolsets import AbstractToolset
from pydantic_ai.toolsets.abstract import ToolsetTool
from pydantic_core import SchemaValidator, core_schema

from ._errors import RequestError, ToolRetriesExhausted
from ._json import json_object
from ._proto.axon.v1 import run_pb2 as pb

__all__ = ["HostToolset", "apply_host_tools"]

# The host validates arguments against its own schema; here any JSON object is passed through.
_ANY_ARGS = SchemaValidator(core_schema.any_schema())


class HostToolset(AbstractToolset[Any]):
    """Exposes host tool definitions to the model; every call is deferred to the host."""

    def __init__(self, definitions: Sequence[pb.ToolDefinition], max_retries: int | None = None) -> None:
        self._max_retries = max_retries
        """None: the run's tool retry budget (`RunContext.max_retries`: agent, spec or run)."""
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
            name: ToolsetTool(
                toolset=self,
                tool_def=tool_def,
                max_retries=ctx.max_retries if self._max_retries is None else self._max_retries,
                args_validator=_ANY_ARGS,
            )
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


def _tool_retries(agent: AbstractAgent[Any, Any]) -> int:
    """The agent's tool retry budget before its run starts, for `_check_retries`.

    Inside a run it is the public `RunContext.max_retries` (HostToolset uses that); before one,
    pydantic-ai 2.68 has no public accessor for `Agent(retries=...)`, so this reads the private
    `_max_tool_retries` (1 is pydantic-ai's default); tests/test_host_tool_retries.py pins it.
    """
    retries = getattr(agent, "_max_tool_retries", 1)
    return retries if isinstance(retries, int) else 1


def _open_calls(history: Sequence[ModelMessage]) -> list[ToolCallPart]:
    """The calls of the last model response that no later request answered yet."""
    index = next((i for i in range(len(history) - 1, -1, -1) if isinstance(history[i], ModelResponse)), None)
    if index is None:
        return []
    response = history[index]
    assert isinstance(response, ModelResponse)
    answered = {
        part.tool_call_id
        for message in history[index + 1 :]
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, ToolReturnPart)
    }
    return [call for call in response.tool_calls if call.tool_call_id not in answered]


def _failures_so_far(history: Sequence[ModelMessage]) -> dict[str, int]:
    """Each tool's failed calls since its last success in this turn, as pydantic-ai counts retries in a run.

    Every round trip is a run of its own, so pydantic-ai's per-run count starts at 0 each time; the
    history is where the earlier round trips' failures are (state lives in the history).
    """
    failures: dict[str, int] = {}
    for message in history:
        if not isinstance(message, ModelRequest):
            continue
        if any(isinstance(part, UserPromptPart) for part in message.parts):
            failures.clear()  # a new turn is a new run: pydantic-ai starts counting again
        returns = [part for part in message.parts if isinstance(part, ToolReturnPart)]
        # Like pydantic-ai, a step counts once per tool however many of its calls failed.
        failed = {part.tool_name for part in returns if part.outcome == "retried"}
        for name in {part.tool_name for part in returns} - failed:
            failures[name] = 0
        for name in failed:
            failures[name] = failures.get(name, 0) + 1
    return failures


def _check_retries(
    results: Sequence[pb.DeferredToolResult], history: Sequence[ModelMessage], max_retries: int
) -> None:
    """Fail the run when a host tool's retry goes past the agent's retries, as pydantic-ai fails a
    function tool's (tool_manager.py `_check_max_retries`, with the same message)."""
    names = {call.tool_call_id: call.tool_name for call in _open_calls(history)}
    failures = _failures_so_far(history)
    for result in results:
        name = names.get(result.tool_call_id)
        if result.WhichOneof("result") == "retry_text" and name and failures.get(name, 0) >= max_retries:
            raise ToolRetriesExhausted(name, max_retries)


def _still_open(
    history: Sequence[ModelMessage], definitions: Sequence[pb.ToolDefinition], answered: set[str]
) -> list[str]:
    """Host calls left unanswered, e.g. beside a call awaiting approval: pydantic-ai wants a result for
    every deferred call at once, and an approval (`ToolApproved`) of a plain host call defers it again."""
    plain = {d.name for d in definitions if not d.requires_approval}
    return [
        call.tool_call_id
        for call in _open_calls(history)
        if call.tool_name in plain and call.tool_call_id not in answered
    ]


def apply_host_tools(agent: AbstractAgent[Any, Any], request: pb.RunRequest, kwargs: dict[str, Any]) -> None:
    """Add the run's host toolset, its deferred output type and the previous round trip's results."""
    max_retries = _tool_retries(agent)
    if request.host_tools:
        kwargs["toolsets"] = [HostToolset(request.host_tools)]
        kwargs["output_type"] = _with_deferred(agent.output_type)
    if request.deferred_tool_results:
        history: Sequence[ModelMessage] = kwargs.get("message_history") or []
        _check_retries(request.deferred_tool_results, history, max_retries)
        results = _deferred_results(request.deferred_tool_results)
        answered = {r.tool_call_id for r in request.deferred_tool_results}
        for call_id in _still_open(history, request.host_tools, answered):
            results.approvals[call_id] = ToolApproved()
        kwargs["deferred_tool_results"] = results
