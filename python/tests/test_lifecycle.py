"""The process protocol: readiness, socket, exit codes, stopping, and no orphans."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1.health_pb2 import HealthCheckResponse

from axon_worker._proto.axon.v1.errors_pb2 import ErrorKind
from axon_worker._proto.axon.v1.run_pb2 import RunRequest

from ._stub import Client, error_detail
from ._worker import REPO_ROOT, Worker, agent_args

SERVING = HealthCheckResponse.SERVING
ECHO = {"echo": "examples.agents.echo:agent"}
CHAOS = {"chaos": "examples.agents.chaos:agent"}


def gone(pid: int) -> bool:
    """True once `pid` has exited (a zombie nobody reaps counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


async def test_ready_is_announced_once_only_after_serving_on_a_private_0600_socket() -> None:
    worker = Worker([], agents=ECHO)
    try:
        ready = worker.ready()
        client = Client(ready["address"])
        # Connecting right after `ready` must work: the server was serving before it was announced.
        assert await client.health() == SERVING
        assert await client.health("axon.v1.AgentService") == SERVING
        await client.close()
        assert ready["pid"] == worker.pid and ready["agents"] == ["echo"]
        assert set(ready["versions"]) == {"python", "pydantic_ai", "axon_worker", "grpc"}
        socket = Path(ready["address"].removeprefix("unix:"))
        assert mode(socket) == 0o600
        assert mode(socket.parent) == 0o700
        worker.process.send_signal(signal.SIGTERM)
        assert worker.wait_exit() == 0
        assert [m["type"] for m in worker.messages].count("ready") == 1
        assert not socket.parent.exists()  # the private directory is cleaned up
    finally:
        worker.stop()


@contextlib.asynccontextmanager
async def sigterm_during(prompt: str, grace: float) -> AsyncGenerator[tuple[Worker, Client, Any]]:
    """A chaos worker that gets SIGTERM once the run of `prompt` has called its tool."""
    worker = Worker(["--grace", str(grace)], agents=CHAOS)
    client = Client(worker.address)
    try:
        call = client.stream_call(RunRequest(agent="chaos", prompt=prompt))
        assert (await call.read()).tool_call.tool_name == "sleep"
        worker.process.send_signal(signal.SIGTERM)
        yield worker, client, call
    finally:
        await client.close()
        worker.stop()


async def test_sigterm_refuses_new_runs_lets_an_in_flight_run_finish_and_exits_0() -> None:
    async with sigterm_during("sleep 1", grace=5) as (worker, client, call):
        await asyncio.to_thread(worker.wait_log, "stopping (SIGTERM): 1 run(s) in flight")
        assert await client.health() == HealthCheckResponse.NOT_SERVING
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await client.run(RunRequest(agent="chaos", prompt="too late"))
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
        detail = error_detail(refused.value)
        assert detail.kind == ErrorKind.ERROR_KIND_AGENT_UNAVAILABLE
        assert detail.draining and detail.retryable and detail.agent == "chaos"
        while not (event := await call.read()).HasField("final"):
            pass
        assert json.loads(event.final.output_json) == "slept 1"
        assert await asyncio.to_thread(worker.wait_exit) == 0


async def test_sigterm_cancels_runs_that_outlast_the_grace_period() -> None:
    started = time.monotonic()
    async with sigterm_during("sleep 30", grace=0.3) as (worker, _, call):
        with pytest.raises(grpc.aio.AioRpcError):
            await call.read()
        assert await asyncio.to_thread(worker.wait_exit) == 0
        assert worker.wait_log("sleep interrupted")
    assert time.monotonic() - started < 10


def test_the_worker_exits_0_when_its_stdin_closes() -> None:
    worker = Worker([], agents=ECHO)
    try:
        worker.ready()
        assert worker.process.stdin is not None
        worker.process.stdin.close()
        assert worker.wait_exit(timeout=3) == 0
        assert worker.wait_log("stopping (stdin closed)")
    finally:
        worker.stop()


_PARENT = """
import subprocess, sys, time
child = subprocess.Popen(sys.argv[2:], pass_fds=(int(sys.argv[1]),))
print(child.pid, flush=True)
time.sleep(60)
"""


def test_the_worker_exits_when_its_parent_is_killed() -> None:
    control_read, control_write = os.pipe()
    stdin_read, stdin_write = os.pipe()  # kept open here, so only the parent watch can notice
    command = [sys.executable, "-m", "axon_worker", *agent_args(ECHO), "--control-fd", str(control_write)]
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT, str(control_write), *command],
        cwd=REPO_ROOT,
        stdin=stdin_read,
        stdout=subprocess.PIPE,
        pass_fds=(control_write,),
    )
    os.close(control_write)
    os.close(stdin_read)
    worker_pid = 0
    try:
        assert parent.stdout is not None
        worker_pid = int(parent.stdout.readline())
        with os.fdopen(control_read, "rb") as control:
            assert json.loads(control.readline())["type"] == "ready"
            parent.kill()
            parent.wait()
            deadline = time.monotonic() + 2
            while not gone(worker_pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert gone(worker_pid)
            assert any(b"is gone" in line for line in control)
    finally:
        parent.kill()
        parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()
        os.close(stdin_write)
        if worker_pid and not gone(worker_pid):
            os.kill(worker_pid, signal.SIGKILL)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("examples.agents.crash_on_boot:agent", "RuntimeError"),
        ("examples.agents.no_such_module:agent", "installed"),
        ("examples.agents.echo:missing", "no attribute"),
        ("examples.agents.structured:CityInfo", "not a pydantic_ai.Agent"),
    ],
)
def test_an_agent_that_cannot_be_loaded_exits_78_with_a_traceback_and_a_hint(
    spec: str, expected: str
) -> None:
    worker = Worker([], agents={"broken": spec})
    try:
        assert worker.wait_exit() == 78
        (fatal,) = [m for m in worker.messages if m["type"] == "fatal"]
        assert expected in fatal["message"] + fatal["hint"]
        assert fatal["hint"] and "hint: " + fatal["hint"] in worker.stderr
        if "crash_on_boot" in spec:
            assert "crash_on_boot.py" in fatal["traceback"] and "Traceback" in worker.stderr
        assert not [m for m in worker.messages if m["type"] == "ready"]
    finally:
        worker.stop()


