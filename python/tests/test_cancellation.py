"""Client cancels and deadlines end the pydantic-ai run at once, and free its slot."""

from __future__ import annotations

import asyncio
import json
import time

import grpc
import pytest

from axon_worker._proto.axon.v1.run_pb2 import RunRequest

from ._stub import Client
from ._worker import Worker


async def test_a_cancelled_sleep_30_frees_its_slot_at_once(client: Client, worker: Worker) -> None:
    call = client.stream_call(RunRequest(agent="chaos", prompt="sleep 30", run_id="cancel-me"), deadline=60)
    first = await call.read()
    assert first.tool_call.tool_name == "sleep"
    await asyncio.to_thread(worker.wait_log, "sleeping 30", "cancel-me")
    cancelled_at = time.monotonic()
    call.cancel()
    # The tool's sleep itself was interrupted (it logs so), not left running in the background.
    await asyncio.to_thread(worker.wait_log, "sleep interrupted", "cancel-me", 2.0)
    log = await asyncio.to_thread(worker.wait_log, "cancelled, run task cancelled", "cancel-me", 2.0)
    assert log["agent"] == "chaos"
    assert time.monotonic() - cancelled_at < 2.0
    response = await client.run(RunRequest(agent="echo", prompt="next"), deadline=2)
    assert json.loads(response.output_json) == "next"


async def test_a_deadline_cancels_the_run_with_deadline_exceeded(client: Client, worker: Worker) -> None:
    request = RunRequest(agent="chaos", prompt="sleep 30", run_id="too-slow")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await client.run(request, deadline=0.5)
    assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    await asyncio.to_thread(worker.wait_log, "sleep interrupted", "too-slow", 2.0)
    await asyncio.to_thread(worker.wait_log, "deadline exceeded", "too-slow", 2.0)


async def test_traceparent_metadata_is_attached_to_the_runs_logs(client: Client, worker: Worker) -> None:
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    await client.run(
        RunRequest(agent="tools", prompt="add 4 and 5", run_id="traced"),
        metadata=[("traceparent", traceparent)],
    )
    log = await asyncio.to_thread(worker.wait_log, "adding 4 and 5", "traced", 2.0)
    assert log["traceparent"] == traceparent
    assert log["logger"] == "examples.agents.tools" and log["agent"] == "tools"
