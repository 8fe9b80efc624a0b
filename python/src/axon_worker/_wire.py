"""Typed registration of the gRPC services (the generated `_pb2_grpc` modules are untyped)."""

from __future__ import annotations

from typing import Any, Protocol, cast

import grpc
from grpc_health.v1 import health, health_pb2_grpc

from ._proto.axon.v1 import agent_service_pb2_grpc

__all__ = ["AGENT_SERVICE", "Health", "add_agent_service", "add_health_service"]

AGENT_SERVICE = "axon.v1.AgentService"
"""The fully qualified service name, as health checks and reflection know it."""


class Health(Protocol):
    """The part of grpc_health's asyncio `HealthServicer` we use."""

    async def set(self, service: str, status: int) -> None: ...
    async def enter_graceful_shutdown(self) -> None: ...


def add_agent_service(server: grpc.aio.Server, service: Any) -> None:
    """Register `service.Run`, `.RunStream`, `.Describe` (see `_service.AgentService`)."""
    agent_service_pb2_grpc.add_AgentServiceServicer_to_server(service, server)  # pyright: ignore[reportUnknownMemberType]


def add_health_service(server: grpc.aio.Server) -> Health:
    """Register the standard grpc.health.v1.Health service; only "" is SERVING until set."""
    servicer = cast(Health, health.aio.HealthServicer())  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)  # pyright: ignore[reportUnknownMemberType]
    return servicer
