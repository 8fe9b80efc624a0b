"""Which listen addresses need TLS or a token: anything another machine could reach.

DESIGN.md: "Never bind 0.0.0.0 by default. TCP (with TLS where it leaves the host) is for remote
workers." A unix socket (0600, in a 0700 directory) and loopback TCP stay as they were; any other
TCP address serves agents to the network and is refused without TLS or a token, unless the
operator says `--insecure` on purpose (e.g. behind a mesh that does mTLS for it).
"""

from __future__ import annotations

import ipaddress

from ._config_error import ConfigError

__all__ = ["SECURE_HINT", "check_listen", "is_local"]

SECURE_HINT = (
    "pass --tls-cert PATH --tls-key PATH (and --tls-client-ca PATH to require client certificates), "
    "and/or set the token in the environment variable AXON_WORKER_TOKEN (or name another with "
    "--token-env NAME; never on the command line); or pass --insecure to serve in the clear on purpose"
)


def is_local(listen: str | None) -> bool:
    """True for a unix socket and loopback TCP (`127.0.0.0/8`, `[::1]`, `localhost`).

    Any host name but `localhost` counts as reachable: it may resolve to any interface.
    """
    if listen is None or listen.startswith("unix:"):
        return True
    host = listen.rpartition(":")[0].strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_listen(listen: str | None, *, tls: bool, token: bool, insecure: bool) -> None:
    """Raise `ConfigError` for a network-reachable address with neither TLS nor a token."""
    if is_local(listen) or tls or token or insecure:
        return
    raise ConfigError(
        f"refusing to listen on {listen} without TLS or a token: anyone who can reach this address "
        "could run the agents (and spend their model budget)",
        SECURE_HINT,
    )
