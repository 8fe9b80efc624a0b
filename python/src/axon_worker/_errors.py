"""Exceptions → gRPC status + `axon.v1.ErrorDetail` (the table in docs/errors.md)."""

from __future__ import annotations

import traceback
from dataclasses import dataclass

import grpc
from pydantic_ai import exceptions as ai

from ._proto.axon.v1 import errors_pb2 as pb

__all__ = [
    "ERROR_METADATA_KEY",
    "MESSAGE_LIMIT",
    "TRACEBACK_LIMIT",
    "Failure",
    "RequestError",
    "agent_not_found",
    "classify",
    "worker_stopping",
]

ERROR_METADATA_KEY = "axon-error-bin"
"""Trailing metadata key of the serialized ErrorDetail; `-bin` keys carry raw bytes (gRPC PROTOCOL-HTTP2)."""

# The detail travels in trailing metadata, base64-encoded, beside `grpc-message`. gRPC clients
# take 8 KiB of metadata (`grpc.max_metadata_size`) and, between that soft limit and the hard one,
# reject calls *at random* with RESOURCE_EXHAUSTED, so a long traceback turned a typed error into
# a flaky, wrong one. These bounds keep the whole trailer near 5 KiB.
TRACEBACK_LIMIT = 3 * 1024
"""Keep the end of long tracebacks: that is where the failing frame is."""
MESSAGE_LIMIT = 1024
"""An error message longer than this is cut (its start says what went wrong)."""
STATUS_MESSAGE_LIMIT = 256
"""`grpc-message` repeats the message for clients that ignore the detail; the detail has it whole."""

Kind = pb.ErrorKind
K = pb.ErrorKind


class RequestError(Exception):
    """The request itself is wrong (kind invalid_request); `field` names the bad RunRequest field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Failure:
    """A classified error: what the client gets."""

    code: grpc.StatusCode
    detail: pb.ErrorDetail | None
    """Sent as `axon-error-bin`; None only where the status alone says it all (a draining worker)."""
    message: str = ""

    @property
    def status_message(self) -> str:
        return _cut(self.detail.message if self.detail is not None else self.message, STATUS_MESSAGE_LIMIT)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _qualified(error: BaseException) -> str:
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def _bounded_traceback(error: BaseException) -> str:
    text = "".join(traceback.format_exception(error))
    return text if len(text) <= TRACEBACK_LIMIT else "...\n" + text[-TRACEBACK_LIMIT:]


def _http_status(status: int) -> tuple[grpc.StatusCode, bool]:
    if status == 429:
        return grpc.StatusCode.RESOURCE_EXHAUSTED, True
    if status >= 500:
        return grpc.StatusCode.UNAVAILABLE, True
    return grpc.StatusCode.FAILED_PRECONDITION, False


def _kind_of(error: BaseException) -> tuple[Kind, grpc.StatusCode, bool]:
    """(kind, status, retryable); the order matters: subclasses before their bases."""
    match error:
        case RequestError():
            return K.ERROR_KIND_INVALID_REQUEST, grpc.StatusCode.INVALID_ARGUMENT, False
        case ai.UsageLimitExceeded():
            return K.ERROR_KIND_USAGE_LIMIT_EXCEEDED, grpc.StatusCode.RESOURCE_EXHAUSTED, False
        case ai.ConcurrencyLimitExceeded():
            # The agent's own max_concurrency queue is full: the same request may fit later.
            return K.ERROR_KIND_USAGE_LIMIT_EXCEEDED, grpc.StatusCode.RESOURCE_EXHAUSTED, True
        case ai.RunTimedOut():
            return K.ERROR_KIND_CANCELLED, grpc.StatusCode.DEADLINE_EXCEEDED, True
        case ai.RunCancelled():
            return K.ERROR_KIND_CANCELLED, grpc.StatusCode.CANCELLED, False
        case ai.UnexpectedModelBehavior() if error.message.startswith("Exceeded maximum output retries"):
            return K.ERROR_KIND_OUTPUT_VALIDATION, grpc.StatusCode.FAILED_PRECONDITION, False
        case ai.UnexpectedModelBehavior():
            return K.ERROR_KIND_UNEXPECTED_MODEL_BEHAVIOR, grpc.StatusCode.FAILED_PRECONDITION, False
        case ai.ModelHTTPError():
            code, retryable = _http_status(error.status_code)
            return K.ERROR_KIND_MODEL_HTTP_ERROR, code, retryable
        case ai.ModelRequestRejectedError() | ai.ModelQuotaExceededError():
            # The provider said no for a reason that sending it again won't change.
            return K.ERROR_KIND_MODEL_API_ERROR, grpc.StatusCode.FAILED_PRECONDITION, False
        case ai.ModelAPIError() | ai.FallbackExceptionGroup():
            return K.ERROR_KIND_MODEL_API_ERROR, grpc.StatusCode.UNAVAILABLE, True
        case ai.UserError():
            return K.ERROR_KIND_USER_ERROR, grpc.StatusCode.FAILED_PRECONDITION, False
        case _:
            return K.ERROR_KIND_INTERNAL, grpc.StatusCode.INTERNAL, False


def classify(error: BaseException, *, agent: str, run_id: str) -> Failure:
    """Map any exception escaping a run to the status and detail the client receives."""
    kind, code, retryable = _kind_of(error)
    message = f"{type(error).__name__}: {error}" if kind == K.ERROR_KIND_INTERNAL else str(error)
    detail = pb.ErrorDetail(
        kind=kind,
        message=_cut(message, MESSAGE_LIMIT),
        python_type=_qualified(error),
        retryable=retryable,
        agent=agent,
        run_id=run_id,
    )
    if kind != K.ERROR_KIND_INVALID_REQUEST:
        detail.traceback = _bounded_traceback(error)
    if isinstance(error, RequestError):
        detail.field = error.field
    if isinstance(error, ai.ModelHTTPError):
        detail.status_code = error.status_code
    return Failure(code, detail)


def agent_not_found(name: str, known: list[str], run_id: str) -> Failure:
    listed = ", ".join(repr(known_name) for known_name in known) or "none"
    return Failure(
        grpc.StatusCode.NOT_FOUND,
        pb.ErrorDetail(
            kind=K.ERROR_KIND_AGENT_NOT_FOUND,
            message=f"no agent named {name!r} in this worker; it hosts: {listed}",
            agent=name,
            run_id=run_id,
            field="agent",
        ),
    )


def worker_stopping() -> Failure:
    # No kind fits a run refused because the worker drains: it never started. A bare UNAVAILABLE
    # is what the host also sees once the server is gone, and means "try another worker".
    return Failure(grpc.StatusCode.UNAVAILABLE, None, "the worker is stopping and accepts no new runs")
