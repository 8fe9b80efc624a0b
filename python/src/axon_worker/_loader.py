"""Loading agents from `package.module:attribute` specs or pydantic-ai Agent Specs, with their deps."""

from __future__ import annotations

import importlib
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic_ai import Agent
from pydantic_ai.agent import AbstractAgent

from ._cli import AgentSource
from ._deps import AgentDeps, DepsError, agent_deps

__all__ = ["LoadError", "Loaded", "load", "load_agents"]


@dataclass
class LoadError(Exception):
    """An agent spec that could not be loaded: exit code 78, with a fatal control message."""

    message: str
    traceback: str
    hint: str

    def __str__(self) -> str:
        return self.message


@dataclass
class Loaded:
    """The hosted agents and how each one's deps are made, by name, in the order given."""

    agents: dict[str, AbstractAgent[Any, Any]] = field(default_factory=dict[str, AbstractAgent[Any, Any]])
    deps: dict[str, AgentDeps] = field(default_factory=dict[str, AgentDeps])


def _import(name: str, spec: str, what: str = "") -> object:
    """The object at `package.module:attribute` (`what` says which of the agent's specs it is)."""
    module_name, sep, attribute = spec.partition(":")
    of = f"agent {name!r}{what}"
    if not sep or not module_name or not attribute:
        raise LoadError(
            f"{of}: bad spec {spec!r}",
            "",
            "write it as package.module:attribute, e.g. examples.agents.echo:agent",
        )
    try:
        module = importlib.import_module(module_name)
    except BaseException as error:  # anything an import runs may fail, even SystemExit
        hint = (
            f"is {module_name.split('.')[0]!r} installed in this Python environment, "
            "or importable from the worker's working directory?"
            if isinstance(error, ModuleNotFoundError)
            else f"importing {module_name!r} raised {type(error).__name__}; see the traceback"
        )
        raise LoadError(
            f"{of}: cannot import {module_name!r}: {type(error).__name__}: {error}",
            traceback.format_exc(),
            hint,
        ) from None
    target: object = module
    for part in attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError as error:
            # A plain missing name raises in getattr itself; one raised by a property or a module
            # `__getattr__` comes from a frame below it, and its traceback says why.
            plain = error.__traceback__ is None or error.__traceback__.tb_next is None
            raise LoadError(
                f"{of}: module {module_name!r} has no attribute {attribute!r}",
                "" if plain else traceback.format_exc(),
                f"check the name after the colon in {spec!r}",
            ) from None
        except BaseException as error:  # a property or module `__getattr__` runs code, which may fail
            raise LoadError(
                f"{of}: reading {attribute!r} of {module_name!r} raised {type(error).__name__}: {error}",
                traceback.format_exc(),
                f"reading {part!r} runs code (a property or a module-level __getattr__); see the traceback",
            ) from None
    return target


def _load_one(name: str, spec: str) -> AbstractAgent[Any, Any]:
    target = _import(name, spec)
    if not isinstance(target, AbstractAgent):
        raise LoadError(
            f"agent {name!r}: {spec!r} is a {type(target).__name__}, not a pydantic_ai.Agent",
            "",
            "point the spec at a module-level `Agent(...)` instance",
        )
    return target  # pyright: ignore[reportUnknownVariableType]


def _load_spec(name: str, spec: str | dict[str, Any]) -> AbstractAgent[Any, Any]:
    """An Agent Spec through pydantic-ai's own loaders (`Agent.from_file` / `Agent.from_spec`)."""
    where = f"spec {spec!r}" if isinstance(spec, str) else "its inline spec"
    if isinstance(spec, str) and not Path(spec).is_file():
        raise LoadError(f"agent {name!r}: spec file not found: {spec}", "", "check the path of `spec`")
    try:
        return Agent.from_file(spec) if isinstance(spec, str) else Agent.from_spec(spec)
    except ImportError as error:
        # YAML needs PyYAML, which pydantic-ai-slim only pulls in with its `spec` extra.
        raise LoadError(
            f"agent {name!r}: cannot load {where}: {error}",
            traceback.format_exc(),
            'install "pydantic-ai-slim[spec]" in the worker\'s environment, or write the spec as JSON',
        ) from None
    except Exception as error:
        raise LoadError(
            f"agent {name!r}: invalid Agent Spec ({where}): {type(error).__name__}: {error}",
            traceback.format_exc(),
            "fix the spec; its fields are pydantic-ai's AgentSpec (model, instructions, output_schema, ...)",
        ) from None


def load_agents(specs: dict[str, str]) -> dict[str, AbstractAgent[Any, Any]]:
    """Import every `module:attribute` spec; the first failure raises `LoadError`."""
    return {name: _load_one(name, spec) for name, spec in specs.items()}


def load(sources: Mapping[str, AgentSource]) -> Loaded:
    """Load every agent (module or Agent Spec) and its deps factory / lifespan; the first failure raises."""
    loaded = Loaded()
    for name, source in sources.items():
        try:
            _load_into(loaded, name, source)
        except LoadError:
            raise
        except Exception as error:  # an agent's own code (a property of it) that fails while loading
            raise LoadError(
                f"agent {name!r}: loading it raised {type(error).__name__}: {error}",
                traceback.format_exc(),
                "the agent's own code raised while it was loaded; see the traceback",
            ) from None
    return loaded


def _load_into(loaded: Loaded, name: str, source: AgentSource) -> None:
    """Load one agent and its deps into `loaded`."""
    if source.module is not None:
        agent = _load_one(name, source.module)
    elif source.spec is not None:
        agent = _load_spec(name, source.spec)
    else:  # _cli checks this; kept for callers that build sources themselves
        raise LoadError(f"agent {name!r}: neither a module nor a spec", "", "give one of them")
    factory = None if source.deps is None else _import(name, source.deps, " (deps)")
    lifespan = None if source.lifespan is None else _import(name, source.lifespan, " (lifespan)")
    try:
        loaded.deps[name] = agent_deps(
            name, agent.deps_type, factory, lifespan, factory_spec=source.deps or ""
        )
    except DepsError as error:
        raise LoadError(f"agent {name!r}: {error.message}", "", error.hint) from None
    loaded.agents[name] = agent
