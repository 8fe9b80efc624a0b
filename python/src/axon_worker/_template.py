"""A template process: pydantic-ai and the agents' modules imported once, workers forked from it.

`python -m axon_worker template --control-fd 3`. A spawned worker spends ~0.5 s importing
pydantic-ai, grpc and the agent before it can serve; a forked one starts with all of that in memory
(shared copy-on-write with the template and its siblings) and is ready in a few tens of ms.

The host writes one JSON request per line on stdin and reads one JSON reply per line on the control
fd (docs/worker-protocol.md, "Forked workers"):

- `{"fork": ID, "argv": [...], "connect": PATH, "preload": [MODULE, ...]}` → the template imports
  `preload` (once), forks, and answers `{"type": "forked", "id": ID, "pid": PID}`. The child
  connects four Unix sockets to PATH (fds 0, 1, 2 and the control fd: its lifeline, stdout, stderr,
  control channel, each announced by a line `axon-fork ID FD`) and runs the worker's `main(argv)`.
- when a forked worker exits: `{"type": "exited", "pid": PID, "code": CODE|null, "signal": NAME|null}`.
- when a source file of the project (a module imported from under the working directory, not an
  installed package) changed since the template imported it: `{"type": "stale", "id": ID, "reason":
  ...}`: the host starts a new template, so a restart runs the code on disk, as a spawned worker
  would.
- when a fork would be unsafe — importing a module left a second thread running, which a forked
  child would not have (a lock it held stays locked forever) — `{"type": "unsafe", "id": ID,
  "reason": ...}`: the host spawns that worker, and the next ones, instead.

After `stale` or `unsafe` the host sends no more forks; the template goes on reporting the exits of
the workers it forked, and exits at stdin EOF, which the host sends once they are all gone.

gRPC is imported but never initialised here (no server, no channel): its threads start in each
child, after the fork. There is no event loop in the template either. The template exits on stdin
EOF (the host is gone) or SIGTERM; forked workers watch the host themselves and outlive it.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import json
import os
import selectors
import signal
import socket
import sys
import threading
import traceback
from collections.abc import AsyncIterator
from types import FrameType
from typing import Any

from pydantic_ai import Agent
from pydantic_ai.messages import ModelMessage, ModelMessagesTypeAdapter, ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

__all__ = ["main", "os_threads"]

FORK_HEADER = "axon-fork"
CHILD_FDS = (0, 1, 2)


def os_threads() -> list[str]:
    """The names of this process's OS threads (native ones too, which `threading` does not see)."""
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return [thread.name for thread in threading.enumerate()]
    names: list[str] = []
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/comm") as comm:
                names.append(comm.read().strip())
        except OSError:
            names.append(task)
    return names


def _project_sources() -> dict[str, int]:
    """The files of the imported modules that are the project's own (under the working directory,
    outside any installed package), with their modification times."""
    root = os.getcwd() + os.sep
    sources: dict[str, int] = {}
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.startswith(root) or "site-packages" in path:
            continue
        try:
            sources[path] = os.stat(path).st_mtime_ns
        except OSError:
            continue
    return sources


def _thread_names(os_names: list[str]) -> str:
    """The extra threads by name: Python's names where it knows them (Python < 3.14 does not name
    the OS thread), the OS's for native ones."""
    named = [thread.name for thread in threading.enumerate() if thread is not threading.main_thread()]
    return ", ".join(named or os_names[1:])


