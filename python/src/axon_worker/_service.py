"""The `axon.v1.AgentService` handlers: Run, RunStream, Describe.

Each call runs in its own task on the one event loop, a grpc.aio call's or a local frame call's
(_frame_server.py); when the client cancels or the deadline passes, the transport cancels that
task and with it the pydantic-ai run (and its tool calls).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Generator, Mapping
from typing import Any, NoReturn

from pydantic_ai.agent import AbstractAgent

from ._call_context import CallContext, StreamContext
from ._control import RunLogContext, run_log_context
from ._deps import AgentDeps, json_deps
from ._describe import describe
from ._errors import ERROR_METADATA_KEY, Failure, agent_not_found, classify, worker_stopping
from ._events import EventTranslator, EventWriter
from ._frame_context import FrameContext
from ._proto.axon.v1 import describe_pb2, run_pb2
from ._result import to_response
from ._run import ModelCache, build_run_kwargs, run_id_of
from ._stream_run import stream_run
from ._telemetry import run_context

__all__ = ["AgentService"]

logger = logging.getLogger("axon_worker.service")


class _Rejected(Exception):
    """A run refused before it starts, with its ready-made failure."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.status_message)
        self.failure = failure


def _traceparent(context: CallContext) -> str | None:
    for key, value in context.invocation_metadata() or ():
        if key == "traceparent" and isinstance(value, str):
            return value
    return None


async def _abort(context: CallContext, failure: Failure) -> NoReturn:
    trailer = ((ERROR_METADATA_KEY, failure.detail.SerializeToString()),)
    await context.abort(failure.code, failure.status_message, trailing_metadata=trailer)
    raise AssertionError("unreachable: abort raises")  # pragma: no cover


class AgentService:
    def __init__(
        self,
        agents: dict[str, AbstractAgent[Any, Any]],
        models: ModelCache,
        deps: Mapping[str, AgentDeps] | None = None,
    ) -> None:
        self._agents = agents
        self._models = models
        # An agent without a configured factory takes its deps as JSON, validated against its deps_type.
        given = deps or {}
        self._deps = {name: given.get(name) or json_deps(agent.deps_type) for name, agent in agents.items()}
        self._active = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._draining = False

    def drain(self) -> None:
        """Refuse new runs from now on (agent_unavailable, `draining`, retryable); runs in flight go on."""
        self._draining = True

    @property
    def draining(self) -> bool:
        """True from `drain()` on: health answers NOT_SERVING."""
        return self._draining

    @property
    def active_runs(self) -> int:
        return self._active

    async def wait_idle(self, seconds: float) -> bool:
        """Wait until no run is in flight (for draining); False if `seconds` passed first."""
        if self._active == 0:
            return True
        try:
            await asyncio.wait_for(self._idle.wait(), seconds)
        except TimeoutError:
            return False
        return True

    @contextlib.contextmanager
    def _run_scope(self, request: run_pb2.RunRequest, context: CallContext, run_id: str) -> Generator[None]:
        """Counts the run in flight and tags its log records; logs how it ended if it was cancelled."""
        self._active += 1
        self._idle.clear()
        traceparent = _traceparent(context)
        token = run_log_context.set(RunLogContext(run_id, request.agent, traceparent))
        try:
            # pydantic-ai's spans (when instrumented) become children of the host's round trip.
            with run_context(traceparent):
                yield
        except asyncio.CancelledError:
            remaining = context.time_remaining()
            reason = "deadline exceeded" if remaining is not None and remaining <= 0 else "cancelled"
            logger.info("run %s: %s, run task cancelled", run_id, reason)
            raise
        finally:
            run_log_context.reset(token)
            self._active -= 1
            if self._active == 0:
                self._idle.set()

    def _agent(self, name: str, run_id: str) -> AbstractAgent[Any, Any]:
        if self._draining:
            logger.info("run %s refused: the worker is draining", run_id)
            raise _Rejected(worker_stopping(name, run_id))
        agent = self._agents.get(name)
        if agent is None:
            raise _Rejected(agent_not_found(name, list(self._agents), run_id))
        return agent

    async def _run_kwargs(
        self, agent: AbstractAgent[Any, Any], request: run_pb2.RunRequest, run_id: str
    ) -> dict[str, Any]:
        """The run's arguments; the deps factory is called last, once the whole request is valid."""
        deps = self._deps[request.agent]
        deps_input = deps.parse(request.deps_json)
        kwargs = build_run_kwargs(agent, request, run_id, self._models)
        kwargs["deps"] = await deps.make(deps_input)
        return kwargs

    def _failure(self, error: Exception, request: run_pb2.RunRequest, run_id: str) -> Failure:
        if isinstance(error, _Rejected):
            return error.failure
        failure = classify(error, agent=request.agent, run_id=run_id)
        logger.warning("run %s failed: %s", run_id, failure.status_message, exc_info=error)
        return failure

    async def Run(self, request: run_pb2.RunRequest, context: CallContext) -> run_pb2.RunResponse:
        run_id = run_id_of(request)
        with self._run_scope(request, context, run_id):
            try:
                agent = self._agent(request.agent, run_id)
                result = await agent.run(**await self._run_kwargs(agent, request, run_id))
                return to_response(result)
            except Exception as error:
                await _abort(context, self._failure(error, request, run_id))

    async def RunStream(self, request: run_pb2.RunRequest, context: StreamContext) -> None:
        run_id = run_id_of(request)
        with self._run_scope(request, context, run_id):
            try:
                agent = self._agent(request.agent, run_id)
                kwargs = await self._run_kwargs(agent, request, run_id)
                translator = EventTranslator(kwargs.get("output_type", agent.output_type))
            except Exception as error:
                await _abort(context, self._failure(error, request, run_id))
            # Events ready at once cross in one message (EventWriter); a lone one goes out at once.
            # Local frames can write at once, in `put`: no hop to the writer's task for a lone token.
            write_now = context.write_now if isinstance(context, FrameContext) else None
            writer = EventWriter(context.write, write_now)
            try:
                # Closed here, in this task, if the write fails: a generator left to the garbage collector
                # would unwind pydantic-ai's run in another context (pydantic/pydantic-ai#5132).
                async with contextlib.aclosing(stream_run(agent, **kwargs)) as events:
                    async for event in events:
                        for message in translator.translate(event):
                            await writer.put(message)
                await writer.close()
            except Exception as error:
                # What the run produced before it failed still reaches the client, in order, first.
                with contextlib.suppress(Exception):
                    await writer.close()
                await _abort(context, self._failure(error, request, run_id))
            finally:
                writer.cancel()

    async def Describe(
        self, request: describe_pb2.DescribeRequest, context: CallContext
    ) -> describe_pb2.DescribeResponse:
        return describe(self._agents, self._models.default, self._deps)
