"""Worker-lifetime resources: each agent's lifespan is entered once before serving, exited after the drain."""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import Mapping
from dataclasses import dataclass

from ._deps import AgentDeps, DepsError

__all__ = ["LifespanError", "Lifespans"]

logger = logging.getLogger("axon_worker.lifespan")


@dataclass
class LifespanError(Exception):
    """A lifespan that failed to open: the worker does not start (exit code 78, a fatal message)."""

    message: str
    traceback: str
    hint: str

    def __str__(self) -> str:
        return self.message


class Lifespans:
    """Opens the agents' lifespans in config order and closes them in reverse (an `AsyncExitStack`)."""

    def __init__(self, deps: Mapping[str, AgentDeps]) -> None:
        self._deps = deps
        self._stack = contextlib.AsyncExitStack()

    async def open(self) -> None:
        """Enter each lifespan; on a failure, close those already open and raise `LifespanError`."""
        for name, agent_deps in self._deps.items():
            if agent_deps.lifespan is None:
                continue
            try:
                resources = await self._stack.enter_async_context(agent_deps.lifespan())
                agent_deps.open(resources)
            except DepsError as error:
                await self.close()
                raise LifespanError(f"agent {name!r}: {error.message}", "", error.hint) from None
            except Exception as error:  # a lifespan may fail any way it likes
                tb = traceback.format_exc()
                await self.close()
                raise LifespanError(
                    f"agent {name!r}: its lifespan failed to open: {type(error).__name__}: {error}",
                    tb,
                    "see the traceback; the lifespan runs once at worker start, before any run",
                ) from None
            logger.info("agent %s: lifespan open", name)

    async def close(self) -> None:
        """Exit every open lifespan; a failure to close is logged, never raised (the worker is stopping)."""
        try:
            await self._stack.aclose()
        except Exception:
            logger.exception("a lifespan failed to close")
