"""The command line (docs/worker-protocol.md, "Command line"), merged with `--config` and the environment."""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["MODEL_ENV", "CliError", "Options", "parse_args"]

MODEL_ENV = "AXON_PYTHON_AGENT_MODEL"


class CliError(Exception):
    """A bad command line or config file: exit code 2."""

    control_fd: int | None = None
    """Where to send the `fatal` message, if the command line got that far."""


@dataclass(frozen=True, slots=True)
class Options:
    agents: dict[str, str]
    """Agent name → `module:attribute` spec, in the order given."""
    listen: str | None
    """`unix:/path` or `HOST:PORT`; `None` means a socket in a fresh private temp directory."""
    model: str | None
    control_fd: int | None
    parent_pid: int
    grace: float


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m axon_worker", description="Serve pydantic-ai agents over gRPC (Axon worker)."
    )
    parser.add_argument("--agent", action="append", default=[], metavar="NAME=module:attribute")
    parser.add_argument("--config", type=Path, metavar="FILE")
    parser.add_argument("--listen", metavar="unix:/path | HOST:PORT")
    parser.add_argument("--model")
    parser.add_argument("--control-fd", type=int, metavar="N")
    parser.add_argument("--parent-pid", type=int, metavar="PID")
    parser.add_argument("--grace", type=float, default=10.0, metavar="SECONDS")
    return parser


def _split_spec(raw: str) -> tuple[str, str]:
    """`NAME=mod:attr` → (NAME, mod:attr); `mod:attr` alone is named after `attr`."""
    name, sep, spec = raw.partition("=")
    if sep:
        return name.strip(), spec.strip()
    return raw.rpartition(":")[2].strip(), raw.strip()


def _read_config(path: Path) -> dict[str, Any]:
    try:
        data: object = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise CliError(f"cannot read --config {path}: {error}") from error
    if not isinstance(data, dict):
        raise CliError(f"--config {path}: expected a JSON object")
    return dict(data)  # pyright: ignore[reportUnknownArgumentType]


def parse_args(argv: list[str]) -> Options:
    """Parse `argv`; argparse itself exits 2 on unknown flags, `CliError` covers the rest."""
    args = _parser().parse_args(argv)
    try:
        return _resolve(args)
    except CliError as error:
        error.control_fd = args.control_fd
        raise


def _resolve(args: argparse.Namespace) -> Options:
    agents: dict[str, str] = {}
    model: str | None = None
    if args.config is not None:
        config = _read_config(args.config)
        configured: object = config.get("agents", {})
        if not isinstance(configured, dict):
            raise CliError('--config: "agents" must be an object of NAME: "module:attribute"')
        for name, spec in configured.items():  # pyright: ignore[reportUnknownVariableType]
            if not isinstance(spec, str):
                raise CliError(f'--config: agent "{name}" must be a "module:attribute" string')
            agents[str(name)] = spec  # pyright: ignore[reportUnknownArgumentType]
        config_model = config.get("model")
        model = config_model if isinstance(config_model, str) else None
    for raw in args.agent:
        name, spec = _split_spec(raw)
        if not name:
            raise CliError(f"--agent {raw!r}: empty agent name")
        agents[name] = spec
    if not agents:
        raise CliError("no agents: give at least one --agent NAME=module:attribute (or --config)")
    if args.grace < 0:
        raise CliError("--grace must be >= 0")
    return Options(
        agents=agents,
        listen=args.listen,
        model=args.model or model or os.environ.get(MODEL_ENV) or None,
        control_fd=args.control_fd,
        parent_pid=args.parent_pid if args.parent_pid is not None else os.getppid(),
        grace=args.grace,
    )
