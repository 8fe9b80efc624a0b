"""The worker's lifetime: bind, serve, announce readiness, then stop cleanly on signal, EOF or orphaning."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Mapping
from typing import Any

import grpc
from grpc_health.v1 import health_pb2
from pydantic_ai.agent import AbstractAgent

from ._address import bind
from ._cli import Options
from ._control import PROTOCOL_VERSION, ControlChannel
from ._deps import AgentDeps
from ._describe import versions
from ._frame_server import FrameServer
from ._health_port import HealthPort
from ._lifeline import watch_parent, watch_stdin
from ._lifespan import Lifespans
from ._run import ModelCache
from ._security import Security
from ._service import AgentService
from ._wire import AGENT_SERVICE, Health, add_agent_service, add_health_service

__all__ = ["serve"]

logger = logging.getLogger("axon_worker.server")

SERVING = health_pb2.HealthCheckResponse.SERVING
_FLUSH_SECONDS = 1.0
"""How long a stopping server lets calls whose handlers returned send their last messages."""
_SIGNALS = ("SIGTERM", "SIGINT")

# CPython's GIL switch interval stays at its default: 0.5 ms (for grpc.aio's poller thread) measured
# -10 % runs/s at 16 and 64 in flight on a quiet machine (docs/benchmarks.md, "Refuted").


async def serve(
    options: Options,
    agents: dict[str, AbstractAgent[Any, Any]],
    control: ControlChannel,
    deps: Mapping[str, AgentDeps] | None = None,
    security: Security | None = None,
) -> int:
    """Serve until told to stop; returns the exit code.

    Raises `BindError` or `LifespanError` before anything is served.
    """
    loop = asyncio.get_running_loop()
    service = AgentService(agents, ModelCache(options.model), deps)
    # gRPC's default receive limit is 4 MiB, far below the host's: a longer history (or a large
    # host-tool round trip) was refused with RESOURCE_EXHAUSTED, which read as `overloaded`.
    limit = options.max_message_bytes
    security = security or Security(credentials=None, interceptors=())
    server = grpc.aio.server(
        interceptors=security.interceptors,
        options=[("grpc.max_receive_message_length", limit), ("grpc.max_send_message_length", limit)],
    )
    add_agent_service(server, service)
    health = add_health_service(server)
    listener = bind(server, options.listen, security.credentials)
    # Worker-lifetime resources (pools, clients) open before the first run can arrive and close
    # after the last one ended, on every way out, the host-gone `os._exit` below included.
    lifespans = Lifespans(deps or {})
    health_port = HealthPort(health)
    # The same calls as local frames beside a unix socket (docs/worker-protocol.md, "Local frames").
    frames = FrameServer(service, limit)
    try:
        health_port.bind(options.health_listen)
        await frames.bind(listener.address)
        await lifespans.open()
        await server.start()
        await frames.start()
        await health_port.start()
        await health.set("", SERVING)
        await health.set(AGENT_SERVICE, SERVING)
        stopped: asyncio.Future[str] = loop.create_future()

        def stop(reason: str) -> None:
            if not stopped.done():
                stopped.set_result(reason)

        # Before `ready`: a SIGTERM sent the moment the host reads it must drain (and close the
        # lifespans), not kill the worker with Python's default handler.
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop, signal.Signals(signum).name)
        # Only now, with the server accepting calls and health SERVING, may the host connect.
        ready: dict[str, Any] = {
            "type": "ready",
            "protocol": PROTOCOL_VERSION,
            "address": listener.address,
            "pid": os.getpid(),
            "agents": list(agents),
            "versions": versions(),
        }
        if frames.address is not None:
            ready["frames"] = frames.address
        control.send(ready)
        watch_stdin(loop, stop)
        parent_watch = asyncio.create_task(watch_parent(options.parent_pid, stop))
        reason = await stopped
        parent_watch.cancel()
        await _drain(server, health, service, reason, options.grace)
    finally:
        # After the drain (grace): the frame calls left are cancelled, as server.stop(0) does gRPC's.
        await frames.close()
        await health_port.stop()
        await lifespans.close()
        frames.cleanup()
        listener.cleanup()
    if reason not in _SIGNALS:
        # The host is gone and nobody waits for us: skip the interpreter's teardown, where joining
        # grpc's threads takes a second or more on a loaded machine, so no orphan lingers.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    return 0


async def _drain(
    server: grpc.aio.Server, health: Health, service: AgentService, reason: str, grace: float
) -> None:
    """Stop accepting runs, let those in flight finish within `grace` (signals only), cancel the rest.

    When the host is gone nobody waits for results, so runs are cancelled at once. The server stays
    up while draining so health checks answer NOT_SERVING, and is stopped once, at the end: an open
    health `Watch` stream never holds up the exit (and grpc.aio must not be stopped twice).
    """
    grace = grace if reason in _SIGNALS else 0.0
    logger.info("stopping (%s): %d run(s) in flight, grace %.1fs", reason, service.active_runs, grace)
    service.drain()
    await health.enter_graceful_shutdown()
    idle = await service.wait_idle(grace)
    if not idle:
        logger.warning("grace period over: cancelling %d run(s)", service.active_runs)
    # A run that just ended may still have its last message and status in grpc's queues: stop(0)
    # would cancel the call before they leave (the client saw the stream end without its final
    # event). Finished calls complete within the short grace; an open health Watch is cut after it.
    await server.stop(_FLUSH_SECONDS if idle else 0)
