"""Server TLS from `--tls-cert` / `--tls-key`, and mutual TLS with `--tls-client-ca`.

The files are read once at start-up (no reload: a rotated certificate takes a restart, which a
Deployment's rolling update does without dropping runs). Python's `ssl` checks them first, because
grpc only reports a bad certificate or a key that does not match as "Failed to bind".
"""

from __future__ import annotations

import ssl
from pathlib import Path

import grpc

from ._config_error import ConfigError

__all__ = ["server_credentials"]

_PEM_HINT = (
    "give PEM files: --tls-cert the server certificate (its chain after it), --tls-key its unencrypted "
    "private key, --tls-client-ca the CA certificate(s) that sign client certificates"
)


def _read(flag: str, path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ConfigError(f"cannot read {flag} {path}: {error.strerror or error}", _PEM_HINT) from None


def _check(cert: Path, key: Path, client_ca: Path | None) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        # `password=""`: an encrypted key fails here instead of prompting on a terminal.
        context.load_cert_chain(cert, key, password="")
    except ssl.SSLError as error:
        raise ConfigError(
            f"--tls-cert {cert} / --tls-key {key}: not a certificate and its matching key ({error.reason})",
            _PEM_HINT,
        ) from None
    if client_ca is not None:
        try:
            context.load_verify_locations(cafile=client_ca)
        except ssl.SSLError as error:
            raise ConfigError(
                f"--tls-client-ca {client_ca}: not PEM certificates ({error.reason})", _PEM_HINT
            ) from None


def server_credentials(cert: Path, key: Path, client_ca: Path | None) -> grpc.ServerCredentials:
    """TLS for every connection; with `client_ca`, a client without a certificate it signed is refused."""
    chain = _read("--tls-cert", cert)
    private_key = _read("--tls-key", key)
    roots = _read("--tls-client-ca", client_ca) if client_ca is not None else None
    _check(cert, key, client_ca)
    return grpc.ssl_server_credentials(
        [(private_key, chain)], root_certificates=roots, require_client_auth=roots is not None
    )
