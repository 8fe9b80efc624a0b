"""The local frames server: AgentService calls as length-prefixed frames on a Unix socket.

docs/worker-protocol.md, "Local frames", is the spec. grpc.aio hands every call between its
poller thread and the event loop (GIL hand-offs, wake-ups: docs/benchmarks.md, "Where unary time
goes"); here an `asyncio.Protocol` reads the frames on the loop itself and `transport.write`s the
answers, so a call costs one task and no thread switch. A `Protocol`, not a `StreamReader`: one
callback per read and no awaits between the bytes and the dispatch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import struct
from collections.abc import Awaitable, Callable
from typing import TypeVar, cast

import grpc
from google.protobuf.message import DecodeError, Message

from ._address import BindError
from ._errors import classify
from ._frame_codec import (
    CANCEL,
    DESCRIBE,
    DESCRIBED,
    END,
    ERROR,
    FRAME_OVERHEAD,
    HEALTH,
    HEALTH_STATUS,
    MIN_LENGTH,
    PAUSE,
    RESPONSE,
    RESUME,
    RUN,
    STREAM,
    error_payload,
    frame,
    read_call_head,
)
from ._frame_context import CallAborted, FrameContext, FrameLink
from ._proto.axon.v1 import describe_pb2, run_pb2
from ._service import AgentService

__all__ = ["FrameServer", "frames_path"]

logger = logging.getLogger("axon_worker.frames")

Request = TypeVar("Request", run_pb2.RunRequest, describe_pb2.DescribeRequest)
Handler = Callable[[Request, FrameContext], Awaitable[Message | None]]
"""An AgentService method: Run, RunStream or Describe."""

_LENGTH = struct.Struct(">I")
_KIND_AND_CALL = struct.Struct(">BI")
_SERVING = b"\x01"  # grpc.health.v1 ServingStatus
_NOT_SERVING = b"\x02"
_MAX_UNIX_PATH = 107
"""sockaddr_un's sun_path holds 108 bytes, the terminating NUL included (unix(7))."""
_UNWIND_SECONDS = 1.0
"""How long closing waits for cancelled calls to unwind (one that ignores it must not hold up the exit)."""


def frames_path(address: str) -> str | None:
    """`unix:DIR/NAME.sock` → `DIR/NAME.frames`; None for a network address or too long a path."""
    if not address.startswith("unix:"):
        return None
    path = address.removeprefix("unix:").removesuffix(".sock") + ".frames"
    return path if len(os.fsencode(path)) <= _MAX_UNIX_PATH else None


class FrameServer:
    """Listens beside the gRPC unix socket; every connection is a `_Connection`."""

    def __init__(self, service: AgentService, max_message_bytes: int) -> None:
        self.service = service
        self.max_message_bytes = max_message_bytes
        self.connections: set[_Connection] = set()
        self._server: asyncio.Server | None = None
        self._path: str | None = None

    @property
    def address(self) -> str | None:
        """`unix:/...frames` once bound, as announced in `ready`; None when no frames are served."""
        return None if self._path is None else f"unix:{self._path}"

    async def bind(self, grpc_address: str) -> None:
        """Bind beside the gRPC socket `grpc_address` (nothing for a network one); raises `BindError`."""
        path = frames_path(grpc_address)
        if path is None:
            return
        loop = asyncio.get_running_loop()
        # umask 0177 while the socket file is created, so it is 0600 from its first moment.
        previous = os.umask(0o177)
        try:
            self._server = await loop.create_unix_server(lambda: _Connection(self), path, start_serving=False)
        except OSError as error:
            raise BindError(f"cannot listen on unix:{path}: {error}") from None
        finally:
            os.umask(previous)
        self._path = path
        os.chmod(path, 0o600)

    async def start(self) -> None:
        if self._server is not None:
            await self._server.start_serving()

    async def close(self) -> None:
        """Stop listening, cancel the calls still in flight, close every connection."""
        if self._server is None:
            return
        self._server.close()
        tasks = [call.task for connection in self.connections for call in connection.calls.values()]
        for connection in list(self.connections):
            connection.close()
        running = [task for task in tasks if task is not None]
        if running:
            await asyncio.wait(running, timeout=_UNWIND_SECONDS)
        await self._server.wait_closed()
        self._server = None

    def cleanup(self) -> None:
        """Remove the socket file (asyncio leaves it behind on Python < 3.13)."""
        if self._path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._path)


