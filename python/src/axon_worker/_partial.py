"""Partial structured output while a run streams: which parts of a model response carry the output,
and how to read the output so far out of their JSON text.

`run_stream_events` streams what the model writes for the output (an output tool's arguments, or
the text of `NativeOutput` / `PromptedOutput`) but validates it only once the response is complete.
So we parse that text leniently and take off pydantic-ai's envelopes, which the run's output spec
determines (pydantic_ai/_output.py; each is pinned by tests/test_output_modes.py):

- an output that is not an object (`list[...]`, `int`, the `None` of `str | None`) travels as
  `{"response": value}`;
- several `NativeOutput` / `PromptedOutput` types travel as `{"result": {"kind": name, "data": value}}`;
- an output function's arguments are not its output (the function makes it): nothing to stream.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Sequence
from dataclasses import dataclass, is_dataclass
from typing import Any, Literal, Union, cast, get_args, get_origin, is_typeddict

import pydantic
from pydantic_ai import DeferredToolRequests, NativeOutput, PromptedOutput, TextOutput, ToolOutput

__all__ = ["UNKNOWN", "OutputShape", "output_shape"]


@dataclass(frozen=True)
class _Member:
    kind: Any
    tool_name: str | None = None  # `ToolOutput(name=...)`

    @property
    def is_function(self) -> bool:
        return inspect.isfunction(self.kind) or inspect.ismethod(self.kind)

    @property
    def wrapped(self) -> bool:
        """Sent as `{"response": ...}`: what pydantic-ai's `is_model_like` does not call an object."""
        if not isinstance(self.kind, type) or isinstance(self.kind, types.GenericAlias):
            return True
        kind: type[Any] = self.kind
        return not (issubclass(kind, pydantic.BaseModel) or is_dataclass(kind) or is_typeddict(kind))

    def named(self, name: str) -> bool:
        """Whether `name` (a tool name or a union `kind`) stands for this member."""
        if self.tool_name is not None:
            return name == self.tool_name
        own = getattr(self.kind, "__name__", None) or type(self.kind).__name__
        return name == own or name.endswith(f"_{own}")


@dataclass(frozen=True)
class OutputShape:
    """Where a run's output is in the model's response."""

    text: Literal["prose", "json"] = "prose"
    """`json` for NativeOutput/PromptedOutput: the response text is the output's JSON, not prose."""
    text_members: tuple[_Member, ...] = ()
    tool_members: tuple[_Member, ...] = ()
    known: bool = True
    """False when the spec is unknown: output tool arguments are then streamed as they are."""

    def from_tool(self, tool_name: str, partial: object) -> object | None:
        """The output so far in an output tool's (partial) arguments; None when there is none."""
        if not self.known:
            return partial
        member = self._tool_member(tool_name)
        if member is None or member.is_function:
            return None
        return _unwrap(partial) if member.wrapped else partial

    def from_text(self, partial: object) -> object | None:
        """The output so far in the (partial) JSON text of a NativeOutput/PromptedOutput response."""
        if len(self.text_members) == 1:
            return _unwrap(partial) if self.text_members[0].wrapped else partial
        result = _field(partial, "result")
        kind, data = _field(result, "kind"), _field(result, "data")
        member = next((m for m in self.text_members if isinstance(kind, str) and m.named(kind)), None)
        if member is None or data is None:
            return None
        return _unwrap(data) if member.wrapped else data

    def _tool_member(self, tool_name: str) -> _Member | None:
        if len(self.tool_members) == 1:
            return self.tool_members[0]
        return next((m for m in self.tool_members if m.named(tool_name)), None)


def _field(value: object, key: str) -> object | None:
    """`value[key]` of a JSON object; None when `value` is none or lacks `key` (so far)."""
    return cast("dict[str, object]", value).get(key) if isinstance(value, dict) else None


def _unwrap(partial: object) -> object | None:
    return _field(partial, "response")


def _flatten(spec: Any) -> list[Any]:
    if isinstance(spec, Sequence) and not isinstance(spec, str):
        return [item for part in spec for item in _flatten(part)]  # pyright: ignore[reportUnknownVariableType]
    if get_origin(spec) in (Union, types.UnionType):
        return [item for part in get_args(spec) for item in _flatten(part)]
    return [spec]


def output_shape(spec: Any) -> OutputShape:
    """The shape of a run with output spec `spec` (the agent's, or the run's override)."""
    text: Literal["prose", "json"] = "prose"
    text_members: list[_Member] = []
    tool_members: list[_Member] = []
    for item in _flatten(spec):
        if isinstance(item, NativeOutput | PromptedOutput):
            text = "json"
            text_members.extend(_Member(kind) for kind in _flatten(item.outputs))  # pyright: ignore[reportUnknownMemberType]
        elif isinstance(item, ToolOutput):
            name: str | None = item.name
            tool_members.extend(_Member(kind, name) for kind in _flatten(item.output))  # pyright: ignore[reportUnknownMemberType]
        elif item is str or item is DeferredToolRequests or isinstance(item, TextOutput):
            continue  # text output (prose), or deferred calls (RunResponse.deferred)
        else:
            tool_members.append(_Member(item))
    return OutputShape(text, tuple(text_members), tuple(tool_members))


UNKNOWN = OutputShape(known=False)
