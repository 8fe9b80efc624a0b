"""Exceptions → gRPC status + `axon.v1.ErrorDetail` (the table in docs/errors.md)."""

from __future__ import annotations

import ast
import re
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
    "ToolRetriesExhausted",
    "agent_not_found",
    "classify",
    "exhausted_tool",
    "is_output_retries_exhausted",
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


class ToolRetriesExhausted(ai.UnexpectedModelBehavior):
    """A host tool's retries ran out across round trips: pydantic-ai's own tool-retry failure (the
    same message), raised by the worker with the tool's name as a field, not only as text."""

    def __init__(self, tool_name: str, max_retries: int) -> None:
        # tool_manager.py `_check_max_retries` words its own exhaustion this way.
        super().__init__(f"Tool {tool_name!r} exceeded max retries count of {max_retries}")
        self.tool_name = tool_name
        self.max_retries = max_retries


@dataclass(frozen=True, slots=True)
class Failure:
    """A classified error: what the client gets."""

    code: grpc.StatusCode
    detail: pb.ErrorDetail
    """Sent as `axon-error-bin`; every failure has one."""

    @property
    def status_message(self) -> str:
        return _cut(self.detail.message, STATUS_MESSAGE_LIMIT)


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


# pydantic-ai says which retry budget ran out only in the text of an `UnexpectedModelBehavior`:
# it has no subclass or attribute for either (exceptions.py, 2.68). These two functions are the
# only places that read its wording; tests/test_classify.py runs real agents into both limits and
# pins it, so that a rewording upstream fails a test instead of turning these kinds into
# `unexpected_model_behavior` in production.
_TOOL_RETRIES = re.compile(r"Tool ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\") exceeded max retries count of \d+")
"""tool_manager.py `_check_max_retries`: f"Tool {name!r} exceeded max retries count of {max_retries}..."."""
_OUTPUT_RETRIES = "Exceeded maximum output retries"
"""_agent_graph.py `consume_output_retry` / _tool_execution.py: f"Exceeded maximum output retries ({n})"."""


def exhausted_tool(error: ai.UnexpectedModelBehavior) -> str | None:
    """The tool whose retry budget ran out, or None when `error` is something else."""
    if isinstance(error, ToolRetriesExhausted):
        return error.tool_name
    matched = _TOOL_RETRIES.match(error.message)
    if matched is None:
        return None
    name = ast.literal_eval(matched.group(1))  # the `!r` of a str: a Python string literal
    return name if isinstance(name, str) else None


def is_output_retries_exhausted(error: ai.UnexpectedModelBehavior) -> bool:
    """The agent's output retries ran out (no valid output), not some other model misbehaviour."""
    return error.message.startswith(_OUTPUT_RETRIES)


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
            # Not retryable, as the host's own `timeout`: the same run needs as long again.
            return K.ERROR_KIND_TIMEOUT, grpc.StatusCode.DEADLINE_EXCEEDED, False
        case ai.RunCancelled():
            return K.ERROR_KIND_CANCELLED, grpc.StatusCode.CANCELLED, False
        case ai.UnexpectedModelBehavior() if is_output_retries_exhausted(error):
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
    if isinstance(error, ai.UnexpectedModelBehavior) and (tool_name := exhausted_tool(error)) is not None:
        detail.tool_name = tool_name
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


def worker_stopping(agent: str, run_id: str) -> Failure:
    """A run refused because the worker drains: it never started, so another instance may take it.

    The detail says so (`draining`), where a bare UNAVAILABLE would read as a lost connection."""
    return Failure(
        grpc.StatusCode.UNAVAILABLE,
        pb.ErrorDetail(
            kind=K.ERROR_KIND_AGENT_UNAVAILABLE,
            message="the worker is stopping and accepts no new runs",
            retryable=True,
            agent=agent,
            run_id=run_id,
            draining=True,
        ),
    )
