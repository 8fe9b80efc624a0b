"""What the AgentService handlers use of a call's context, whichever transport carries the call.

Both grpc.aio's `ServicerContext` and the local frames' `FrameContext` (_frame_context.py) satisfy
these protocols, so one set of handlers serves both (docs/worker-protocol.md, "Local frames").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NoReturn, Protocol

import grpc

from ._proto.axon.v1 import describe_pb2, run_pb2

__all__ = ["CallContext", "Metadatum", "StreamContext"]

Metadatum = tuple[str, str | bytes]
"""One metadata entry, as grpc.aio gives it: a `-bin` key carries bytes, every other key a str."""


class CallContext(Protocol):
    def invocation_metadata(self) -> Iterable[Metadatum] | None:
        """The call's metadata (only `traceparent` is read)."""
        ...

    def time_remaining(self) -> float | None:
        """Seconds left before the call's deadline (<= 0 once it passed); None without a deadline.

        grpc.aio types it as float, but returns None when the call has no deadline.
        """
        ...

    async def abort(
        self, code: grpc.StatusCode, details: str = ..., trailing_metadata: Sequence[Metadatum] = ...
    ) -> NoReturn:
        """Ends the call with `code`; raises, so the handler stops here."""
        ...


class StreamContext(CallContext, Protocol):
    async def write(self, message: run_pb2.RunEvent) -> None:
        """Sends one message of a streamed run; waits while the reader is behind."""
        ...


if TYPE_CHECKING:
    # Checked by pyright, not run: grpc.aio's contexts fit the protocols the handlers take.
    def grpc_fits(
        run: grpc.aio.ServicerContext[run_pb2.RunRequest, run_pb2.RunEvent],
        describe: grpc.aio.ServicerContext[describe_pb2.DescribeRequest, describe_pb2.DescribeResponse],
    ) -> tuple[StreamContext, CallContext]:
        return run, describe
