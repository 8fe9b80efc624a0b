"""A typed client for axon.v1.AgentService and grpc.health.v1 (the generated stubs are untyped)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import grpc
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2

from axon_worker._events import flatten
from axon_worker._proto.axon.v1 import describe_pb2, errors_pb2, run_pb2

Metadata = Sequence[tuple[str, str]]


class Client:
    def __init__(
        self, address: str, *, credentials: grpc.ChannelCredentials | None = None, metadata: Metadata = ()
    ) -> None:
        """`credentials` for TLS (else plaintext); `metadata` goes with every call (e.g. a token)."""
        if credentials is None:
            self.channel = grpc.aio.insecure_channel(address)
        else:
            self.channel = grpc.aio.secure_channel(address, credentials)
        self._metadata = tuple(metadata)
        self._run = self._unary("/axon.v1.AgentService/Run", run_pb2.RunRequest, run_pb2.RunResponse)
        self._describe = self._unary(
            "/axon.v1.AgentService/Describe", describe_pb2.DescribeRequest, describe_pb2.DescribeResponse
        )
        self._check = self._unary(
            "/grpc.health.v1.Health/Check", health_pb2.HealthCheckRequest, health_pb2.HealthCheckResponse
        )
        self._stream = self.channel.unary_stream(
            "/axon.v1.AgentService/RunStream",
            request_serializer=run_pb2.RunRequest.SerializeToString,
            response_deserializer=run_pb2.RunEvent.FromString,
        )

    def _unary(self, path: str, request: type[Message], response: type[Message]) -> Any:
        return self.channel.unary_unary(
            path, request_serializer=request.SerializeToString, response_deserializer=response.FromString
        )

    async def run(
        self, request: run_pb2.RunRequest, deadline: float | None = 30, metadata: Metadata = ()
    ) -> run_pb2.RunResponse:
        response: run_pb2.RunResponse = await self._run(
            request, timeout=deadline, metadata=(*self._metadata, *metadata)
        )
        return response

    def stream_call(
        self, request: run_pb2.RunRequest, deadline: float | None = 30, metadata: Metadata = ()
    ) -> Any:
        """The call object itself, to iterate or cancel."""
        return self._stream(request, timeout=deadline, metadata=(*self._metadata, *metadata))

    async def stream(
        self, request: run_pb2.RunRequest, deadline: float | None = 30
    ) -> list[run_pb2.RunEvent]:
        """The stream's events, batches unpacked (`stream_messages` for what crossed the wire)."""
        messages = await self.stream_messages(request, deadline)
        return [event for message in messages for event in flatten(message)]

    async def stream_messages(
        self, request: run_pb2.RunRequest, deadline: float | None = 30
    ) -> list[run_pb2.RunEvent]:
        """The stream's messages as they crossed the wire: an event or a batch of them each."""
        messages: list[run_pb2.RunEvent] = []
        call: AsyncIterator[run_pb2.RunEvent] = self.stream_call(request, deadline)
        async for message in call:
            messages.append(message)
        return messages

    async def describe(self) -> describe_pb2.DescribeResponse:
        response: describe_pb2.DescribeResponse = await self._describe(
            describe_pb2.DescribeRequest(), timeout=10, metadata=self._metadata
        )
        return response

    async def health(self, service: str = "") -> int:
        response: health_pb2.HealthCheckResponse = await self._check(
            health_pb2.HealthCheckRequest(service=service), timeout=5, metadata=self._metadata
        )
        return response.status

    async def close(self) -> None:
        await self.channel.close()


def error_detail(error: grpc.aio.AioRpcError) -> errors_pb2.ErrorDetail:
    """The ErrorDetail from the trailing metadata, as the host reads it."""
    for key, value in error.trailing_metadata() or ():
        if key == "axon-error-bin":
            assert isinstance(value, bytes)
            return errors_pb2.ErrorDetail.FromString(value)
    raise AssertionError(f"no axon-error-bin in trailers of {error!r}")
