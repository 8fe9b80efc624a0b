"""The local frames' wire format (docs/worker-protocol.md, "Local frames").

    u32 length (big-endian, of what follows) | u8 kind | u32 call id (big-endian) | payload

The payloads are the protobuf messages the gRPC calls carry; the host's side of this file is
packages/axon/src/transport/frame-codec.ts.
"""

from __future__ import annotations

import struct

__all__ = [
    "CANCEL",
    "DESCRIBE",
    "DESCRIBED",
    "END",
    "ERROR",
    "EVENT",
    "FRAME_OVERHEAD",
    "HEADER",
    "HEALTH",
    "HEALTH_STATUS",
    "MIN_LENGTH",
    "PAUSE",
    "RESPONSE",
    "RESUME",
    "RUN",
    "STREAM",
    "CallHead",
    "error_payload",
    "frame",
    "read_call_head",
]

# Host → worker.
RUN = 0x01
STREAM = 0x02
CANCEL = 0x03
PAUSE = 0x04
RESUME = 0x05
DESCRIBE = 0x06
HEALTH = 0x07
# Worker → host.
RESPONSE = 0x11
EVENT = 0x12
END = 0x13
ERROR = 0x14
DESCRIBED = 0x15
HEALTH_STATUS = 0x16

HEADER = struct.Struct(">IBI")
"""length (of what follows), kind, call id."""
MIN_LENGTH = HEADER.size - 4
"""The shortest frame's length: a kind and a call id, no payload."""
FRAME_OVERHEAD = 1024
"""How far a frame may exceed `--max-message-bytes`: its header and a RUN's own fields."""

_CALL_HEAD = struct.Struct(">IB")
"""A RUN/STREAM payload's start: timeout ms (0: none), traceparent length."""
_ERROR_HEAD = struct.Struct(">BI")
"""An ERROR payload's start: gRPC status code, message length."""


def frame(kind: int, call_id: int, payload: bytes = b"") -> bytes:
    # One bytes object, one `transport.write`: on Python 3.11 `writelines` joins them anyway.
    return HEADER.pack(len(payload) + MIN_LENGTH, kind, call_id) + payload


def error_payload(code: int, message: str, detail: bytes = b"") -> bytes:
    """An ERROR frame's payload: the status `code`, its `message`, the serialized `ErrorDetail`."""
    text = message.encode()
    return _ERROR_HEAD.pack(code, len(text)) + text + detail


class CallHead:
    """The fields of a RUN/STREAM payload before its `RunRequest`."""

    __slots__ = ("request_at", "timeout", "traceparent")

    def __init__(self, timeout: float | None, traceparent: str | None, request_at: int) -> None:
        self.timeout = timeout
        """Seconds until the deadline, None without one."""
        self.traceparent = traceparent
        self.request_at = request_at
        """Offset of the `RunRequest` in the payload."""


def read_call_head(payload: memoryview) -> CallHead:
    """Raises `ValueError` (UnicodeDecodeError is one) for a malformed head."""
    start = _CALL_HEAD.size
    if len(payload) < start:
        raise ValueError(f"a RUN/STREAM payload of {len(payload)} bytes is shorter than its head")
    timeout_ms, length = _CALL_HEAD.unpack_from(payload)
    end = start + length
    if end > len(payload):
        raise ValueError(f"the traceparent's {length} bytes run past the frame's end")
    traceparent = str(payload[start:end], "ascii") if length else None
    return CallHead(timeout_ms / 1000 if timeout_ms else None, traceparent, end)
