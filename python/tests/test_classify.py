"""Unit: each pydantic-ai exception maps to its documented kind, status and retryability."""

from __future__ import annotations

import grpc
import pytest
from pydantic_ai import exceptions as ai

from axon_worker._errors import TRACEBACK_LIMIT, RequestError, classify
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
    (ai.RunTimedOut("slow"), K.ERROR_KIND_CANCELLED, grpc.StatusCode.DEADLINE_EXCEEDED, True),
    (KeyError("x"), K.ERROR_KIND_INTERNAL, grpc.StatusCode.INTERNAL, False),
]


def classified(error: BaseException) -> tuple[grpc.StatusCode, ErrorDetail]:
    failure = classify(error, agent="a", run_id="r")
    assert failure.detail is not None
    return failure.code, failure.detail


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
    assert failure.detail is not None
    encoded = len(failure.detail.SerializeToString()) * 4 / 3
    assert encoded + len(failure.status_message.encode()) < 6 * 1024
    assert failure.detail.message.startswith("ValueError: xxx") and failure.detail.message.endswith("…")
