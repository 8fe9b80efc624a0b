"""How an agent's deps are made for a run: from the caller's JSON, by a deps factory, or by a lifespan.

docs/agents.md ("Deps and deps factories") is the user's side of this. In short:

- no factory: the caller's `deps_json` is validated against the agent's own `deps_type`;
- `deps=mod:make_deps`: `make_deps(input)` (or `make_deps(input, resources)` with a lifespan, or
  `make_deps()`) is called per run, sync or async; `input` is the caller's `deps_json` validated
  against the first parameter's annotation, whose JSON Schema Describe reports;
- `lifespan=mod:lifespan` alone: what the lifespan yielded is every run's deps (the caller sends none);
- `deps=mod:SupportDeps`, a class (or instance) that is an async context manager: entered once per
  worker like a lifespan, and what `__aenter__` returns is the factory.
"""

from __future__ import annotations

import contextlib
import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import pydantic

from ._errors import RequestError
from ._result import to_json

__all__ = ["AgentDeps", "DepsError", "agent_deps", "json_deps"]

_NO_INPUT: Any = object()
"""The parsed input of a factory that takes none (or whose input has a default and none was sent)."""


@dataclass
class DepsError(Exception):
    """A deps factory or lifespan that cannot work, found at load time (a LoadError for the agent)."""

    message: str
    hint: str

    def __str__(self) -> str:
        return self.message


def _validation_text(error: pydantic.ValidationError) -> str:
    """`customer_id: Input should be a valid integer`, so the message names the field."""
    return "; ".join(
        f"{'.'.join(str(part) for part in item['loc']) or '(root)'}: {item['msg']}" for item in error.errors()
    )


class AgentDeps:
    """One agent's way to deps: `parse` checks the caller's JSON on entry, `make` builds the run's deps."""

    def __init__(
        self,
        *,
        input_type: Any = _NO_INPUT,
        input_required: bool = True,
        factory: Callable[..., Any] | None = None,
        passes_resources: bool = False,
        lifespan: Callable[[], contextlib.AbstractAsyncContextManager[Any]] | None = None,
        resources_are_factory: bool = False,
        refusal: str | None = None,
        what: str = "this agent",
    ) -> None:
        self._adapter: pydantic.TypeAdapter[Any] | None = (
            None if input_type is _NO_INPUT else pydantic.TypeAdapter(input_type)
        )
        self._input_type = input_type
        self._input_required = input_required
        self._factory = factory
        self._passes_resources = passes_resources
        self.lifespan = lifespan
        """Entered once per worker (see _lifespan.py); None when the agent has none."""
        self._resources_are_factory = resources_are_factory
        self._resources: Any = None
        self._refusal = refusal
        self._what = what

    @property
    def schema(self) -> bytes:
        """The JSON Schema of what a caller sends as deps; empty when nothing is sent (or it is not JSON)."""
        if self._adapter is None or self._refusal is not None or self._input_type is Any:
            return b""
        try:
            return to_json(self._adapter.json_schema())
        except (pydantic.PydanticSchemaGenerationError, pydantic.PydanticUserError, TypeError):
            return b""

    def open(self, resources: Any) -> None:
        """Called once the lifespan has been entered, with what it yielded."""
        self._resources = resources
        if self._resources_are_factory:
            if not callable(resources):
                raise DepsError(
                    f"{self._what}: __aenter__ returned a {type(resources).__name__}, not a deps factory",
                    "return self (or another callable) from __aenter__; its __call__ builds each run's deps",
                )
            self._factory = resources

    def parse(self, raw: bytes) -> Any:
        """The caller's deps, validated; `RequestError('deps_json', ...)` when they do not fit."""
        if self._refusal is not None:
            raise RequestError("deps_json", self._refusal)
        if self._adapter is None:
            if raw:
                made = " (the worker makes its deps)" if self._factory or self.lifespan else ""
                raise RequestError("deps_json", f"{self._what} takes no deps, but deps_json was given{made}")
            return _NO_INPUT
        try:
            if raw:
                return self._adapter.validate_json(raw)
            if not self._input_required:
                return _NO_INPUT
            return self._adapter.validate_python(None)
        except pydantic.ValidationError as error:
            if not raw:
                kind = getattr(self._input_type, "__name__", "JSON value")
                raise RequestError(
                    "deps_json", f"{self._what} needs deps: send a {kind} as deps_json (see its deps schema)"
                ) from None
            raise RequestError("deps_json", f"invalid deps_json: {_validation_text(error)}") from None

    async def make(self, parsed: Any) -> Any:
        """The run's deps from what `parse` returned (the factory may be sync or async)."""
        if self._factory is None:
            return self._resources if self.lifespan is not None else (None if parsed is _NO_INPUT else parsed)
        args: list[Any] = [] if parsed is _NO_INPUT else [parsed]
        if self._passes_resources:
            args.append(self._resources)
        deps = self._factory(*args)
        return await deps if inspect.isawaitable(deps) else deps


