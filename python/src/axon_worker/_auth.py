"""The bearer token: read from the environment, checked on every call but health's.

A client sends gRPC metadata `authorization: Bearer <token>` (the same header as HTTP bearer auth,
RFC 6750). The token comes from an environment variable, never from the command line, where `ps`
shows it to every user of the machine. `grpc.health.v1` stays open: Kubernetes' native gRPC probes
cannot send metadata, and health answers only SERVING / NOT_SERVING per service name.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, NoReturn, TypeAlias

import grpc

from ._config_error import ConfigError
from ._errors import ERROR_METADATA_KEY
from ._proto.axon.v1 import errors_pb2 as pb

__all__ = ["AUTHORIZATION", "TOKEN_ENV", "TokenInterceptor", "read_token"]

logger = logging.getLogger("axon_worker.auth")

TOKEN_ENV = "AXON_WORKER_TOKEN"
"""Where the token is read from unless `--token-env NAME` names another variable."""
AUTHORIZATION = "authorization"
"""The metadata key a client sends its token in, as `Bearer <token>`."""
_OPEN = "/grpc.health.v1.Health/"
"""Methods served without a token: probes cannot send one (see the module docstring)."""
_TOKEN_HINT = (
    f"put the token in the environment variable {TOKEN_ENV} (or name another with --token-env NAME), "
    "e.g. from a Kubernetes Secret; printable ASCII, no spaces"
)

# Quoted: grpc's classes are generic only in their type stubs, not at run time.
Handler: TypeAlias = "grpc.RpcMethodHandler[Any, Any]"
Continuation: TypeAlias = "Callable[[grpc.HandlerCallDetails], Awaitable[Handler | None]]"


def read_token(env_name: str | None) -> str | None:
    """The token from `env_name` (default `AXON_WORKER_TOKEN`), or None when that is unset.

    The variable is removed from the environment, so the agents' code, and every process it starts,
    never sees the token. A variable named by `--token-env` must be set; an empty one is refused, as
    it would silently turn authentication off.
    """
    name = env_name or TOKEN_ENV
    raw = os.environ.pop(name, None)
    if raw is None:
        if env_name is None:
            return None
        raise ConfigError(f"--token-env {name}: the environment variable {name} is not set", _TOKEN_HINT)
    token = raw.strip()  # a trailing newline from a secret file is not part of the token
    if not token:
        raise ConfigError(f"the environment variable {name} is set but empty", _TOKEN_HINT)
    if not all("!" <= char <= "~" for char in token):
        raise ConfigError(
            f"the token in {name} must be printable ASCII without spaces: it travels in a metadata header",
            _TOKEN_HINT,
        )
    return token


def _digest(text: str) -> bytes:
    # Comparing fixed-size digests keeps even the token's length out of the timing.
    return hashlib.sha256(text.encode()).digest()


class TokenInterceptor(grpc.aio.ServerInterceptor):
    """Refuses every call without the right token (UNAUTHENTICATED, invalid_request `authorization`)."""

    def __init__(self, token: str) -> None:
        self._expected = _digest(token)

    async def intercept_service(
        self, continuation: Continuation, handler_call_details: grpc.HandlerCallDetails
    ) -> Handler:
        method: str = handler_call_details.method
        metadata: Sequence[tuple[str, Any]] = handler_call_details.invocation_metadata or ()
        problem = None if method.startswith(_OPEN) else self._problem(metadata)
        handler = await continuation(handler_call_details)
        if problem is None:
            return handler  # pyright: ignore[reportReturnType]  # None: unknown method, UNIMPLEMENTED
        return _refusal(handler, method, problem)

    def _problem(self, metadata: Sequence[tuple[str, Any]]) -> str | None:
        """Why the call is refused, or None when its token is right."""
        values = [value for key, value in metadata if key == AUTHORIZATION]
        if not values:
            return f"this worker requires a token: send gRPC metadata `{AUTHORIZATION}: Bearer <token>`"
        scheme, _, credential = str(values[0]).strip().partition(" ")
        if scheme.lower() != "bearer" or not credential.strip():
            return f"the `{AUTHORIZATION}` metadata must be `Bearer <token>`"
        if not hmac.compare_digest(_digest(credential.strip()), self._expected):
            return f"the token in `{AUTHORIZATION}` is not this worker's"
        return None


def _refusal(handler: Handler | None, method: str, message: str) -> Handler:
    """A handler of the same shape as `handler` that refuses the call without reading it."""
    detail = pb.ErrorDetail(
        kind=pb.ErrorKind.ERROR_KIND_INVALID_REQUEST, message=message, field=AUTHORIZATION, retryable=False
    )
    trailer = ((ERROR_METADATA_KEY, detail.SerializeToString()),)

    async def refuse(_request: object, context: grpc.aio.ServicerContext[Any, Any]) -> NoReturn:
        logger.warning("refused %s from %s: %s", method, context.peer(), message)
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, message, trailing_metadata=trailer)
        raise AssertionError("unreachable: abort raises")  # pragma: no cover

    shape = (bool(handler.request_streaming), bool(handler.response_streaming)) if handler else (False, False)
    make = {
        (False, False): grpc.unary_unary_rpc_method_handler,
        (False, True): grpc.unary_stream_rpc_method_handler,
        (True, False): grpc.stream_unary_rpc_method_handler,
        (True, True): grpc.stream_stream_rpc_method_handler,
    }[shape]
    return make(refuse)
