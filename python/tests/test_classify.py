"""Unit: each pydantic-ai exception maps to its documented kind, status and retryability."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from pydantic import BaseModel
from pydantic_ai import Agent, ModelRetry
from pydantic_ai import exceptions as ai
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from axon_worker._errors import (
    TRACEBACK_LIMIT,
    RequestError,
    ToolRetriesExhausted,
    agent_not_found,
    classify,
    exhausted_tool,
    is_output_retries_exhausted,
    worker_stopping,
)
from axon_worker._proto.axon.v1.errors_pb2 import ErrorDetail
from axon_worker._proto.axon.v1.errors_pb2 import ErrorKind as K

CASES: list[tuple[BaseException, int, grpc.StatusCode, bool]] = [
    (RequestError("deps_json", "bad"), K.ERROR_KIND_INVALID_REQUEST, grpc.StatusCode.INVALID_ARGUMENT, False),
    (
        ai.UsageLimitExceeded("limit"),
        K.ERROR_KIND_USAGE_LIMIT_EXCEEDED,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        False,
    ),
    (
        ai.UnexpectedModelBehavior("odd"),
        K.ERROR_KIND_UNEXPECTED_MODEL_BEHAVIOR,
        grpc.StatusCode.FAILED_PRECONDITION,
        False,
    ),
    (
        ai.UnexpectedModelBehavior("Exceeded maximum output retries (1)"),
        K.ERROR_KIND_OUTPUT_VALIDATION,
        grpc.StatusCode.FAILED_PRECONDITION,
        False,
    ),
    (ai.ModelHTTPError(429, "m"), K.ERROR_KIND_MODEL_HTTP_ERROR, grpc.StatusCode.RESOURCE_EXHAUSTED, True),
    (ai.ModelHTTPError(503, "m"), K.ERROR_KIND_MODEL_HTTP_ERROR, grpc.StatusCode.UNAVAILABLE, True),
    (ai.ModelHTTPError(400, "m"), K.ERROR_KIND_MODEL_HTTP_ERROR, grpc.StatusCode.FAILED_PRECONDITION, False),
    (
        ai.ModelAPIError("m", "connection reset"),
        K.ERROR_KIND_MODEL_API_ERROR,
        grpc.StatusCode.UNAVAILABLE,
        True,
    ),
    (
        ai.ModelAuthenticationError("m", "no key"),
        K.ERROR_KIND_MODEL_API_ERROR,
        grpc.StatusCode.FAILED_PRECONDITION,
        False,
    ),
    (ai.UserError("misconfigured"), K.ERROR_KIND_USER_ERROR, grpc.StatusCode.FAILED_PRECONDITION, False),
    (ai.RunCancelled("stop"), K.ERROR_KIND_CANCELLED, grpc.StatusCode.CANCELLED, False),
    (ai.RunTimedOut("slow"), K.ERROR_KIND_TIMEOUT, grpc.StatusCode.DEADLINE_EXCEEDED, False),
    (
        ToolRetriesExhausted("lookup", 2),
        K.ERROR_KIND_UNEXPECTED_MODEL_BEHAVIOR,
        grpc.StatusCode.FAILED_PRECONDITION,
        False,
    ),
    (KeyError("x"), K.ERROR_KIND_INTERNAL, grpc.StatusCode.INTERNAL, False),
]


def classified(error: BaseException) -> tuple[grpc.StatusCode, ErrorDetail]:
    failure = classify(error, agent="a", run_id="r")
    return failure.code, failure.detail


def test_every_error_kind_is_produced_by_the_worker() -> None:
    # The Python half of "every enum map is exhaustive": a kind added to errors.proto fails here
    # until the worker produces it (and the host's `Record<ErrorKind, ...>` fails `tsc`).
    produced = {kind for _, kind, _, _ in CASES}
    produced.add(agent_not_found("x", [], "r").detail.kind)
    produced.add(worker_stopping("a", "r").detail.kind)
    every = {value for name, value in K.items() if name != "ERROR_KIND_UNSPECIFIED"}
    assert produced == every


def test_a_draining_refusal_is_agent_unavailable_retryable_and_says_draining() -> None:
    failure = worker_stopping("chaos", "r1")
    assert failure.code == grpc.StatusCode.UNAVAILABLE
    assert failure.detail.kind == K.ERROR_KIND_AGENT_UNAVAILABLE
    assert failure.detail.draining and failure.detail.retryable
    assert (failure.detail.agent, failure.detail.run_id) == ("chaos", "r1")


def test_a_host_tools_exhausted_retries_name_the_tool_as_a_field() -> None:
    _, detail = classified(ToolRetriesExhausted("it's", 1))
    assert detail.tool_name == "it's"
    assert detail.message == 'Tool "it\'s" exceeded max retries count of 1'
    _, other = classified(ai.UnexpectedModelBehavior("odd"))
    assert other.tool_name == ""


def _failing_agent(**kwargs: Any) -> Agent[None, str]:
    async def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if info.function_tools:
            return ModelResponse(parts=[ToolCallPart(info.function_tools[0].name, {})])
        return ModelResponse(parts=[TextPart("never valid")])

    return Agent(FunctionModel(model), **kwargs)


async def test_pydantic_ai_words_a_tools_exhausted_retries_as_the_worker_reads_it() -> None:
    # Pins the only text the worker reads (_errors.exhausted_tool): a rewording in pydantic-ai fails here.
    agent = _failing_agent()

    @agent.tool_plain(retries=2)
    def lookup_order() -> str:
        raise ModelRetry("no such order")

    with pytest.raises(ai.UnexpectedModelBehavior) as caught:
        await agent.run("go")
    assert exhausted_tool(caught.value) == "lookup_order"
    assert not is_output_retries_exhausted(caught.value)
    _, detail = classified(caught.value)
    assert (detail.kind, detail.tool_name) == (K.ERROR_KIND_UNEXPECTED_MODEL_BEHAVIOR, "lookup_order")


async def test_pydantic_ai_words_exhausted_output_retries_as_the_worker_reads_it() -> None:
    # Pins _errors.is_output_retries_exhausted, for the text path and for an output tool.
    text_agent = _failing_agent(retries={"output": 2})

    @text_agent.output_validator
    def reject(output: str) -> str:
        raise ModelRetry("not valid")

    class City(BaseModel):
        name: str

    async def bad_city(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, {"nom": "Paris"})])

    tool_agent = Agent(FunctionModel(bad_city), output_type=City)
    for agent in (text_agent, tool_agent):
        with pytest.raises(ai.UnexpectedModelBehavior) as caught:
            await agent.run("go")
        assert is_output_retries_exhausted(caught.value)
        assert exhausted_tool(caught.value) is None
        _, detail = classified(caught.value)
        assert (detail.kind, detail.tool_name) == (K.ERROR_KIND_OUTPUT_VALIDATION, "")


@pytest.mark.parametrize(("error", "kind", "code", "retryable"), CASES)
def test_an_exception_maps_to_its_kind_status_and_retryability(
    error: BaseException, kind: int, code: grpc.StatusCode, retryable: bool
) -> None:
    status, detail = classified(error)
    assert (detail.kind, status, detail.retryable) == (kind, code, retryable)
    assert (detail.agent, detail.run_id) == ("a", "r")


def test_a_model_http_error_carries_its_status_code() -> None:
    _, detail = classified(ai.ModelHTTPError(502, "m"))
    assert detail.HasField("status_code") and detail.status_code == 502
    assert detail.python_type == "pydantic_ai.exceptions.ModelHTTPError"


def test_the_traceback_keeps_its_last_frames_within_the_limit() -> None:
    def recurse(depth: int) -> None:
        if depth == 0:
            raise ValueError("deep")
        recurse(depth - 1)

    with pytest.raises(ValueError) as caught:
        recurse(200)
    _, detail = classified(caught.value)
    assert len(detail.traceback) <= TRACEBACK_LIMIT + 4
    assert detail.traceback.rstrip().endswith("ValueError: deep")
    assert detail.message == "ValueError: deep" and detail.python_type == "ValueError"


def test_a_huge_error_still_fits_the_metadata_a_grpc_client_accepts() -> None:
    # gRPC clients reject trailing metadata over 8 KiB at random (RESOURCE_EXHAUSTED), so the
    # detail (sent base64-encoded) and grpc-message together must stay well below it.
    def recurse(depth: int) -> None:
        if depth == 0:
            raise ValueError("x" * 100_000)
        recurse(depth - 1)

    with pytest.raises(ValueError) as caught:
        recurse(200)
    failure = classify(caught.value, agent="a", run_id="r")
    encoded = len(failure.detail.SerializeToString()) * 4 / 3
    assert encoded + len(failure.status_message.encode()) < 6 * 1024
    assert failure.detail.message.startswith("ValueError: xxx") and failure.detail.message.endswith("…")
