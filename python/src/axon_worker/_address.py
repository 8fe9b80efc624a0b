"""Where the worker listens: parsing `--listen`, binding, and the private socket directory."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass

import grpc

__all__ = ["BindError", "Listener", "bind"]


class BindError(Exception):
    """The listen address cannot be bound: exit code 74."""


@dataclass(frozen=True, slots=True)
class Listener:
    address: str
    """What the host dials, as announced in `ready`: `unix:/abs/path` or `HOST:PORT` (actual port)."""
    private_dir: str | None
    """A temp directory the worker created for its socket, removed at exit."""

    def cleanup(self) -> None:
        if self.private_dir is not None:
            shutil.rmtree(self.private_dir, ignore_errors=True)
        elif self.address.startswith("unix:"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.address.removeprefix("unix:"))


def _add_port(server: grpc.aio.Server, address: str, credentials: grpc.ServerCredentials | None) -> int:
    if credentials is None:
        return server.add_insecure_port(address)
    return server.add_secure_port(address, credentials)


def _bind_unix(
    server: grpc.aio.Server, path: str, private_dir: str | None, credentials: grpc.ServerCredentials | None
) -> Listener:
    if not os.path.isabs(path):
        raise BindError(f"unix socket path must be absolute: {path!r}")
    # umask 0177 while grpc creates the socket file, so it is 0600 from its first moment.
    previous = os.umask(0o177)
    try:
        _add_port(server, f"unix:{path}", credentials)
    except RuntimeError as error:
        raise BindError(f"cannot listen on unix:{path}: {error}") from None
    finally:
        os.umask(previous)
    os.chmod(path, 0o600)
    return Listener(f"unix:{path}", private_dir)


def bind(
    server: grpc.aio.Server, listen: str | None, credentials: grpc.ServerCredentials | None = None
) -> Listener:
    """Bind `server` (before `start()`); `None` → a socket in a fresh 0700 temp directory.

    With `credentials` (see _tls.py) the port serves TLS only.
    """
    if listen is None:
        private_dir = tempfile.mkdtemp(prefix="axon-worker-")  # mkdtemp creates it 0700
        return _bind_unix(server, os.path.join(private_dir, "worker.sock"), private_dir, credentials)
    if listen.startswith("unix:"):
        return _bind_unix(server, listen.removeprefix("unix:").removeprefix("//"), None, credentials)
    host, sep, port = listen.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise BindError(f"--listen {listen!r}: expected unix:/abs/path or HOST:PORT")
    try:
        actual = _add_port(server, listen, credentials)
    except RuntimeError as error:
        raise BindError(f"cannot listen on {listen}: {error}") from None
    if actual == 0:
        raise BindError(f"cannot listen on {listen}")
    return Listener(f"{host}:{actual}", None)
