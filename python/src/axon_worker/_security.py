"""How the worker guards its listen address: TLS credentials, the token check, and the listen rule.

Worked out once, before any agent is loaded, so a refused configuration (exit 78) never runs the
user's code. See docs/scale-out.md, "A worker on the network".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import grpc

from ._auth import TokenInterceptor, read_token
from ._cli import Options
from ._listen_rule import check_listen, is_local
from ._tls import server_credentials

__all__ = ["Security", "secure"]

logger = logging.getLogger("axon_worker.security")


@dataclass(frozen=True, slots=True)
class Security:
    credentials: grpc.ServerCredentials | None
    """TLS for the listen address; None serves in the clear."""
    interceptors: tuple[grpc.aio.ServerInterceptor, ...]
    """The token check, when a token is set."""


def secure(options: Options) -> Security:
    """Raise `ConfigError` for unreadable TLS files, a bad token, or an unguarded network address."""
    token = read_token(options.token_env)
    credentials = None
    if options.tls_cert is not None and options.tls_key is not None:
        credentials = server_credentials(options.tls_cert, options.tls_key, options.tls_client_ca)
    tls = credentials is not None
    check_listen(options.listen, tls=tls, token=token is not None, insecure=options.insecure)
    if not is_local(options.listen):
        if credentials is None and token is not None:
            logger.warning("listening on %s without TLS: the token travels in the clear", options.listen)
        elif credentials is None and token is None:
            logger.warning("listening on %s with neither TLS nor a token (--insecure)", options.listen)
    interceptors: tuple[grpc.aio.ServerInterceptor, ...] = () if token is None else (TokenInterceptor(token),)
    return Security(credentials, interceptors)