class _Connection(asyncio.Protocol):
    """One host connection: frames in, each call on its own task, answers out."""

    def __init__(self, server: FrameServer) -> None:
        self._server = server
        self._service = server.service
        self._limit = server.max_message_bytes
        self._frame_limit = server.max_message_bytes + FRAME_OVERHEAD
        self._buffer = bytearray()
        """The start of a frame not yet whole."""
        self._closed = False
        self.calls: dict[int, FrameContext] = {}

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # a unix stream server's transport
        self._link = FrameLink(self._transport, self._limit)
        self._server.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._server.connections.discard(self)
        self._cancel_calls()

    def pause_writing(self) -> None:
        self._link.writable.clear()

    def resume_writing(self) -> None:
        self._link.writable.set()

    def close(self) -> None:
        """Cancel this connection's calls (without another frame) and close it."""
        self._cancel_calls()
        self._transport.close()

    def _cancel_calls(self) -> None:
        self._closed = True
        calls, self.calls = self.calls, {}
        for call in calls.values():
            call.cancel()

    def data_received(self, data: bytes) -> None:
        if self._closed:
            return
        buffer = self._buffer
        if buffer:
            buffer += data
            used = self._read(buffer)
            del buffer[:used]
        else:
            # The common case: whole frames, read straight from `data` without copying it.
            used = self._read(data)
            if used < len(data):
                buffer += memoryview(data)[used:]

    def _read(self, data: bytes | bytearray) -> int:
        """Dispatches every whole frame in `data`; returns how many bytes they took."""
        size = len(data)
        at = 0
        with memoryview(data) as view:
            while size - at >= 4:
                (length,) = _LENGTH.unpack_from(data, at)
                if not MIN_LENGTH <= length <= self._frame_limit:
                    self._refuse(length)
                    return size
                end = at + 4 + length
                if end > size:
                    break
                kind, call_id = _KIND_AND_CALL.unpack_from(data, at + 4)
                self._dispatch(kind, call_id, view[at + 4 + MIN_LENGTH : end])
                if self._closed:
                    return size
                at = end
        return at

    def _refuse(self, length: int) -> None:
        if length < MIN_LENGTH:
            logger.warning("frames: a frame of length %d is shorter than its header; closing", length)
        else:
            logger.warning(
                "frames: a frame of %d bytes is over --max-message-bytes + %d (%d); closing the connection",
                length,
                FRAME_OVERHEAD,
                self._frame_limit,
            )
        self.close()

    def _dispatch(self, kind: int, call_id: int, payload: memoryview) -> None:
        if kind in (RUN, STREAM):
            self._open_run(kind, call_id, payload)
        elif kind == HEALTH:
            status = _NOT_SERVING if self._service.draining else _SERVING
            self._transport.write(frame(HEALTH_STATUS, call_id, status))
        elif kind == DESCRIBE:
            if self._fresh(call_id):
                call = FrameContext(self._link, call_id)
                self._open(call, self._service.Describe, describe_pb2.DescribeRequest(), DESCRIBED)
        elif (call := self.calls.get(call_id)) is not None:
            if kind == PAUSE:
                call.hold()
            elif kind == RESUME:
                call.release()
            elif kind == CANCEL:
                del self.calls[call_id]
                call.cancel()
        # Any other kind, or a call id not in flight: ignored (the spec's forward compatibility).

    def _fresh(self, call_id: int) -> bool:
        if call_id not in self.calls:
            return True
        logger.warning("frames: call id %d is already in flight on this connection; frame ignored", call_id)
        return False

    def _open_run(self, kind: int, call_id: int, payload: memoryview) -> None:
        if not self._fresh(call_id):
            return
        try:
            head = read_call_head(payload)
            body = payload[head.request_at :]
            if len(body) > self._limit:
                # As gRPC's own refusal of a message over its receive limit.
                message = f"a RunRequest of {len(body)} bytes is over --max-message-bytes ({self._limit})"
                self._fail(call_id, grpc.StatusCode.RESOURCE_EXHAUSTED, message)
                return
            # Parsed from the view, not a copy: upb takes any buffer (and copies what it keeps).
            request = run_pb2.RunRequest.FromString(cast(bytes, body))
        except (ValueError, DecodeError) as error:
            message = f"cannot decode the {'RUN' if kind == RUN else 'STREAM'} frame's RunRequest: {error}"
            self._fail(call_id, grpc.StatusCode.INTERNAL, message)
            return
        call = FrameContext(self._link, call_id, head.timeout, head.traceparent)
        if kind == RUN:
            self._open(call, self._service.Run, request, RESPONSE)
        else:
            self._open(call, self._service.RunStream, request, END)

    def _fail(self, call_id: int, code: grpc.StatusCode, message: str) -> None:
        """A call refused before it starts."""
        logger.warning("frames: call %d refused: %s", call_id, message)
        self._transport.write(frame(ERROR, call_id, error_payload(code.value[0], message)))

    def _open(self, call: FrameContext, handler: Handler[Request], request: Request, reply: int) -> None:
        self.calls[call.call_id] = call
        call.start(self._serve(call, handler, request, reply))

    async def _serve(
        self, call: FrameContext, handler: Handler[Request], request: Request, reply: int
    ) -> None:
        # The handler's coroutine is made here, in the task: a task cancelled before its first
        # step never runs this body, and would leave a coroutine made outside it never awaited.
        try:
            message = await handler(request, call)
            call.reply(reply, b"" if message is None else message.SerializeToString())
        except CallAborted:
            pass  # its ERROR is sent
        except asyncio.CancelledError:
            # The deadline passed: as gRPC's own DEADLINE_EXCEEDED (the host may have sent CANCEL).
            # Cancelled by the host, or the connection or the worker closing: nothing more to send.
            if call.timed_out:
                call.fail(grpc.StatusCode.DEADLINE_EXCEEDED, "Deadline Exceeded")
        except Exception as error:
            # The handlers turn every failure of a run into an abort; this is a bug, not the run's.
            logger.error("frames: call %d failed unexpectedly", call.call_id, exc_info=error)
            failure = classify(error, agent="", run_id="")
            call.fail(failure.code, failure.status_message, failure.detail.SerializeToString())
        finally:
            call.close()
            if self.calls.get(call.call_id) is call:
                del self.calls[call.call_id]