def test_a_listen_address_that_cannot_be_bound_exits_74(tmp_path: Path) -> None:
    worker = Worker(["--listen", f"unix:{tmp_path}/missing-dir/worker.sock"], agents=ECHO)
    try:
        assert worker.wait_exit() == 74
        assert [m["type"] for m in worker.messages] == ["fatal"]
    finally:
        worker.stop()


def test_a_command_line_without_agents_exits_2() -> None:
    worker = Worker([], agents={})
    try:
        assert worker.wait_exit() == 2
        assert "no agents" in worker.stderr
    finally:
        worker.stop()


async def test_a_worker_on_tcp_port_0_reports_the_actual_port_and_takes_its_default_model_from_env() -> None:
    worker = Worker(["--listen", "127.0.0.1:0"], agents=ECHO, env={"AXON_PYTHON_AGENT_MODEL": "test"})
    try:
        host, port = worker.address.rsplit(":", 1)
        assert host == "127.0.0.1" and int(port) > 0
        client = Client(worker.address)
        response = await client.run(RunRequest(agent="echo", prompt="over tcp"))
        assert response.model_name == "test"  # pydantic-ai's TestModel, not the agent's own echo model
        assert (await client.describe()).agents[0].default_model == "test"
        await client.close()
    finally:
        worker.stop()


async def test_a_crash_mid_run_exits_137_and_fails_the_call() -> None:
    worker = Worker([], agents=CHAOS)
    client = Client(worker.address)
    try:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await client.run(RunRequest(agent="chaos", prompt="crash"))
        assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
        assert await asyncio.to_thread(worker.wait_exit) == 137
    finally:
        await client.close()
        worker.stop()


async def test_prints_stay_on_stdout_and_never_corrupt_the_control_channel(
    client: Client, worker: Worker
) -> None:
    response = await client.run(RunRequest(agent="chaos", prompt="print"))
    assert json.loads(response.output_json) == "ok"
    await asyncio.to_thread(worker.wait_output, "no newline at the end")
    assert "chaos says hello on stdout\n" in worker.stdout
    assert '@@AXON@@ {"type": "ready", "address": "unix:/fake"}' in worker.stdout
    assert "chaos says hello on stderr" in worker.stderr
    assert all(json.loads(line)["type"] in ("ready", "log") for line in worker.raw_control)
    assert [m["address"] for m in worker.messages if m["type"] == "ready"] == [worker.address]


def test_without_a_control_fd_control_lines_go_to_stdout_behind_a_marker() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "axon_worker", *agent_args(ECHO)],
        cwd=REPO_ROOT,
        input=b"",  # a pipe that ends at once: the worker announces itself, then stops
        capture_output=True,
        timeout=20,
        check=False,
    )
    assert result.returncode == 0
    lines = result.stdout.decode().splitlines()
    assert lines[0].startswith("@@AXON@@ ")
    assert json.loads(lines[0].removeprefix("@@AXON@@ "))["type"] == "ready"