class _Template:
    def __init__(self, control_fd: int) -> None:
        self._control_fd = control_fd
        self._imported: set[str] = set()
        self._children: set[int] = set()
        self._sources: dict[str, int] = {}
        self._unsafe: str | None = None
        self._warm = False

    def changed_source(self) -> str | None:
        """A project file edited since it was imported, if any."""
        for path, mtime in self._sources.items():
            try:
                if os.stat(path).st_mtime_ns != mtime:
                    return path
            except OSError:
                return path
        return None

    def send(self, message: dict[str, Any]) -> None:
        data = (json.dumps(message) + "\n").encode()
        while data:
            data = data[os.write(self._control_fd, data) :]

    def preload(self, modules: list[str]) -> str | None:
        """Imports what is not imported yet; the reason a fork is now unsafe, or None.

        A module that fails to import is left to the child, which reports it as a worker does.
        """
        if self._unsafe is not None:
            return self._unsafe
        new = [module for module in modules if module not in self._imported]
        if not new:
            return None  # the usual fork: nothing to import, nothing to record again
        for module in new:
            self._imported.add(module)
            try:
                importlib.import_module(module)
            except BaseException:  # the child imports it again and reports why
                continue
            threads = os_threads()
            if len(threads) > 1:
                started = f"{len(threads) - 1} thread(s) ({_thread_names(threads)})"
                self._unsafe = f"importing {module!r} started {started}"
                return self._unsafe
        self.settle()
        return None

    def settle(self) -> None:
        """Records the project's source files imported so far, and freezes what exists."""
        self._sources = {**_project_sources(), **self._sources}
        # Objects that exist now are never collected: the collector's bookkeeping writes would
        # otherwise copy every shared page into each child (gc.freeze, Python >= 3.7). No collection
        # first: it costs ~70 ms at start, and what it would free is shared, not copied.
        gc.freeze()

    def fork(self, request: dict[str, Any]) -> None:
        fork_id = str(request["fork"])
        changed = self.changed_source()
        if changed is not None:
            reason = f"{changed} changed since the template imported it"
            self.send({"type": "stale", "id": fork_id, "reason": reason})
            return
        unsafe = self.preload([str(m) for m in request.get("preload", [])])
        if unsafe is not None:
            self.send({"type": "unsafe", "id": fork_id, "reason": unsafe})
            return
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            argv = [str(arg) for arg in request["argv"]]
            _become_worker(fork_id, argv, str(request["connect"]), self._control_fd)
        self._children.add(pid)
        self.send({"type": "forked", "id": fork_id, "pid": pid})
        if not self._warm:
            # After the first fork, not before it: that worker (the one a cold start waits for)
            # is not delayed by the warm-up; every later one, restarts included, starts warm.
            self._warm = True
            warm_up()
            gc.freeze()

    def reap(self) -> None:
        while self._children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self._children.discard(pid)
            code = os.waitstatus_to_exitcode(status)
            name = signal.Signals(-code).name if code < 0 else None
            self.send({"type": "exited", "pid": pid, "code": code if code >= 0 else None, "signal": name})

    def serve(self) -> int:
        # SIGCHLD wakes the loop through a pipe (the handler itself only has to exist).
        wake_read, wake_write = os.pipe()
        os.set_blocking(wake_write, False)
        signal.set_wakeup_fd(wake_write)
        signal.signal(signal.SIGCHLD, _ignore_signal)
        selector = selectors.DefaultSelector()
        selector.register(0, selectors.EVENT_READ, "stdin")
        selector.register(wake_read, selectors.EVENT_READ, "wake")
        from ._control import PROTOCOL_VERSION

        self.send({"type": "template", "protocol": PROTOCOL_VERSION, "pid": os.getpid()})
        pending = b""
        while True:
            for key, _ in selector.select():
                if key.data == "wake":
                    os.read(wake_read, 4096)
                    self.reap()
                    continue
                chunk = os.read(0, 65536)
                if not chunk:
                    return 0  # the host is gone
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    if line.strip():
                        self.fork(json.loads(line))


def _become_worker(fork_id: str, argv: list[str], connect: str, control_fd: int) -> None:
    """In the child: a session of its own, the host's sockets as stdio, then the worker. Never returns."""
    code = 70  # EX_SOFTWARE: the child failed before the worker's own exit codes apply
    try:
        os.setsid()  # its own process group, as a spawned worker has (Ctrl-C reaches the host only)
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, signal.SIG_DFL)
        for fd in (*CHILD_FDS, control_fd):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(connect)
            sock.sendall(f"{FORK_HEADER} {fork_id} {fd}\n".encode())
            os.dup2(sock.fileno(), fd)
            sock.close()
        from ._main import main

        sys.argv = ["axon_worker", *argv]
        code = main(argv)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:  # reported on stderr, which is the host's by now
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _ignore_signal(signum: int, frame: FrameType | None) -> None:
    """SIGCHLD needs a handler for the wakeup fd to see it; the loop does the work."""


def _reply(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    return ModelResponse(parts=[TextPart("warm")])


async def _stream_reply(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
    yield "warm"


def warm_up() -> None:
    """One offline run, plain and streamed, so that what pydantic-ai builds on first use (the message
    serializers, the run graph, anyio's backend) is built once here rather than in every child's
    first run (~60 ms of it). No event loop or thread outlives it."""
    agent = Agent(FunctionModel(_reply, stream_function=_stream_reply))

    async def run() -> None:
        result = await agent.run("warm")
        ModelMessagesTypeAdapter.validate_json(result.all_messages_json())
        result.new_messages_json()
        async with agent.run_stream_events("warm") as events:
            async for _ in events:
                pass

    asyncio.run(run())


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "--control-fd":
        sys.stderr.write("usage: python -m axon_worker template --control-fd FD\n")
        return 2
    control_fd = int(argv[1])
    # What every worker needs, imported before the first fork: the worker itself, grpc, pydantic-ai.
    from . import _main  # noqa: F401  # pyright: ignore[reportUnusedImport]

    template = _Template(control_fd)
    template.settle()
    threads = os_threads()
    if len(threads) > 1:
        reason = f"{len(threads) - 1} thread(s) running at start ({_thread_names(threads)})"
        template.send({"type": "unsafe", "id": None, "reason": reason})
        return 0
    try:
        return template.serve()
    except KeyboardInterrupt:
        return 0