def json_deps(deps_type: Any) -> AgentDeps:
    """No factory: the caller's JSON validated against the agent's own `deps_type`."""
    # pydantic-ai's default deps_type is `object` ("undeclared"): any JSON value goes, as parsed.
    if deps_type is type(None):
        return AgentDeps(what="this agent")
    name = getattr(deps_type, "__name__", repr(deps_type))
    try:
        if deps_type is not object:
            pydantic.TypeAdapter(deps_type).json_schema()
    except (pydantic.PydanticSchemaGenerationError, pydantic.PydanticUserError, TypeError):
        # A deps_type holding live resources (sqlite3.Connection, httpx.AsyncClient) is made, not sent.
        return _unsendable(name)
    if deps_type is object:
        return AgentDeps(input_type=Any, input_required=False)
    return AgentDeps(input_type=deps_type)


def _unsendable(name: str) -> AgentDeps:
    return AgentDeps(
        refusal=f"deps of type {name} cannot be sent as JSON; name a deps factory for this agent "
        "(agents.<name>.deps in axon.config.ts) that builds them"
    )


def _positional(signature: inspect.Signature) -> list[inspect.Parameter]:
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [p for p in signature.parameters.values() if p.kind in kinds]


def _factory_input(factory: Callable[..., Any], what: str) -> tuple[list[inspect.Parameter], Any]:
    """The factory's positional parameters and the first one's type (Any when not annotated)."""
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError) as error:
        raise DepsError(
            f"{what}: cannot read its signature: {error}", "use a plain function or class"
        ) from None
    params = _positional(signature)
    if len(params) > 2:
        raise DepsError(
            f"{what} takes {len(params)} positional parameters",
            "a deps factory takes (input), (input, resources) or nothing",
        )
    if not params:
        return params, _NO_INPUT
    target = factory.__call__ if not inspect.isroutine(factory) else factory
    try:
        hints = typing.get_type_hints(target)
    except Exception:  # annotations that do not resolve: treat the input as Any
        hints = {}
    return params, hints.get(params[0].name, Any)


def _check_json(input_type: Any, what: str) -> None:
    try:
        pydantic.TypeAdapter(input_type).json_schema()
    except (pydantic.PydanticSchemaGenerationError, pydantic.PydanticUserError, TypeError) as error:
        raise DepsError(
            f"{what}: its input type {input_type!r} is not JSON: {error}",
            "annotate the first parameter with what a caller sends (a pydantic model, a dataclass, a dict)",
        ) from None


def agent_deps(
    name: str, deps_type: Any, factory: Any | None, lifespan: Any | None, *, factory_spec: str = ""
) -> AgentDeps:
    """The `AgentDeps` of agent `name` from its config; raises `DepsError` when they cannot work."""
    if factory is None and lifespan is None:
        return json_deps(deps_type)
    what = f"deps factory {factory_spec or name!r}"
    if factory is None:
        return AgentDeps(lifespan=_opener(lifespan, f"lifespan of agent {name!r}"), what=f"agent {name!r}")
    if hasattr(factory, "__aenter__"):
        # A class (or instance) with both: entered once like a lifespan, its __aenter__ result builds deps.
        if lifespan is not None:
            raise DepsError(
                f"{factory_spec} is an async context manager itself, and the agent has a lifespan too",
                "give either a deps object (with __aenter__ and __call__) or a factory plus a lifespan",
            )
        instance: Any = factory() if inspect.isclass(factory) else factory
        params, input_type = _factory_input(instance, what)
        return _built(what, params, input_type, lifespan=lambda: instance, resources_are_factory=True)
    if not callable(factory):
        raise DepsError(f"{what} is a {type(factory).__name__}, not callable", "point it at a function")
    params, input_type = _factory_input(factory, what)
    opener = None if lifespan is None else _opener(lifespan, f"lifespan of agent {name!r}")
    if opener is not None and len(params) < 2:
        raise DepsError(
            f"{what} takes {len(params)} parameter(s), so it cannot receive the lifespan's resources",
            "write it as make_deps(input, resources) to use what the lifespan yields",
        )
    if opener is None and len(params) == 2:
        raise DepsError(
            f"{what} takes (input, resources) but the agent has no lifespan",
            "name the lifespan that yields the resources (agents.<name>.lifespan)",
        )
    return _built(what, params, input_type, factory=factory, lifespan=opener)


def _built(
    what: str,
    params: list[inspect.Parameter],
    input_type: Any,
    *,
    factory: Callable[..., Any] | None = None,
    lifespan: Callable[[], contextlib.AbstractAsyncContextManager[Any]] | None = None,
    resources_are_factory: bool = False,
) -> AgentDeps:
    if input_type is not _NO_INPUT:
        _check_json(input_type, what)
    return AgentDeps(
        input_type=input_type,
        input_required=bool(params) and params[0].default is inspect.Parameter.empty,
        factory=factory,
        passes_resources=len(params) == 2 and not resources_are_factory,
        lifespan=lifespan,
        resources_are_factory=resources_are_factory,
        what=what,
    )


def _opener(lifespan: Any, what: str) -> Callable[[], contextlib.AbstractAsyncContextManager[Any]]:
    """A lifespan is an async context manager, or a no-argument callable that returns one."""
    if hasattr(lifespan, "__aenter__") and not inspect.isclass(lifespan):
        return lambda: lifespan
    if callable(lifespan):
        return cast("Callable[[], contextlib.AbstractAsyncContextManager[Any]]", lifespan)
    raise DepsError(
        f"{what} is a {type(lifespan).__name__}",
        "point it at an @asynccontextmanager function (or an async context manager)",
    )
