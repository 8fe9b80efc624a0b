"""`--health-listen`: a second port serving only `grpc.health.v1`, in plaintext, for probes.

Kubernetes' built-in gRPC probe dials without TLS and sends no metadata ("Built-in probes do not
support any authentication parameters", kubernetes.io, configure liveness/readiness probes; KEP
2727), so it cannot reach a TLS-only (let alone mTLS) listen address. This port shares the main
port's health servicer, so it answers the same SERVING / NOT_SERVING and reveals nothing else:
no AgentService is registered on it.
"""

from __future__ import annotations

import logging

import grpc
from grpc_health.v1 import health_pb2_grpc

from ._address import Listener, bind
from ._wire import Health

__all__ = ["HealthPort"]

logger = logging.getLogger("axon_worker.health")


class HealthPort:
    def __init__(self, health: Health) -> None:
        self._health = health
        self._server: grpc.aio.Server | None = None
        self._listener: Listener | None = None

    def bind(self, listen: str | None) -> None:
        """Bind `listen` (None: no health port); raises `BindError`."""
        if listen is None:
            return
        server = grpc.aio.server()
        health_pb2_grpc.add_HealthServicer_to_server(self._health, server)  # pyright: ignore[reportUnknownMemberType]
        self._listener = bind(server, listen)
        self._server = server

    async def start(self) -> None:
        if self._server is not None and self._listener is not None:
            await self._server.start()
            logger.info("health checks also on %s (plaintext, health only)", self._listener.address)

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.stop(0)
            self._server = None
        if self._listener is not None:
            self._listener.cleanup()
            self._listener = None
