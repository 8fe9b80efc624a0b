"""One streamed run, driven in the caller's task: `agent.iter()` with each node's `node.stream()`.

It yields what `agent.run_stream_events()` yields, in the same order: every event of each model
request and tool-call node, then one `AgentRunResultEvent`. `run_stream_events()` runs the agent in
a background task and hands each event over a zero-buffer memory stream, a task switch each way per
event; iterating in place avoids them (issue 14: ~12 % less worker CPU per event, bench/ab-worker.mjs).

Errors and cancellation are pydantic-ai's own: the run lives in `agent.iter()`, whose exit turns
a failure into the exception `run()` raises, and an external cancellation keeps propagating as
`CancelledError`. `AgentRun.next()` fires the node hooks and does not stream a node twice
(`_agent_graph.drain_node_event_stream`).

One difference: here a node streams before `next()` runs its hooks, while `run()` streams it
inside them (after `before_node_run`, within `wrap_node_run`). A capability hooking the node
lifecycle could see, replace or recover a node differently, so those agents keep the exact path.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from typing import Any

from pydantic_ai import AgentRunResultEvent
from pydantic_ai.agent import AbstractAgent
from pydantic_ai.capabilities import AbstractCapability
from pydantic_ai.messages import AgentStreamEvent

__all__ = ["stream_run"]

_NODE_HOOKS = ("before_node_run", "after_node_run", "wrap_node_run", "on_node_run_error")

StreamEvent = AgentStreamEvent | AgentRunResultEvent[Any]


async def stream_run(agent: AbstractAgent[Any, Any], **kwargs: Any) -> AsyncGenerator[StreamEvent]:
    """The events of `agent.run_stream_events(**kwargs)`, ending with the run's result."""
    if _hooks_nodes(agent, kwargs.get("capabilities") or ()):
        async with agent.run_stream_events(**kwargs) as events:
            async for event in events:
                yield event
        return
    async with agent.iter(**kwargs) as agent_run:
        async for node in agent_run:
            if agent.is_model_request_node(node) or agent.is_call_tools_node(node):
                async with node.stream(agent_run.ctx) as stream:
                    async for event in stream:
                        yield event
    # Set at End, and also when `wrap_run` / `on_run_error` short-circuits or recovers the run.
    result = agent_run.result
    assert result is not None, "agent.iter() ended without a result"
    yield AgentRunResultEvent(result)


def _hooks_nodes(agent: AbstractAgent[Any, Any], extra: Sequence[AbstractCapability[Any]]) -> bool:
    """Whether any capability of the run overrides a node-lifecycle hook (conservatively: wrappers do)."""
    found: list[AbstractCapability[Any]] = []

    def visit(capability: AbstractCapability[Any]) -> None:
        kind = type(capability)
        if any(getattr(kind, hook) is not getattr(AbstractCapability, hook) for hook in _NODE_HOOKS):
            found.append(capability)

    try:
        root = agent.root_capability
    except NotImplementedError:  # a custom AbstractAgent: its capabilities are unknown
        return True
    root.apply(visit)
    for capability in extra:
        capability.apply(visit)
    return bool(found)
