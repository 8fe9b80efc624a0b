"""`pooled`: an agent whose deps share one worker-lifetime pool, opened by a lifespan (a test fixture).

Config: `deps: "examples.agents.pooled:make_deps"`, `lifespan: "examples.agents.pooled:lifespan"`.
Each run borrows the pool and holds it until a second run holds it too (or 5 s pass), then answers
`{"pool": id, "opens": n, "peak": k, "caller": ...}`: two concurrent runs answering the same id
with `opens == 1` and `peak == 2` shared one pool. With AXON_TEST_POOL_LOG set, the lifespan
appends `opened <id>` / `closed <id>` to that file, so a test sees the close after the worker exits.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import uuid
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field

from pydantic import BaseModel
from pydantic_ai import Agent, RunContext
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

__all__ = ["Caller", "Pool", "PooledDeps", "agent", "lifespan", "make_deps"]

logger = logging.getLogger(__name__)
opens = 0
"""How many times this process opened a pool (the lifespan must run once per worker)."""


@dataclass
class Pool:
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    active: int = 0
    peak: int = 0
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)


class Caller(BaseModel):
    caller: str


@dataclass
class PooledDeps:
    pool: Pool
    caller: str


def _record(line: str) -> None:
    path = os.environ.get("AXON_TEST_POOL_LOG")
    if path:
        with open(path, "a") as log:
            log.write(f"{line}\n")


@asynccontextmanager
async def lifespan() -> AsyncGenerator[Pool]:
    global opens
    opens += 1
    pool = Pool()
    _record(f"opened {pool.id}")
    logger.info("pool %s opened", pool.id)
    try:
        yield pool
    finally:
        _record(f"closed {pool.id}")
        logger.info("pool %s closed", pool.id)


def make_deps(request: Caller, pool: Pool) -> PooledDeps:
    return PooledDeps(pool=pool, caller=request.caller)


def _plan(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    returns = [part for message in messages for part in message.parts if isinstance(part, ToolReturnPart)]
    if not returns:
        return ModelResponse(parts=[ToolCallPart("borrow", {})])
    return ModelResponse(parts=[TextPart(str(returns[-1].content))])


agent = Agent(FunctionModel(_plan), deps_type=PooledDeps, description="Shares one pool across runs.")


@agent.tool
async def borrow(ctx: RunContext[PooledDeps]) -> str:
    """Hold the pool until another run holds it too (at most 5 s)."""
    pool = ctx.deps.pool
    async with pool.changed:
        pool.active += 1
        pool.peak = max(pool.peak, pool.active)
        pool.changed.notify_all()
        with suppress(TimeoutError):
            await asyncio.wait_for(pool.changed.wait_for(lambda: pool.peak >= 2), 5)
        pool.active -= 1
    return json.dumps({"pool": pool.id, "opens": opens, "peak": pool.peak, "caller": ctx.deps.caller})
