"""Faults the host must survive: a worker whose event loop hangs, and bytes that are no request."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import grpc
import pytest
from grpc_health.v1 import health_pb2

from axon_worker._proto.axon.v1.run_pb2 import RunRequest

from ._stub import Client, error_detail
from ._worker import Worker

CHAOS = {"chaos": "examples.agents.chaos:agent", "echo": "examples.agents.echo:agent"}


@pytest.fixture
async def own_worker(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[Worker, Client]]:
    # Its own process: a hang would stall the session's shared worker for every other test.
    socket = tmp_path_factory.mktemp("sock") / "faults.sock"
    process = Worker(["--listen", f"unix:{socket}"], agents=CHAOS)
    client = Client(process.address)
    yield process, client
    await client.close()
    process.stop()


async def test_a_hung_event_loop_stops_answering_health_checks_until_it_unblocks(
    own_worker: tuple[Worker, Client],
) -> None:
    _, client = own_worker
    hung = asyncio.ensure_future(client.run(RunRequest(agent="chaos", prompt="hang 3"), deadline=30))
    check = client.channel.unary_unary(
        "/grpc.health.v1.Health/Check",
        request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
        response_deserializer=health_pb2.HealthCheckResponse.FromString,
    )
    # Once the tool runs, a check cannot be answered in time: what the host's health monitor sees.
    codes: list[grpc.StatusCode] = []
    while not hung.done() and grpc.StatusCode.DEADLINE_EXCEEDED not in codes:
        try:
            await check(health_pb2.HealthCheckRequest(service=""), timeout=0.3)
            codes.append(grpc.StatusCode.OK)
        except grpc.aio.AioRpcError as error:
            codes.append(error.code())
        await asyncio.sleep(0.02)
    assert grpc.StatusCode.DEADLINE_EXCEEDED in codes
    response = await hung
    assert json.loads(response.output_json) == "hung 3"
    assert await client.health() == health_pb2.HealthCheckResponse.SERVING


async def test_bytes_that_are_not_a_run_request_fail_that_call_only(
    own_worker: tuple[Worker, Client],
) -> None:
    _, client = own_worker
    raw: grpc.aio.UnaryUnaryMultiCallable[bytes, bytes] = client.channel.unary_unary(
        "/axon.v1.AgentService/Run"
    )
    for garbage in (b"\xff\xfe\xfd", b"\x0a\x05\xc3\x28\xa0\xa1\xff", bytes(range(256))):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await raw(garbage, timeout=5)
        assert caught.value.code() != grpc.StatusCode.OK
    response = await client.run(RunRequest(agent="echo", prompt="still here"), deadline=5)
    assert json.loads(response.output_json) == "still here"


async def test_json_fields_holding_invalid_utf8_are_invalid_requests_naming_the_field(
    own_worker: tuple[Worker, Client],
) -> None:
    _, client = own_worker
    for field in ("message_history_json", "deps_json", "model_settings_json", "metadata_json"):
        request = RunRequest(agent="echo", prompt="hi")
        setattr(request, field, b"\xc3\x28\xff not json")
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await client.run(request, deadline=5)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, field
        assert error_detail(caught.value).field == field
