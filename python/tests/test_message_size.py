"""The worker takes messages up to `--max-message-bytes` (default 64 MiB), not gRPC's 4 MiB."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import grpc
import pytest
from pydantic_ai.messages import ModelMessagesTypeAdapter, ModelRequest, ModelResponse, TextPart

from axon_worker._proto.axon.v1.run_pb2 import RunRequest, RunResponse

from ._worker import Worker

MiB = 1024 * 1024
CHAOS = {"chaos": "examples.agents.chaos:agent", "echo": "examples.agents.echo:agent"}


def history(size: int) -> bytes:
    """One earlier exchange whose answer is `size` bytes long."""
    messages = [ModelRequest.user_text_prompt("earlier"), ModelResponse(parts=[TextPart("x" * size)])]
    return ModelMessagesTypeAdapter.dump_json(messages)


async def run(address: str, request: RunRequest, limit: int) -> RunResponse:
    options = [("grpc.max_receive_message_length", limit), ("grpc.max_send_message_length", limit)]
    async with grpc.aio.insecure_channel(address, options=options) as channel:
        call = channel.unary_unary(
            "/axon.v1.AgentService/Run",
            request_serializer=RunRequest.SerializeToString,
            response_deserializer=RunResponse.FromString,
        )
        response: RunResponse = await call(request, timeout=30)
        return response


@pytest.fixture
async def worker(request: pytest.FixtureRequest) -> AsyncIterator[Worker]:
    args: list[str] = getattr(request, "param", [])
    process = Worker(args, agents=CHAOS)
    try:
        process.ready()
        yield process
    finally:
        process.stop()


async def test_a_history_of_6_mib_is_taken_by_default(worker: Worker) -> None:
    request = RunRequest(agent="chaos", prompt="turns", message_history_json=history(6 * MiB))
    response = await run(worker.address, request, 64 * MiB)
    assert json.loads(response.output_json) == "2"
    assert len(response.all_messages_json) > 6 * MiB


@pytest.mark.parametrize("worker", [["--max-message-bytes", str(1 * MiB)]], indirect=True)
async def test_a_request_over_the_configured_limit_is_refused_with_resource_exhausted(worker: Worker) -> None:
    request = RunRequest(agent="chaos", prompt="turns", message_history_json=history(2 * MiB))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await run(worker.address, request, 64 * MiB)
    assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


@pytest.mark.parametrize("worker", [["--max-message-bytes", str(1 * MiB)]], indirect=True)
async def test_an_answer_over_the_configured_limit_is_not_sent(worker: Worker) -> None:
    # Half the limit on the way in; echo's answer holds the prompt three times (output, request, reply).
    request = RunRequest(agent="echo", prompt="x" * (MiB // 2))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await run(worker.address, request, 64 * MiB)
    assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


@pytest.mark.parametrize("flag", ["0", "-1", str(2**31)])
def test_a_limit_out_of_range_is_a_usage_error(flag: str) -> None:
    process = Worker(["--max-message-bytes", flag], agents=CHAOS)
    try:
        assert process.wait_exit() == 2
        assert "--max-message-bytes" in process.stderr
    finally:
        process.stop()
