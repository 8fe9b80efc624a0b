"""The command line (docs/worker-protocol.md, "Command line"), merged with `--config` and the environment."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

__all__ = ["DEFAULT_MAX_MESSAGE_BYTES", "MODEL_ENV", "AgentSource", "CliError", "Options", "parse_args"]

MODEL_ENV = "AXON_PYTHON_AGENT_MODEL"

DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024
"""The host's default (its config's `maxMessageBytes`); gRPC's own 4 MiB would cut long histories."""
_MAX_C_INT = 2**31 - 1
"""gRPC takes message limits as a C int."""


class CliError(Exception):
    """A bad command line or config file: exit code 2."""

    control_fd: int | None = None
    """Where to send the `fatal` message, if the command line got that far."""


@dataclass(frozen=True, slots=True)
class AgentSource:
    """Where one agent comes from: exactly one of `module` / `spec`, and optionally how its deps are made."""

    module: str | None = None
    """`package.module:attribute` of a `pydantic_ai.Agent`."""
    spec: str | dict[str, Any] | None = None
    """A pydantic-ai Agent Spec: the path of a YAML/JSON file, or the spec object itself."""
    deps: str | None = None
    """`package.module:attribute` of a deps factory (or deps object); see _deps.py."""
    lifespan: str | None = None
    """`package.module:attribute` of an async lifespan, entered once per worker."""


@dataclass(frozen=True, slots=True)
class Options:
    agents: dict[str, AgentSource]
    """Agent name → where it comes from, in the order given."""
    listen: str | None
    """`unix:/path` or `HOST:PORT`; `None` means a socket in a fresh private temp directory."""
    model: str | None
    control_fd: int | None
    parent_pid: int
    grace: float
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    """Largest gRPC message received or sent; the host's channel uses the same limit."""
    tls_cert: Path | None = None
    """Server certificate (PEM); with `tls_key`, every connection is TLS (see _security.py)."""
    tls_key: Path | None = None
    tls_client_ca: Path | None = None
    """CA that signs client certificates: given, a client without one it signed is refused (mTLS)."""
    token_env: str | None = None
    """The environment variable holding the bearer token; None reads `AXON_WORKER_TOKEN` if set."""
    insecure: bool = False
    """Serve a network-reachable TCP address without TLS or a token, on purpose."""
    health_listen: str | None = None
    """A second, plaintext address serving only grpc.health.v1 (for probes that cannot do TLS)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m axon_worker", description="Serve pydantic-ai agents over gRPC (Axon worker)."
    )
    parser.add_argument("--agent", action="append", default=[], metavar="NAME=module:attribute")
    parser.add_argument("--spec", action="append", default=[], metavar="NAME=PATH")
    parser.add_argument("--spec-json", action="append", default=[], metavar="NAME=JSON")
    parser.add_argument("--deps-factory", action="append", default=[], metavar="NAME=module:attribute")
    parser.add_argument("--lifespan", action="append", default=[], metavar="NAME=module:attribute")
    parser.add_argument("--config", type=Path, metavar="FILE")
    parser.add_argument("--listen", metavar="unix:/path | HOST:PORT")
    parser.add_argument("--model")
    parser.add_argument("--control-fd", type=int, metavar="N")
    parser.add_argument("--parent-pid", type=int, metavar="PID")
    parser.add_argument("--grace", type=float, default=10.0, metavar="SECONDS")
    parser.add_argument("--max-message-bytes", type=int, default=DEFAULT_MAX_MESSAGE_BYTES, metavar="N")
    parser.add_argument("--tls-cert", type=Path, metavar="PEM")
    parser.add_argument("--tls-key", type=Path, metavar="PEM")
    parser.add_argument("--tls-client-ca", type=Path, metavar="PEM")
    parser.add_argument("--token-env", metavar="NAME")
    # Only to refuse it, without echoing it: a token on the command line is visible in `ps`
    # (and without this flag argparse would take `--token` as an abbreviation of `--token-env`).
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--insecure", action="store_true")
    parser.add_argument("--health-listen", metavar="unix:/path | HOST:PORT")
    return parser


def _split_spec(raw: str) -> tuple[str, str]:
    """`NAME=mod:attr` → (NAME, mod:attr); `mod:attr` alone is named after `attr`."""
    name, sep, spec = raw.partition("=")
    if sep:
        return name.strip(), spec.strip()
    return raw.rpartition(":")[2].strip(), raw.strip()


def _named(flag: str, raw: str) -> tuple[str, str]:
    """`NAME=VALUE` of the flags that need a name (--spec, --deps-factory, ...)."""
    name, sep, value = raw.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise CliError(f"{flag} {raw!r}: expected NAME=VALUE")
    return name.strip(), value.strip()


def _config_agent(name: str, entry: object) -> AgentSource:
    """One entry of --config's "agents": "mod:attr", or {"module"|"spec", "deps", "lifespan"}."""
    if isinstance(entry, str):
        return AgentSource(module=entry)
    if not isinstance(entry, dict):
        raise CliError(f'--config: agent "{name}" must be a "module:attribute" string or an object')
    fields: dict[str, Any] = dict(entry)  # pyright: ignore[reportUnknownArgumentType]
    unknown = set(fields) - {"module", "spec", "deps", "lifespan"}
    if unknown:
        raise CliError(f'--config: agent "{name}": unknown key(s) {sorted(unknown)}')
    for key in ("module", "deps", "lifespan"):
        if fields.get(key) is not None and not isinstance(fields[key], str):
            raise CliError(f'--config: agent "{name}": "{key}" must be a "module:attribute" string')
    spec: object = fields.get("spec")
    if isinstance(spec, dict):
        spec = dict(cast("dict[str, Any]", spec))
    elif spec is not None and not isinstance(spec, str):
        raise CliError(f'--config: agent "{name}": "spec" must be a file path or a spec object')
    return AgentSource(
        module=fields.get("module"), spec=spec, deps=fields.get("deps"), lifespan=fields.get("lifespan")
    )


