"""`bank_support`: pydantic-ai's bank-support example, written the way pydantic-ai's docs write it.

Its deps hold a live database connection, so they cannot come from a caller as JSON; Axon serves
it unchanged through the deps factory and lifespan in `support_deps.py`, next to it. Only the model
differs from the docs (`test`, pydantic-ai's offline TestModel), so it runs without a network.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from pydantic import BaseModel, Field
from pydantic_ai import Agent, RunContext

__all__ = ["DatabaseConn", "SupportDependencies", "SupportOutput", "support_agent"]


class DatabaseConn:
    """The bank's customer database (a sqlite connection here; a pool in production)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    async def customer_name(self, *, id: int) -> str | None:
        row = self.connection.execute("SELECT name FROM customers WHERE id = ?", (id,)).fetchone()
        return None if row is None else str(row[0])

    async def customer_balance(self, *, id: int, include_pending: bool) -> float:
        column = "balance + pending" if include_pending else "balance"
        row = self.connection.execute(f"SELECT {column} FROM customers WHERE id = ?", (id,)).fetchone()
        if row is None:
            raise ValueError("Customer not found")
        return float(row[0])


@dataclass
class SupportDependencies:
    customer_id: int
    db: DatabaseConn


class SupportOutput(BaseModel):
    support_advice: str = Field(description="Advice returned to the customer")
    block_card: bool = Field(description="Whether to block their card or not")
    risk: int = Field(description="Risk level of query", ge=0, le=10)


support_agent = Agent(
    "test",
    deps_type=SupportDependencies,
    output_type=SupportOutput,
    instructions=(
        "You are a support agent in our bank, give the "
        "customer support and judge the risk level of their query."
    ),
)


@support_agent.instructions
async def add_customer_name(ctx: RunContext[SupportDependencies]) -> str:
    customer_name = await ctx.deps.db.customer_name(id=ctx.deps.customer_id)
    return f"The customer's name is {customer_name!r}"


@support_agent.tool
async def customer_balance(ctx: RunContext[SupportDependencies], include_pending: bool) -> str:
    """Returns the customer's current account balance."""
    balance = await ctx.deps.db.customer_balance(id=ctx.deps.customer_id, include_pending=include_pending)
    return f"${balance:.2f}"
