"""Entry point: command line → control channel → agents → server; exit codes per docs/worker-protocol.md."""

from __future__ import annotations

import asyncio
import os
import sys
import traceback

from ._address import BindError
from ._cli import CliError, parse_args
from ._config_error import ConfigError
from ._control import ControlChannel, install_logging
from ._lifespan import LifespanError
from ._loader import LoadError, load
from ._security import secure
from ._server import serve
from ._telemetry import start_telemetry

__all__ = ["EXIT_BIND", "EXIT_LOAD", "EXIT_USAGE", "main"]

EXIT_USAGE = 2
EXIT_LOAD = 78  # EX_CONFIG (sysexits.h): also a configuration the worker refuses (ConfigError)
EXIT_BIND = 74  # EX_IOERR


def _fatal(control: ControlChannel | None, message: str, tb: str, hint: str) -> None:
    """Tell both the host (control channel) and a human (stderr)."""
    if control is not None:
        control.send({"type": "fatal", "message": message, "traceback": tb, "hint": hint})
    text = f"{tb.rstrip()}\n" if tb else ""
    sys.stderr.write(f"{text}axon_worker: {message}\nhint: {hint}\n")
    sys.stderr.flush()


def _channel(fd: int | None) -> ControlChannel:
    if fd is not None:
        os.fstat(fd)  # fail now, as a bad command line, rather than at the first message
    return ControlChannel(fd)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        options = parse_args(args)
        control = _channel(options.control_fd)
    except CliError as error:
        _fatal(_channel_or_none(error.control_fd), str(error), "", "see python -m axon_worker --help")
        return EXIT_USAGE
    except OSError as error:
        _fatal(None, f"--control-fd: {error}", "", "pass an fd the worker inherits, e.g. --control-fd 3")
        return EXIT_USAGE
    install_logging(control)
    try:
        security = secure(options)  # before any agent's code runs
    except ConfigError as error:
        _fatal(control, error.message, "", error.hint)
        return EXIT_LOAD
    try:
        loaded = load(options.agents)
    except LoadError as error:
        _fatal(control, error.message, error.traceback, error.hint)
        return EXIT_LOAD
    # After loading: an agent module that configured its own tracing (logfire) keeps it.
    telemetry = start_telemetry()
    try:
        return asyncio.run(serve(options, loaded.agents, control, deps=loaded.deps, security=security))
    except LifespanError as error:
        _fatal(control, error.message, error.traceback, error.hint)
        return EXIT_LOAD
    except BindError as error:
        _fatal(control, str(error), traceback.format_exc(), "is the address in use or the directory missing?")
        return EXIT_BIND
    finally:
        if telemetry is not None:
            telemetry.shutdown()  # exports the spans still buffered


def _channel_or_none(fd: int | None) -> ControlChannel | None:
    try:
        return _channel(fd)
    except OSError:
        return None
