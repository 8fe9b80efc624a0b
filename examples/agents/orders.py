"""`orders`: calls tools written in TypeScript (host tools), which the host passes with each run.

The host defines `lookupOrder({id})` and `refund({id})` (the latter needs approval) in
`examples/axon.config.ts`; this agent only names them. Prompts:

- `order 42`: calls `lookupOrder({"id": "42"})`, then says what it returned.
- `orders 1 2 3`: calls `lookupOrder` once per id, all in one response (the host runs them in parallel).
- `typo 42`: calls `lookupOrder({"order": "42"})` (bad arguments), then, told so, `lookupOrder({"id": "42"})`.
- `refund 42`: calls `refund({"id": "42"})`, which waits for the caller's approval.
- `cancel 42`: calls `cancelOrder`, a tool nobody defines: pydantic-ai asks the model to try again.

A call answered with a retry (the tool failed) is made again, as a model would, until the agent's
`retries` run out.
"""

import json
from typing import cast

from pydantic_ai import Agent
from pydantic_ai.messages import ModelMessage, ToolReturnPart
from pydantic_ai.models.function import AgentInfo

from ._scripted import Call, Reply, last_prompt, scripted_model, tool_returns

__all__ = ["agent"]


def _describe(part: ToolReturnPart) -> str:
    content: object = part.content
    if part.tool_name == "lookupOrder" and isinstance(content, dict):
        order = cast(dict[str, object], content)
        return f"order {order.get('id')} is {order.get('status')}"
    return content if isinstance(content, str) else json.dumps(content)


def _calls(command: str, ids: list[str], corrected: bool) -> Reply:
    match command:
        case "order" | "orders":
            return [Call("lookupOrder", {"id": id_}) for id_ in ids]
        case "typo":
            return Call("lookupOrder", {"id": ids[0]} if corrected else {"order": ids[0]})
        case "refund":
            return Call("refund", {"id": ids[0]})
        case "cancel":
            return Call("cancelOrder", {"id": ids[0]})
        case _:
            return "Ask me about an order: `order 42`, `orders 1 2`, `refund 42`."


def _plan(messages: list[ModelMessage], info: AgentInfo) -> Reply:
    words = last_prompt(messages).split()
    command, ids = (words[0], words[1:]) if len(words) > 1 else ("", [])
    returns = tool_returns(messages)
    retried = [part for part in returns if part.outcome == "retried"]
    if command == "cancel" and retried:
        return "I cannot cancel orders."
    if retried or not returns:
        return _calls(command, ids, corrected=bool(retried))
    return "; ".join(_describe(part) for part in returns)


agent = Agent(
    scripted_model(_plan, name="orders"),
    description="Looks orders up and refunds them with tools written in TypeScript.",
    retries=2,
)
