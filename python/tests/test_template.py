"""The fork template (`python -m axon_worker template`): forks that are real workers, exits
reported, and the two refusals (project code changed, a thread started at import)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

AGENT = """
from pydantic_ai import Agent
from pydantic_ai.models.test import TestModel

agent = Agent(TestModel(custom_output_text="forked"))
"""
THREADED = f"""{AGENT}
import threading, time
threading.Thread(target=time.sleep, args=(60,), name="poller", daemon=True).start()
"""


class Template:
    def __init__(self, project: Path) -> None:
        self.project = project
        self.accept_path = str(project / "accept.sock")
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.accept_path)
        self.server.listen(8)
        self.server.settimeout(30)
        read_fd, self.control_fd = os.pipe()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        command = [sys.executable, "-m", "axon_worker", "template", "--control-fd", str(self.control_fd)]
        self.process = subprocess.Popen(
            command, cwd=project, env=env, stdin=subprocess.PIPE, pass_fds=(self.control_fd,)
        )
        os.close(self.control_fd)
        self.control = os.fdopen(read_fd)
        self.opened: list[socket.socket] = []
        self.first = self.read()

    def read(self) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(self.control.readline())
        return message

    def request(self, fork_id: str, module: str) -> None:
        argv = ["--agent", f"a={module}:agent", "--listen", f"unix:{self.project / fork_id}.sock"]
        argv += ["--control-fd", str(self.control_fd)]
        request = {"fork": fork_id, "argv": argv, "connect": self.accept_path, "preload": [module]}
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(request) + "\n").encode())
        self.process.stdin.flush()

    def accept(self) -> dict[int, socket.socket]:
        """The forked worker's four sockets, by the fd each stands for."""
        sockets: dict[int, socket.socket] = {}
        while len(sockets) < 4:
            connection, _ = self.server.accept()
            header = b""
            while not header.endswith(b"\n"):
                header += connection.recv(1)
            _, _, fd = header.decode().split()
            sockets[int(fd)] = connection
            self.opened.append(connection)
        return sockets

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        for opened in [*self.opened, self.server]:
            opened.close()
        self.control.close()
        if self.process.stdin is not None:
            self.process.stdin.close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "plain_agent.py").write_text(AGENT)
    (tmp_path / "threaded_agent.py").write_text(THREADED)
    return tmp_path


@pytest.fixture
def template(project: Path) -> Iterator[Template]:
    started = Template(project)
    yield started
    started.stop()


def _parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat[stat.rindex(")") + 2 :].split()[1])


def test_announces_itself_with_the_protocol_version(template: Template) -> None:
    from axon_worker._control import PROTOCOL_VERSION

    assert template.first == {"type": "template", "protocol": PROTOCOL_VERSION, "pid": template.process.pid}


def test_forks_a_worker_that_is_ready_on_its_own_sockets_and_reports_its_death(template: Template) -> None:
    template.request("w1", "plain_agent")
    forked = template.read()
    assert forked["type"] == "forked"
    sockets = template.accept()
    with sockets[template.control_fd].makefile() as control:
        ready = json.loads(control.readline())
    assert ready["type"] == "ready" and ready["pid"] == forked["pid"] and ready["agents"] == ["a"]
    assert _parent_of(forked["pid"]) == template.process.pid
    os.kill(forked["pid"], signal.SIGKILL)
    assert template.read() == {"type": "exited", "pid": forked["pid"], "code": None, "signal": "SIGKILL"}


def test_says_it_is_stale_once_a_project_module_changed_on_disk(template: Template, project: Path) -> None:
    template.request("w1", "plain_agent")
    assert template.read()["type"] == "forked"
    template.accept()
    time.sleep(0.01)
    (project / "plain_agent.py").write_text(AGENT + "\n# edited\n")
    template.request("w2", "plain_agent")
    stale = template.read()
    assert stale["type"] == "stale" and stale["id"] == "w2"
    assert "plain_agent.py changed since the template imported it" in stale["reason"]


def test_refuses_to_fork_after_an_import_started_a_thread(template: Template) -> None:
    template.request("w1", "threaded_agent")
    unsafe = template.read()
    assert unsafe["type"] == "unsafe" and unsafe["id"] == "w1"
    assert unsafe["reason"] == "importing 'threaded_agent' started 1 thread(s) (poller)"
    template.request("w2", "plain_agent")  # and every fork after it
    assert template.read()["type"] == "unsafe"