def _spec_json(raw: str) -> tuple[str, dict[str, Any]]:
    name, text = _named("--spec-json", raw)
    try:
        spec: object = json.loads(text)
    except ValueError as error:
        raise CliError(f"--spec-json {name}: not JSON: {error}") from None
    if not isinstance(spec, dict):
        raise CliError(f"--spec-json {name}: expected a JSON object")
    return name, dict(spec)  # pyright: ignore[reportUnknownArgumentType]


def _check(agents: dict[str, AgentSource]) -> None:
    for name, source in agents.items():
        if (source.module is None) == (source.spec is None):
            given = "both a module and a spec" if source.module else "neither a module nor a spec"
            raise CliError(f"agent {name!r}: give exactly one of --agent / --spec, got {given}")


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
    agents: dict[str, AgentSource] = {}
    model: str | None = None
    if args.config is not None:
        config = _read_config(args.config)
        configured: object = config.get("agents", {})
        if not isinstance(configured, dict):
            raise CliError('--config: "agents" must be an object of NAME: "module:attribute"')
        for name, entry in configured.items():  # pyright: ignore[reportUnknownVariableType]
            agents[str(name)] = _config_agent(str(name), entry)  # pyright: ignore[reportUnknownArgumentType]
        config_model = config.get("model")
        model = config_model if isinstance(config_model, str) else None
    for raw in args.agent:
        name, spec = _split_spec(raw)
        if not name:
            raise CliError(f"--agent {raw!r}: empty agent name")
        agents[name] = dataclasses.replace(agents.get(name, AgentSource()), module=spec)
    specs = [_named("--spec", raw) for raw in args.spec] + [_spec_json(raw) for raw in args.spec_json]
    for name, spec in specs:
        agents[name] = dataclasses.replace(agents.get(name, AgentSource()), spec=spec)
    for flag, field, values in (
        ("--deps-factory", "deps", args.deps_factory),
        ("--lifespan", "lifespan", args.lifespan),
    ):
        for raw in values:
            name, target = _named(flag, raw)
            if name not in agents:
                raise CliError(f"{flag} {raw!r}: no agent {name!r} (give its --agent or --spec first)")
            agents[name] = dataclasses.replace(agents[name], **{field: target})
    if not agents:
        raise CliError(
            "no agents: give at least one --agent NAME=module:attribute or --spec NAME=PATH (or --config)"
        )
    _check(agents)
    if args.grace < 0:
        raise CliError("--grace must be >= 0")
    if not 0 < args.max_message_bytes <= _MAX_C_INT:
        raise CliError(f"--max-message-bytes must be between 1 and {_MAX_C_INT}")
    _check_security_flags(args)
    return Options(
        agents=agents,
        listen=args.listen,
        model=args.model or model or os.environ.get(MODEL_ENV) or None,
        control_fd=args.control_fd,
        parent_pid=args.parent_pid if args.parent_pid is not None else os.getppid(),
        grace=args.grace,
        max_message_bytes=args.max_message_bytes,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        tls_client_ca=args.tls_client_ca,
        token_env=args.token_env,
        insecure=args.insecure,
        health_listen=args.health_listen,
    )


def _check_security_flags(args: argparse.Namespace) -> None:
    if args.token is not None:
        raise CliError(
            "--token: never pass the token on the command line (`ps` shows it to every user); "
            "set AXON_WORKER_TOKEN, or name the variable that holds it with --token-env NAME"
        )
    if (args.tls_cert is None) != (args.tls_key is None):
        raise CliError("--tls-cert and --tls-key go together: give both or neither")
    if args.tls_client_ca is not None and args.tls_cert is None:
        raise CliError("--tls-client-ca needs --tls-cert and --tls-key: client certificates come over TLS")
    if args.token_env is not None and not args.token_env.strip():
        raise CliError("--token-env: expected the name of an environment variable")
