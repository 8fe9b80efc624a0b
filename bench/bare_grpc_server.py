"""A bare grpc.aio AgentService: the transport limit Axon is measured against.

    python bench/bare_grpc_server.py --listen unix:/tmp/x/0.sock --mode transport|agent

`transport`: no agent in the request path. The first call with a given prompt runs the echo agent
once to learn the exact answer (RunResponse / RunEvents); later calls replay it with a fresh run id.
This is gRPC + protobuf and nothing else, with the worker's payload byte for byte.
`agent`: a hand-written servicer that calls `agent.run` / `run_stream_events` on every call: the
least a user could write to serve the agent over gRPC (no supervision, errors, cancellation, logs).

Prints `READY <address>` on stdout once serving; exits when stdin closes.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import uuid
from collections.abc import AsyncIterator
from typing import Any

import grpc
from _echo import die_with_parent, iter_events, load_agent, run_response

from axon_worker._proto.axon.v1 import agent_service_pb2_grpc, run_pb2


class ReplayServicer(agent_service_pb2_grpc.AgentServiceServicer):
    """Answers from a per-prompt cache filled by one real run."""

    def __init__(self, agent: Any) -> None:
        self._agent = agent
        self._responses: dict[str, run_pb2.RunResponse] = {}
        self._streams: dict[str, list[run_pb2.RunEvent]] = {}

    async def Run(self, request: run_pb2.RunRequest, context: Any) -> run_pb2.RunResponse:
        cached = self._responses.get(request.prompt)
        if cached is None:
            cached = run_response(await self._agent.run(request.prompt))
            self._responses[request.prompt] = cached
        response = run_pb2.RunResponse()
        response.CopyFrom(cached)
        response.run_id = str(uuid.uuid4())  # a fresh id per run, as long as pydantic-ai's
        return response

    async def RunStream(self, request: run_pb2.RunRequest, context: Any) -> AsyncIterator[run_pb2.RunEvent]:
        events = self._streams.get(request.prompt)
        if events is None:
            events = [event async for event in iter_events(self._agent, request.prompt)]
            self._streams[request.prompt] = events
        for event in events:
            yield event


class AgentServicer(agent_service_pb2_grpc.AgentServiceServicer):
    """Runs the agent on every call, nothing more."""

    def __init__(self, agent: Any) -> None:
        self._agent = agent

    async def Run(self, request: run_pb2.RunRequest, context: Any) -> run_pb2.RunResponse:
        return run_response(await self._agent.run(request.prompt))

    async def RunStream(self, request: run_pb2.RunRequest, context: Any) -> AsyncIterator[run_pb2.RunEvent]:
        async for event in iter_events(self._agent, request.prompt):
            yield event


async def serve(listen: str, mode: str, agent_spec: str) -> None:
    agent = load_agent(agent_spec)
    servicer = ReplayServicer(agent) if mode == "transport" else AgentServicer(agent)
    server = grpc.aio.server()
    agent_service_pb2_grpc.add_AgentServiceServicer_to_server(servicer, server)
    server.add_insecure_port(listen)
    await server.start()
    # SIGTERM ends the server normally (not by os._exit like a closed stdin), so that a profiler
    # wrapping it (bench/profile-python.mjs) gets to write its report.
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(server.stop(0)))
    print(f"READY {listen}", flush=True)
    await server.wait_for_termination()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", required=True)
    parser.add_argument("--mode", choices=["transport", "agent"], default="transport")
    parser.add_argument("--agent", default="examples.agents.echo:agent")
    args = parser.parse_args()
    die_with_parent()
    asyncio.run(serve(args.listen, args.mode, args.agent))


if __name__ == "__main__":
    main()
