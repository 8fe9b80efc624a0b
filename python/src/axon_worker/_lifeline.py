"""No orphans: stop when stdin reaches EOF (the host died, even by kill -9) or the parent pid is gone."""

from __future__ import annotations

import asyncio
import os
import stat
import threading
from collections.abc import Callable

__all__ = ["stdin_is_a_lifeline", "watch_parent", "watch_stdin"]

POLL_SECONDS = 0.25


def stdin_is_a_lifeline() -> bool:
    """Whether stdin is a pipe or socket, as a host that spawned us holds it open for its life.

    A worker nobody spawned (a container's entrypoint, a shell) has /dev/null or a terminal
    there: its EOF means nothing, and watching it would stop the worker at once.
    """
    try:
        mode = os.fstat(0).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def watch_stdin(loop: asyncio.AbstractEventLoop, on_eof: Callable[[str], None]) -> None:
    """Read (and discard) stdin in a daemon thread; EOF → `on_eof("stdin closed")` on the loop.

    Only when stdin is a lifeline (see `stdin_is_a_lifeline`); otherwise the parent watch and
    SIGTERM are what stop the worker.
    """
    if not stdin_is_a_lifeline():
        return

    def read_until_eof() -> None:
        try:
            while os.read(0, 65536):
                pass
        except OSError:
            return  # no usable stdin (closed fd): rely on the parent watch alone
        loop.call_soon_threadsafe(on_eof, "stdin closed")

    threading.Thread(target=read_until_eof, name="axon-stdin-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


async def watch_parent(parent_pid: int, on_gone: Callable[[str], None]) -> None:
    """Poll until `parent_pid` is gone. When it is our own parent, being re-parented is enough to
    know (a killed parent may linger as a zombie that `kill(pid, 0)` still finds)."""
    is_direct_parent = parent_pid == os.getppid()
    while True:
        await asyncio.sleep(POLL_SECONDS)
        gone = os.getppid() != parent_pid if is_direct_parent else not _alive(parent_pid)
        if gone:
            on_gone(f"parent process {parent_pid} is gone")
            return
