"""The control channel: JSON lines the host reads (ready, log, fatal), and the logging bridge onto it.

See docs/worker-protocol.md. Control lines go to a dedicated fd (`--control-fd`) so that nothing an
agent prints can be mistaken for one; without it they go to stdout behind a marker prefix.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import traceback
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MARKER",
    "PROTOCOL_VERSION",
    "ControlChannel",
    "ControlLogHandler",
    "RunLogContext",
    "install_logging",
    "run_log_context",
]

MARKER = "@@AXON@@ "
"""Prefix of a control line on stdout, when no `--control-fd` is given."""

PROTOCOL_VERSION = 2
"""The worker protocol this worker speaks (control messages, command line, handshake), sent in `ready`.

The host refuses a worker whose version differs from its own `PROTOCOL_VERSION`
(packages/axon/src/worker/control-message.ts; a test on each side keeps the two equal). Bump both
on every change an older host or worker would misread.
"""


@dataclass(frozen=True, slots=True)
class RunLogContext:
    """What a log record emitted while serving a run is tagged with."""

    run_id: str
    agent: str
    traceparent: str | None = None


run_log_context: ContextVar[RunLogContext | None] = ContextVar("axon_run_log_context", default=None)
"""Set by the service for the duration of a run; tasks started by the run inherit it."""


class ControlChannel:
    """Writes one JSON object per line, whole lines only, from any thread."""

    def __init__(self, fd: int | None) -> None:
        self._fd = fd
        self._lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        line = json.dumps(message, separators=(",", ":"), default=str) + "\n"
        with self._lock:
            try:
                if self._fd is None:
                    # Flush the user's pending print output first so the marker starts a line.
                    sys.stdout.flush()
                    os.write(1, (MARKER + line).encode())
                else:
                    os.write(self._fd, line.encode())
            except OSError:
                # The host went away; the lifeline notices and stops the worker.
                pass


class ControlLogHandler(logging.Handler):
    """Forwards `logging` records as `log` control messages, tagged with the current run."""

    def __init__(self, channel: ControlChannel, level: int = logging.INFO) -> None:
        super().__init__(level)
        self._channel = channel

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message: dict[str, Any] = {
                "type": "log",
                "level": record.levelname,
                "logger": record.name,
                "message": record.getMessage(),
                "time": record.created,
            }
            context = run_log_context.get()
            if context is not None:
                message["run_id"] = context.run_id
                message["agent"] = context.agent
                if context.traceparent:
                    message["traceparent"] = context.traceparent
            if record.exc_info and record.exc_info[0] is not None:
                message["exc"] = "".join(traceback.format_exception(*record.exc_info))
            self._channel.send(message)
        except Exception:
            self.handleError(record)


def install_logging(channel: ControlChannel) -> None:
    """Route INFO+ records and uncaught errors (main thread, other threads) to the control channel."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(ControlLogHandler(channel))
    logger = logging.getLogger("axon_worker")

    def excepthook(kind: type[BaseException], value: BaseException, tb: Any) -> None:
        logger.error("uncaught %s: %s", kind.__name__, value, exc_info=(kind, value, tb))
        sys.__excepthook__(kind, value, tb)

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
