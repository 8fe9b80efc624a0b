"""Loading agents from `package.module:attribute` specs."""

from __future__ import annotations

import importlib
import traceback
from dataclasses import dataclass
from typing import Any

from pydantic_ai.agent import AbstractAgent

__all__ = ["LoadError", "load_agents"]


@dataclass
class LoadError(Exception):
    """An agent spec that could not be loaded: exit code 78, with a fatal control message."""

    message: str
    traceback: str
    hint: str

    def __str__(self) -> str:
        return self.message


def _load_one(name: str, spec: str) -> AbstractAgent[Any, Any]:
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise LoadError(
            f"agent {name!r}: bad spec {spec!r}",
            "",
            "write it as NAME=package.module:attribute, e.g. echo=examples.agents.echo:agent",
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
            f"agent {name!r}: cannot import {module_name!r}: {type(error).__name__}: {error}",
            traceback.format_exc(),
            hint,
        ) from None
    target: object = module
    for part in attribute.split("."):
        if not hasattr(target, part):
            raise LoadError(
                f"agent {name!r}: module {module_name!r} has no attribute {attribute!r}",
                "",
                f"check the name after the colon in {spec!r}",
            )
        target = getattr(target, part)
    if not isinstance(target, AbstractAgent):
        raise LoadError(
            f"agent {name!r}: {spec!r} is a {type(target).__name__}, not a pydantic_ai.Agent",
            "",
            "point the spec at a module-level `Agent(...)` instance",
        )
    return target  # pyright: ignore[reportUnknownVariableType]


def load_agents(specs: dict[str, str]) -> dict[str, AbstractAgent[Any, Any]]:
    """Import every spec; the first failure raises `LoadError`."""
    return {name: _load_one(name, spec) for name, spec in specs.items()}
