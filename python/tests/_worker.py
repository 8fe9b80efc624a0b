"""Spawns the real worker (`python -m axon_worker`) as the host would, and watches its channels."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"

DEMO_AGENTS = {
    "echo": "examples.agents.echo:agent",
    "structured": "examples.agents.structured:agent",
    "tools": "examples.agents.tools:agent",
    "chaos": "examples.agents.chaos:agent",
    "greeter": "greeter:agent",
}

Message = dict[str, Any]


def agent_args(agents: dict[str, str]) -> list[str]:
    return [arg for name, spec in agents.items() for arg in ("--agent", f"{name}={spec}")]


class Worker:
    """One worker process: control messages from a dedicated fd, stdout/stderr kept as text."""

    def __init__(
        self,
        args: Sequence[str],
        *,
        agents: dict[str, str] | None = None,
        stdin: int | IO[bytes] | None = subprocess.PIPE,
        env: dict[str, str] | None = None,
    ) -> None:
        read_fd, write_fd = os.pipe()
        command = [
            sys.executable,
            "-m",
            "axon_worker",
            *agent_args(DEMO_AGENTS if agents is None else agents),
            "--control-fd",
            str(write_fd),
            *args,
        ]
        environment = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(FIXTURES), **(env or {})}
        self.process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=environment,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(write_fd,),
        )
        os.close(write_fd)
        self.messages: list[Message] = []
        self.raw_control: list[str] = []
        self.stdout = ""
        self.stderr = ""
        self._changed = threading.Condition()
        assert self.process.stdout is not None and self.process.stderr is not None
        self._readers = [
            threading.Thread(target=self._read_control, args=(os.fdopen(read_fd, "rb"),), daemon=True),
            threading.Thread(target=self._read_text, args=(self.process.stdout, "stdout"), daemon=True),
            threading.Thread(target=self._read_text, args=(self.process.stderr, "stderr"), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _read_control(self, stream: IO[bytes]) -> None:
        with stream:
            for line in stream:
                text = line.decode()
                with self._changed:
                    self.raw_control.append(text)
                    self.messages.append(json.loads(text))
                    self._changed.notify_all()

    def _read_text(self, stream: IO[bytes], name: str) -> None:
        with stream:
            while chunk := stream.read1(65536):  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType, reportUnknownVariableType]
                with self._changed:
                    setattr(self, name, getattr(self, name) + chunk.decode(errors="replace"))  # pyright: ignore[reportUnknownMemberType]
                    self._changed.notify_all()

    def wait_for(self, predicate: Callable[[Message], bool], timeout: float = 10.0) -> Message:
        """The first control message matching `predicate`, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for message in self.messages:
                    if predicate(message):
                        return message
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self.process.poll() is not None and not self._readers[0].is_alive()):
                    raise TimeoutError(f"no such control message; got {self.messages}\nstderr: {self.stderr}")
                self._changed.wait(min(remaining, 0.1))

    def ready(self, timeout: float = 20.0) -> Message:
        return self.wait_for(lambda m: m["type"] == "ready", timeout)

    @property
    def address(self) -> str:
        return str(self.ready()["address"])

    def logs(self, run_id: str | None = None) -> list[Message]:
        with self._changed:
            return [
                m
                for m in self.messages
                if m["type"] == "log" and (run_id is None or m.get("run_id") == run_id)
            ]

    def wait_log(self, text: str, run_id: str | None = None, timeout: float = 5.0) -> Message:
        return self.wait_for(
            lambda m: (
                m["type"] == "log" and text in m["message"] and (run_id is None or m.get("run_id") == run_id)
            ),
            timeout,
        )

    def wait_output(self, text: str, timeout: float = 5.0) -> None:
        """Wait until `text` has appeared on the worker's stdout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while text not in self.stdout:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{text!r} not on stdout: {self.stdout!r}")
                self._changed.wait(0.1)

    def wait_exit(self, timeout: float = 15.0) -> int:
        code = self.process.wait(timeout)
        for reader in self._readers:
            reader.join(timeout)
        return code

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.wait_exit()
        if self.process.stdin is not None:
            self.process.stdin.close()
