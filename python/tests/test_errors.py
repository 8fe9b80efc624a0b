"""Bad input and failing runs: each gets a documented kind and gRPC status, and nothing else breaks."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator

import grpc
import pytest

from axon_worker._proto.axon.v1.errors_pb2 import ErrorDetail, ErrorKind
from axon_worker._proto.axon.v1.run_pb2 import RunRequest, UsageLimits

from ._stub import Client, error_detail
from ._worker import Worker


async def failure(
    client: Client, request: RunRequest, *, stream: bool = False
) -> tuple[grpc.StatusCode, ErrorDetail]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        if stream:
            await client.stream(request)
        else:
            await client.run(request)
    return caught.value.code(), error_detail(caught.value)


async def test_an_unknown_agent_is_not_found_and_the_message_lists_the_known_ones(client: Client) -> None:
    code, detail = await failure(client, RunRequest(agent="nope", prompt="hi", run_id="r1"))
    assert code == grpc.StatusCode.NOT_FOUND
    assert detail.kind == ErrorKind.ERROR_KIND_AGENT_NOT_FOUND
    assert "'echo'" in detail.message and "'chaos'" in detail.message
    assert detail.agent == "nope" and detail.run_id == "r1"


@pytest.mark.parametrize(
    ("field", "request_"),
    [
        (
            "message_history_json",
            RunRequest(agent="echo", prompt="hi", message_history_json=b'[{"kind":"x"}]'),
        ),
        ("message_history_json", RunRequest(agent="echo", prompt="hi", message_history_json=b"not json")),
        ("model_settings_json", RunRequest(agent="echo", prompt="hi", model_settings_json=b"[1, 2]")),
        (
            "model_settings_json",
            RunRequest(agent="echo", prompt="hi", model_settings_json=b'{"temperature": "hot"}'),
        ),
        ("metadata_json", RunRequest(agent="echo", prompt="hi", metadata_json=b'"just a string"')),
        ("deps_json", RunRequest(agent="greeter", prompt="hi", deps_json=b'{"excited": true}')),
        ("deps_json", RunRequest(agent="greeter", prompt="hi")),
        ("model", RunRequest(agent="echo", prompt="hi", model="no-such-provider:model")),
        ("prompt", RunRequest(agent="echo")),
    ],
)
async def test_bad_input_is_an_invalid_request_naming_the_field(
    client: Client, field: str, request_: RunRequest
) -> None:
    for stream in (False, True):
        code, detail = await failure(client, request_, stream=stream)
        assert code == grpc.StatusCode.INVALID_ARGUMENT
        assert detail.kind == ErrorKind.ERROR_KIND_INVALID_REQUEST
        assert detail.field == field, detail.message


async def test_valid_deps_reach_the_agent(client: Client) -> None:
    deps = json.dumps({"name": "Ada", "excited": True}).encode()
    response = await client.run(RunRequest(agent="greeter", prompt="hi", deps_json=deps))
    assert json.loads(response.output_json) == "Hello, Ada!"


async def test_a_model_override_applies_to_one_run(client: Client) -> None:
    response = await client.run(RunRequest(agent="echo", prompt="hi", model="test"))
    assert response.model_name == "test"


async def test_a_tool_raising_value_error_is_internal_with_its_python_type(client: Client) -> None:
    code, detail = await failure(client, RunRequest(agent="chaos", prompt="raise"))
    assert code == grpc.StatusCode.INTERNAL
    assert detail.kind == ErrorKind.ERROR_KIND_INTERNAL
    assert detail.python_type == "ValueError"
    assert "on purpose" in detail.message and "in fail" in detail.traceback
    assert detail.agent == "chaos" and detail.run_id


async def test_a_tool_retrying_until_retries_run_out_is_unexpected_model_behavior(client: Client) -> None:
    code, detail = await failure(client, RunRequest(agent="chaos", prompt="retry"), stream=True)
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    assert detail.kind == ErrorKind.ERROR_KIND_UNEXPECTED_MODEL_BEHAVIOR
    assert detail.python_type == "pydantic_ai.exceptions.UnexpectedModelBehavior"
    assert detail.tool_name == "flaky"


@pytest.fixture(scope="module")
def faults_worker() -> Iterator[Worker]:
    process = Worker([], agents={"faults": "examples.agents.faults:agent"})
    yield process
    process.stop()


@pytest.fixture
async def faults(faults_worker: Worker) -> AsyncIterator[Client]:
    connection = Client(faults_worker.address)
    yield connection
    await connection.close()


K = ErrorKind
STATUS = grpc.StatusCode
UMB = "UnexpectedModelBehavior"


@pytest.mark.parametrize(
    ("prompt", "kind", "code", "retryable", "python_type"),
    [
        ("http 429", K.ERROR_KIND_MODEL_HTTP_ERROR, STATUS.RESOURCE_EXHAUSTED, True, "ModelHTTPError"),
        ("http 503", K.ERROR_KIND_MODEL_HTTP_ERROR, STATUS.UNAVAILABLE, True, "ModelHTTPError"),
        ("http 400", K.ERROR_KIND_MODEL_HTTP_ERROR, STATUS.FAILED_PRECONDITION, False, "ModelHTTPError"),
        ("api", K.ERROR_KIND_MODEL_API_ERROR, STATUS.UNAVAILABLE, True, "ModelAPIError"),
        ("odd", K.ERROR_KIND_UNEXPECTED_MODEL_BEHAVIOR, STATUS.FAILED_PRECONDITION, False, UMB),
        ("retry", K.ERROR_KIND_UNEXPECTED_MODEL_BEHAVIOR, STATUS.FAILED_PRECONDITION, False, UMB),
        ("output", K.ERROR_KIND_OUTPUT_VALIDATION, STATUS.FAILED_PRECONDITION, False, UMB),
        ("user", K.ERROR_KIND_USER_ERROR, STATUS.FAILED_PRECONDITION, False, "UserError"),
        ("timeout", K.ERROR_KIND_TIMEOUT, STATUS.DEADLINE_EXCEEDED, False, "RunTimedOut"),
        ("cancel", K.ERROR_KIND_CANCELLED, STATUS.CANCELLED, False, "RunCancelled"),
        ("raise", K.ERROR_KIND_INTERNAL, STATUS.INTERNAL, False, "ValueError"),
    ],
)
async def test_each_way_an_agent_fails_reaches_the_client_as_its_kind_with_its_facts(
    faults: Client, prompt: str, kind: int, code: grpc.StatusCode, retryable: bool, python_type: str
) -> None:
    for stream in (False, True):
        status, detail = await failure(faults, RunRequest(agent="faults", prompt=prompt), stream=stream)
        assert (status, detail.kind, detail.retryable) == (code, kind, retryable)
        assert detail.python_type.rsplit(".", 1)[-1] == python_type and detail.agent == "faults"
        assert detail.tool_name == ("flaky" if prompt == "retry" else "")
        assert detail.HasField("status_code") == prompt.startswith("http")


async def test_usage_trips_the_default_request_limit(client: Client) -> None:
    code, detail = await failure(client, RunRequest(agent="chaos", prompt="usage"))
    assert code == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert detail.kind == ErrorKind.ERROR_KIND_USAGE_LIMIT_EXCEEDED
    assert "request_limit of 50" in detail.message
    assert not detail.retryable


async def test_usage_limits_in_the_request_apply(client: Client) -> None:
    request = RunRequest(agent="tools", prompt="add 1 and 2", usage_limits=UsageLimits(request_limit=1))
    code, detail = await failure(client, request)
    assert (code, detail.kind) == (
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        ErrorKind.ERROR_KIND_USAGE_LIMIT_EXCEEDED,
    )


async def test_failures_are_logged_with_their_run_id_and_the_worker_keeps_serving(
    client: Client, worker: Worker
) -> None:
    await failure(client, RunRequest(agent="chaos", prompt="raise", run_id="bad-run"))
    log = worker.wait_log("failed", run_id="bad-run")
    assert log["level"] == "WARNING" and log["agent"] == "chaos" and "ValueError" in log["exc"]
    response = await client.run(RunRequest(agent="echo", prompt="still here"))
    assert json.loads(response.output_json) == "still here"
