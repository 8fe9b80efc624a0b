"""One call on a local frames connection: what the AgentService handlers use of a gRPC context.

`FrameContext` satisfies `_call_context.StreamContext` (metadata, time left, abort, write) and
holds the call's state: its task, its deadline timer, whether the host PAUSEd it, and whether its
last frame is sent. After that last frame (or a CANCEL) nothing more goes out for the call.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Sequence
from typing import Any, NoReturn

import grpc

from ._call_context import Metadatum
from ._errors import ERROR_METADATA_KEY
from ._frame_codec import ERROR, EVENT, error_payload, frame
from ._proto.axon.v1 import run_pb2

__all__ = ["CallAborted", "FrameContext", "FrameLink"]

logger = logging.getLogger("axon_worker.frames")


class CallAborted(Exception):
    """Ends a handler once its call is over (as grpc.aio's `AbortError`); the frame server catches it."""


class FrameLink:
    """The writing side of one connection, shared by its calls."""

    __slots__ = ("max_message_bytes", "transport", "writable")

    def __init__(self, transport: asyncio.WriteTransport, max_message_bytes: int) -> None:
        self.transport = transport
        self.max_message_bytes = max_message_bytes
        self.writable = asyncio.Event()
        """Set while the transport's write buffer is under its high-water mark (`pause_writing`)."""
        self.writable.set()


class FrameContext:
    __slots__ = (
        "_deadline",
        "_held",
        "_link",
        "_loop",
        "_metadata",
        "_task",
        "_timer",
        "call_id",
        "finished",
        "timed_out",
    )

    def __init__(
        self, link: FrameLink, call_id: int, timeout: float | None = None, traceparent: str | None = None
    ) -> None:
        self._link = link
        self._loop = asyncio.get_running_loop()
        self.call_id = call_id
        self._deadline = None if timeout is None else self._loop.time() + timeout
        self._metadata: tuple[Metadatum, ...] = (("traceparent", traceparent),) if traceparent else ()
        self._held: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self.finished = False
        """The call's last frame is sent, or the host cancelled it: nothing more goes out."""
        self.timed_out = False

    # What the handlers use (`_call_context.StreamContext`).

    def invocation_metadata(self) -> tuple[Metadatum, ...]:
        return self._metadata

    def time_remaining(self) -> float | None:
        if self._deadline is None:
            return None
        # 0 once the timer fired, even if the loop's clock reads a hair before the deadline.
        return 0.0 if self.timed_out else self._deadline - self._loop.time()

    async def abort(
        self, code: grpc.StatusCode, details: str = "", trailing_metadata: Sequence[Metadatum] = ()
    ) -> NoReturn:
        detail = b""
        for key, value in trailing_metadata:
            if key == ERROR_METADATA_KEY and isinstance(value, bytes):
                detail = value
        self.fail(code, details, detail)
        raise CallAborted(details)

    async def write(self, message: run_pb2.RunEvent) -> None:
        while self._held is not None:  # the host's reader is behind (PAUSE)
            await self._held.wait()
        link = self._link
        while not link.writable.is_set():  # the socket's write buffer is full (pause_writing)
            await link.writable.wait()
        if self.finished:
            raise CallAborted("the call is over")
        payload = message.SerializeToString()
        if not self._send_event(payload):
            self._refuse(len(payload))
            raise CallAborted("a RunEvent over --max-message-bytes")

    def write_now(self, message: run_pb2.RunEvent) -> bool:
        """`write` without waiting: False (nothing written) when it would have to wait or fail."""
        if self._held is not None or not self._link.writable.is_set() or self.finished:
            return False
        return self._send_event(message.SerializeToString())  # over the limit: `write` refuses it

    def _send_event(self, payload: bytes) -> bool:
        """One EVENT frame; False (nothing written) for a payload over --max-message-bytes."""
        if len(payload) > self._link.max_message_bytes:
            return False
        self._link.transport.write(frame(EVENT, self.call_id, payload))
        return True

    # What the frame server uses.

    def start(self, work: Coroutine[Any, Any, None]) -> None:
        """Runs the call in its own task; cancels it at the deadline."""
        self._task = self._loop.create_task(work)
        if self._deadline is not None:
            self._timer = self._loop.call_at(self._deadline, self._expire)

    def reply(self, kind: int, payload: bytes = b"") -> None:
        """Sends the call's last frame (RESPONSE, END, DESCRIBED), unless the call is already over."""
        if self.finished:
            return
        if len(payload) > self._link.max_message_bytes:
            self._refuse(len(payload))
            return
        self.finished = True
        self._link.transport.write(frame(kind, self.call_id, payload))

    def fail(self, code: grpc.StatusCode, message: str, detail: bytes = b"") -> None:
        """Sends the call's last frame, an ERROR, unless the call is already over."""
        if not self.finished:
            self.finished = True
            payload = error_payload(code.value[0], message, detail)
            self._link.transport.write(frame(ERROR, self.call_id, payload))

    def hold(self) -> None:
        """PAUSE: `write` waits from now on."""
        if self._held is None:
            self._held = asyncio.Event()

    def release(self) -> None:
        """RESUME."""
        held, self._held = self._held, None
        if held is not None:
            held.set()

    def cancel(self) -> None:
        """CANCEL, or the connection or the worker closes: the call ends without another frame."""
        self.finished = True
        self.close()
        if self._task is not None:
            self._task.cancel()

    def close(self) -> None:
        """The call's task is ending (or cancelled, maybe before it ever ran): stop its timer."""
        if self._timer is not None:
            self._timer.cancel()

    @property
    def task(self) -> asyncio.Task[None] | None:
        return self._task

    def _expire(self) -> None:
        self.timed_out = True
        if self._task is not None:
            self._task.cancel()

    def _refuse(self, size: int) -> None:
        # As gRPC's own refusal of a message over its send limit: RESOURCE_EXHAUSTED, no detail.
        limit = self._link.max_message_bytes
        message = f"the worker's answer of {size} bytes is larger than --max-message-bytes ({limit})"
        logger.warning("frame call %d: %s, not sent", self.call_id, message)
        self.fail(grpc.StatusCode.RESOURCE_EXHAUSTED, message)
