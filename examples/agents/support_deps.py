"""Deps for `bank_support.support_agent`, whose module stays as pydantic-ai's docs write it.

Configured as `agents.support: { module: "examples.agents.bank_support:support_agent",
deps: "examples.agents.support_deps:make_deps", lifespan: "examples.agents.support_deps:lifespan" }`:
the worker opens the database once (`lifespan`), and per run builds the agent's deps from what the
caller sent (`SupportRequest`, whose JSON Schema is the agent's deps schema) and that database.
`SupportDeps` is the same in one class, for `deps: "examples.agents.support_deps:SupportDeps"`.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from types import TracebackType

from pydantic import BaseModel, Field

from .bank_support import DatabaseConn, SupportDependencies

__all__ = ["SupportDeps", "SupportRequest", "lifespan", "make_deps"]

logger = logging.getLogger(__name__)


class SupportRequest(BaseModel):
    customer_id: int = Field(description="The customer asking for support")


def _open_database() -> sqlite3.Connection:
    # One connection serves every run of this worker, on its one event loop thread.
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    connection.execute(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, balance REAL, pending REAL)"
    )
    connection.executemany(
        "INSERT INTO customers VALUES (?, ?, ?, ?)", [(123, "John", 100.0, 23.45), (7, "Ada", 5.0, 0.0)]
    )
    return connection


@asynccontextmanager
async def lifespan() -> AsyncGenerator[DatabaseConn]:
    connection = _open_database()
    logger.info("support database opened")
    try:
        yield DatabaseConn(connection)
    finally:
        connection.close()
        logger.info("support database closed")


def make_deps(request: SupportRequest, db: DatabaseConn) -> SupportDependencies:
    return SupportDependencies(customer_id=request.customer_id, db=db)


class SupportDeps:
    """A deps factory and its lifespan in one: entered once per worker, called once per run."""

    def __init__(self) -> None:
        self._connection: sqlite3.Connection | None = None

    async def __aenter__(self) -> SupportDeps:
        self._connection = _open_database()
        logger.info("support database opened")
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._connection is not None:
            self._connection.close()
            logger.info("support database closed")

    async def __call__(self, request: SupportRequest) -> SupportDependencies:
        assert self._connection is not None, "entered once per worker before any run"
        return SupportDependencies(customer_id=request.customer_id, db=DatabaseConn(self._connection))
