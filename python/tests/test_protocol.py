"""The protocol version in `ready`: the host refuses a worker whose version differs from its own."""

from __future__ import annotations

import re

from axon_worker._control import PROTOCOL_VERSION

from ._worker import REPO_ROOT, Worker

HOST_SIDE = REPO_ROOT / "packages" / "axon" / "src" / "worker" / "control-message.ts"


def test_ready_announces_the_protocol_version_this_worker_speaks() -> None:
    worker = Worker([], agents={"echo": "examples.agents.echo:agent"})
    try:
        assert worker.ready()["protocol"] == PROTOCOL_VERSION
    finally:
        worker.stop()


def test_the_worker_speaks_the_protocol_version_of_the_host_it_ships_with() -> None:
    match = re.search(r"^export const PROTOCOL_VERSION = (\d+);$", HOST_SIDE.read_text(), re.MULTILINE)
    assert match is not None, f"no PROTOCOL_VERSION in {HOST_SIDE}"
    assert int(match.group(1)) == PROTOCOL_VERSION
    assert isinstance(PROTOCOL_VERSION, int) and PROTOCOL_VERSION >= 1
