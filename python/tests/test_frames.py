"""Local frames (docs/worker-protocol.md, "Local frames"): the same calls as gRPC, on the worker's loop.

The client here is written from the spec's table, not from the worker's codec, so a worker that
drifts from the spec fails these tests.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import stat
import struct
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1.health_pb2 import HealthCheckResponse

from axon_worker._events import flatten
from axon_worker._proto.axon.v1.describe_pb2 import DescribeResponse
from axon_worker._proto.axon.v1.errors_pb2 import ErrorDetail, ErrorKind
from axon_worker._proto.axon.v1.run_pb2 import RunEvent, RunRequest, RunResponse

from ._stub import Client, error_detail
from ._worker import Worker

# The spec's kinds and gRPC status codes.
RUN, STREAM, CANCEL, PAUSE, RESUME, DESCRIBE, HEALTH = 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07
RESPONSE, EVENT, END, ERROR, DESCRIBED, HEALTH_STATUS = 0x11, 0x12, 0x13, 0x14, 0x15, 0x16
DEADLINE_EXCEEDED, NOT_FOUND, RESOURCE_EXHAUSTED, INTERNAL, UNAVAILABLE = 4, 5, 8, 13, 14
SERVING, NOT_SERVING = HealthCheckResponse.SERVING, HealthCheckResponse.NOT_SERVING

MiB = 1024 * 1024
AGENTS = {
    "echo": "examples.agents.echo:agent",
    "tools": "examples.agents.tools:agent",
    "chaos": "examples.agents.chaos:agent",
    "slow_tokens": "examples.agents.slow_tokens:agent",
}


def frame(kind: int, call_id: int, payload: bytes = b"") -> bytes:
    return struct.pack(">IBI", len(payload) + 5, kind, call_id) + payload


def call_frame(
    kind: int, call_id: int, request: RunRequest | bytes, timeout_ms: int = 0, traceparent: str = ""
) -> bytes:
    body = request if isinstance(request, bytes) else request.SerializeToString()
    trace = traceparent.encode("ascii")
    return frame(kind, call_id, struct.pack(">IB", timeout_ms, len(trace)) + trace + body)


class FrameError(Exception):
    def __init__(self, payload: bytes) -> None:
        self.code, length = struct.unpack_from(">BI", payload)
        self.message = payload[5 : 5 + length].decode()
        self.detail_bytes = payload[5 + length :]
        super().__init__(f"{self.code}: {self.message}")

    @property
    def detail(self) -> ErrorDetail:
        return ErrorDetail.FromString(self.detail_bytes)


class Frames:
    """The host's end of one frames connection: any number of calls at once."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader, self._writer = reader, writer
        self.ids = itertools.count(1)
        self.received: list[tuple[int, int]] = []
        """(kind, call id) of every frame, in the order they arrived."""
        self._answers: defaultdict[int, asyncio.Queue[tuple[int, bytes]]] = defaultdict(asyncio.Queue)
        self.closed = asyncio.Event()
        self._task = asyncio.create_task(self._read())

    @classmethod
    async def connect(cls, address: str) -> Frames:
        return cls(*await asyncio.open_unix_connection(address.removeprefix("unix:")))

    async def _read(self) -> None:
        try:
            while True:
                (length,) = struct.unpack(">I", await self._reader.readexactly(4))
                body = await self._reader.readexactly(length)
                kind, call_id = struct.unpack_from(">BI", body)
                self.received.append((kind, call_id))
                self._answers[call_id].put_nowait((kind, body[5:]))
        except (asyncio.IncompleteReadError, ConnectionError):
            self.closed.set()

    def send(self, *frames: bytes) -> None:
        self._writer.write(b"".join(frames))

    async def next(self, call_id: int) -> tuple[int, bytes]:
        return await asyncio.wait_for(self._answers[call_id].get(), 10)

    def pending(self, call_id: int) -> int:
        return self._answers[call_id].qsize()

    async def run(self, request: RunRequest, *, timeout_ms: int = 0, traceparent: str = "") -> RunResponse:
        call_id = next(self.ids)
        self.send(call_frame(RUN, call_id, request, timeout_ms, traceparent))
        return RunResponse.FromString(await self.answer(call_id, RESPONSE))

    async def answer(self, call_id: int, kind: int) -> bytes:
        """The call's one answer of `kind`; raises FrameError for an ERROR."""
        got, payload = await self.next(call_id)
        if got == ERROR:
            raise FrameError(payload)
        assert got == kind, f"expected kind {kind:#x}, got {got:#x}"
        return payload

    async def events(self, call_id: int) -> list[RunEvent]:
        """A streamed call's messages until END (batches as they crossed); raises FrameError."""
        messages: list[RunEvent] = []
        while (kind := (answer := await self.next(call_id))[0]) != END:
            if kind == ERROR:
                raise FrameError(answer[1])
            assert kind == EVENT
            messages.append(RunEvent.FromString(answer[1]))
        return messages

    async def stream(self, request: RunRequest) -> list[RunEvent]:
        call_id = next(self.ids)
        self.send(call_frame(STREAM, call_id, request))
        return [event for message in await self.events(call_id) for event in flatten(message)]

    async def health(self) -> int:
        call_id = next(self.ids)
        self.send(frame(HEALTH, call_id))
        return (await self.answer(call_id, HEALTH_STATUS))[0]

    async def close(self) -> None:
        self._writer.close()
        await self._writer.wait_closed()
        self._task.cancel()


def kinds(events: list[RunEvent]) -> list[str]:
    return [str(event.WhichOneof("event")) for event in events]


def text_of(events: list[RunEvent]) -> str:
    return "".join(event.text_delta.text for event in events if event.HasField("text_delta"))


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    process = Worker(["--listen", f"unix:{tmp_path_factory.mktemp('frames') / 'worker.sock'}"], agents=AGENTS)
    process.ready()
    yield process
    process.stop()


@pytest.fixture
async def frames(worker: Worker) -> AsyncIterator[Frames]:
    connection = await Frames.connect(worker.ready()["frames"])
    yield connection
    await connection.close()


@pytest.fixture
async def client(worker: Worker) -> AsyncIterator[Client]:
    connection = Client(worker.address)
    yield connection
    await connection.close()


def test_ready_announces_a_0600_frames_socket_beside_the_unix_socket(worker: Worker) -> None:
    ready = worker.ready()
    assert ready["address"].endswith("/worker.sock")
    assert ready["frames"] == ready["address"].removesuffix(".sock") + ".frames"
    assert mode(Path(ready["frames"].removeprefix("unix:"))) == 0o600


def test_ready_announces_no_frames_for_a_tcp_listen() -> None:
    process = Worker(["--listen", "127.0.0.1:0"], agents={"echo": AGENTS["echo"]})
    try:
        assert "frames" not in process.ready()
    finally:
        process.stop()


def test_ready_announces_no_frames_when_their_path_would_not_fit_a_unix_socket(tmp_path: Path) -> None:
    # A 107-byte gRPC socket path fits sun_path; the same path ending in .frames (109) would not.
    directory = tmp_path / ("d" * (107 - len(str(tmp_path)) - len("/x.sock") - 1))
    directory.mkdir()
    socket = directory / "x.sock"
    assert len(str(socket)) == 107
    process = Worker(["--listen", f"unix:{socket}"], agents={"echo": AGENTS["echo"]})
    try:
        assert "frames" not in process.ready()
        assert not (directory / "x.frames").exists()
    finally:
        process.stop()


async def test_a_unary_run_answers_what_grpc_answers(frames: Frames, client: Client) -> None:
    request = RunRequest(agent="tools", prompt="add 2 and 3", run_id="same-run")
    over_frames, over_grpc = await frames.run(request), await client.run(request)
    assert json.loads(over_frames.output_json) == json.loads(over_grpc.output_json) == "5"
    assert over_frames.usage == over_grpc.usage and over_frames.usage.tool_calls == 1
    assert over_frames.run_id == over_grpc.run_id == "same-run"
    assert over_frames.model_name == over_grpc.model_name


async def test_a_streamed_run_sends_its_events_in_order_then_end(frames: Frames, client: Client) -> None:
    request = RunRequest(agent="tools", prompt="add 2 and 3")
    events = await frames.stream(request)
    assert (
        kinds(events)
        == kinds(await client.stream(request))
        == ["tool_call", "tool_result", "text_delta", "final"]
    )
    assert events[0].tool_call.tool_name == "add" and json.loads(events[-1].final.output_json) == "5"
    prompt = "the quick  brown fox "
    echoed = await frames.stream(RunRequest(agent="echo", prompt=prompt))
    assert text_of(echoed) == prompt and kinds(echoed)[-1] == "final"


async def test_an_unknown_agent_fails_with_the_status_and_detail_grpc_gives(
    frames: Frames, client: Client
) -> None:
    request = RunRequest(agent="nobody", prompt="hi", run_id="lost")
    with pytest.raises(FrameError) as over_frames:
        await frames.run(request)
    with pytest.raises(grpc.aio.AioRpcError) as over_grpc:
        await client.run(request)
    assert over_frames.value.code == NOT_FOUND == over_grpc.value.code().value[0]
    assert over_frames.value.detail == error_detail(over_grpc.value)
    assert over_frames.value.detail.kind == ErrorKind.ERROR_KIND_AGENT_NOT_FOUND
    assert "no agent named 'nobody'" in over_frames.value.message


async def test_a_cancelled_run_stops_sends_nothing_more_and_the_connection_goes_on(
    frames: Frames, worker: Worker
) -> None:
    frames.send(call_frame(STREAM, 7, RunRequest(agent="chaos", prompt="sleep 30", run_id="frame-cancel")))
    kind, payload = await frames.next(7)
    assert kind == EVENT and RunEvent.FromString(payload).tool_call.tool_name == "sleep"
    await asyncio.to_thread(worker.wait_log, "sleeping 30", "frame-cancel")
    frames.send(frame(CANCEL, 7))
    await asyncio.to_thread(worker.wait_log, "sleep interrupted", "frame-cancel", 2.0)
    await asyncio.to_thread(
        worker.wait_log, "run frame-cancel: cancelled, run task cancelled", "frame-cancel"
    )
    response = await frames.run(RunRequest(agent="echo", prompt="next"))
    assert json.loads(response.output_json) == "next"
    assert [call_id for _, call_id in frames.received].count(7) == 1  # the first event only


async def test_a_timeout_cancels_the_run_with_deadline_exceeded(frames: Frames, worker: Worker) -> None:
    request = RunRequest(agent="chaos", prompt="sleep 30", run_id="frame-slow")
    with pytest.raises(FrameError) as caught:
        await frames.run(request, timeout_ms=300)
    assert caught.value.code == DEADLINE_EXCEEDED and caught.value.detail_bytes == b""
    await asyncio.to_thread(worker.wait_log, "sleep interrupted", "frame-slow", 2.0)
    await asyncio.to_thread(worker.wait_log, "run frame-slow: deadline exceeded", "frame-slow", 2.0)


async def test_pause_holds_a_streams_events_until_resume(frames: Frames) -> None:
    frames.send(call_frame(STREAM, 3, RunRequest(agent="slow_tokens", prompt="10 20")))
    first = RunEvent.FromString(await frames.answer(3, EVENT))
    frames.send(frame(PAUSE, 3))
    await asyncio.sleep(0.5)  # the run produces its other 9 tokens meanwhile
    held = frames.pending(3)
    frames.send(frame(RESUME, 3))
    events = [first, *(event for message in await frames.events(3) for event in flatten(message))]
    assert held <= 1  # at most the event written before PAUSE arrived
    assert text_of(events) == "".join(f"tok{i} " for i in range(10))
    assert kinds(events)[-1] == "final"


async def test_describe_answers_what_grpc_describes(frames: Frames, client: Client) -> None:
    frames.send(frame(DESCRIBE, 5))
    described = DescribeResponse.FromString(await frames.answer(5, DESCRIBED))
    assert described == await client.describe()
    assert [agent.name for agent in described.agents] == list(AGENTS)


async def test_health_is_serving(frames: Frames) -> None:
    assert await frames.health() == SERVING


async def test_a_request_that_does_not_decode_fails_internal_and_the_worker_keeps_serving(
    frames: Frames,
) -> None:
    frames.send(call_frame(RUN, 9, b"\xff\xff\xff garbage"))
    with pytest.raises(FrameError) as caught:
        await frames.answer(9, RESPONSE)
    assert caught.value.code == INTERNAL and "RunRequest" in caught.value.message
    frames.send(frame(RUN, 10, b"\x00"))  # shorter than a RUN payload's own head
    with pytest.raises(FrameError) as short:
        await frames.answer(10, RESPONSE)
    assert short.value.code == INTERNAL
    assert (
        json.loads((await frames.run(RunRequest(agent="echo", prompt="still here"))).output_json)
        == "still here"
    )


async def test_frames_that_arrive_in_pieces_are_served_once_whole(frames: Frames) -> None:
    whole = call_frame(RUN, 20, RunRequest(agent="echo", prompt="in pieces")) + call_frame(RUN, 21, b"\xff")
    for piece in (whole[:3], whole[3:11], whole[11:-4], whole[-4:]):
        frames.send(piece)
        await asyncio.sleep(0.05)  # each piece its own read
    assert json.loads(RunResponse.FromString(await frames.answer(20, RESPONSE)).output_json) == "in pieces"
    with pytest.raises(FrameError) as garbage:
        await frames.answer(21, RESPONSE)
    assert garbage.value.code == INTERNAL
    assert await frames.health() == SERVING


async def test_unknown_kinds_and_call_ids_are_ignored(frames: Frames) -> None:
    frames.send(frame(0x7F, 1), frame(CANCEL, 999), frame(PAUSE, 998), frame(RESUME, 997), frame(EVENT, 4))
    assert json.loads((await frames.run(RunRequest(agent="echo", prompt="fine"))).output_json) == "fine"
    assert len(frames.received) == 1


async def test_many_calls_at_once_on_one_connection_each_get_their_own_answer(frames: Frames) -> None:
    prompts = [f"prompt number {i}" for i in range(24)]
    runs = [frames.run(RunRequest(agent="echo", prompt=p)) for p in prompts[::2]]
    streams = [frames.stream(RunRequest(agent="echo", prompt=p)) for p in prompts[1::2]]
    responses, streamed = await asyncio.gather(asyncio.gather(*runs), asyncio.gather(*streams))
    outputs = [json.loads(response.output_json) for response in responses]
    texts = [text_of(events) for events in streamed]
    assert outputs == prompts[::2] and texts == prompts[1::2]


async def test_a_traceparent_in_the_frame_tags_the_runs_logs(frames: Frames, worker: Worker) -> None:
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    await frames.run(
        RunRequest(agent="tools", prompt="add 6 and 7", run_id="frame-traced"), traceparent=traceparent
    )
    log = await asyncio.to_thread(worker.wait_log, "adding 6 and 7", "frame-traced", 2.0)
    assert log["traceparent"] == traceparent


async def test_closing_the_connection_cancels_its_runs(worker: Worker) -> None:
    frames = await Frames.connect(worker.ready()["frames"])
    frames.send(call_frame(STREAM, 1, RunRequest(agent="chaos", prompt="sleep 30", run_id="frame-lost")))
    await frames.answer(1, EVENT)
    await frames.close()
    await asyncio.to_thread(worker.wait_log, "sleep interrupted", "frame-lost", 2.0)
    await asyncio.to_thread(worker.wait_log, "run frame-lost: cancelled", "frame-lost", 2.0)


@pytest.fixture
def small_worker(tmp_path: Path) -> Iterator[Worker]:
    process = Worker(
        ["--listen", f"unix:{tmp_path / 'w.sock'}", "--max-message-bytes", str(MiB)],
        agents={"echo": AGENTS["echo"]},
    )
    process.ready()
    yield process
    process.stop()


async def test_a_frame_over_the_limit_closes_its_connection_only(small_worker: Worker) -> None:
    frames = await Frames.connect(small_worker.ready()["frames"])
    frames.send(struct.pack(">IBI", MiB + 1024 + 1, RUN, 1))
    await asyncio.wait_for(frames.closed.wait(), 5)
    await asyncio.to_thread(small_worker.wait_log, "over --max-message-bytes")
    other = await Frames.connect(small_worker.ready()["frames"])
    assert json.loads((await other.run(RunRequest(agent="echo", prompt="ok"))).output_json) == "ok"
    await other.close()
    await frames.close()


async def test_messages_over_the_limit_fail_with_resource_exhausted_and_no_detail(
    small_worker: Worker,
) -> None:
    frames = await Frames.connect(small_worker.ready()["frames"])
    try:
        # Half the limit on the way in; echo's answer holds the prompt three times.
        with pytest.raises(FrameError) as answer:
            await frames.run(RunRequest(agent="echo", prompt="x" * (MiB // 2)))
        assert answer.value.code == RESOURCE_EXHAUSTED and answer.value.detail_bytes == b""
        with pytest.raises(FrameError) as request:
            # An unknown agent: the size, not the agent, is what refuses it.
            await frames.run(RunRequest(agent="nobody", prompt="x" * (MiB + 100)))
        assert request.value.code == RESOURCE_EXHAUSTED and request.value.detail_bytes == b""
        assert json.loads((await frames.run(RunRequest(agent="echo", prompt="ok"))).output_json) == "ok"
    finally:
        await frames.close()


async def test_sigterm_turns_health_not_serving_refuses_new_runs_and_lets_a_run_in_flight_finish(
    tmp_path: Path,
) -> None:
    socket = tmp_path / "w.sock"
    worker = Worker(["--listen", f"unix:{socket}", "--grace", "5"], agents={"chaos": AGENTS["chaos"]})
    frames = await Frames.connect(worker.ready()["frames"])
    try:
        assert await frames.health() == SERVING
        frames.send(call_frame(STREAM, 100, RunRequest(agent="chaos", prompt="sleep 1")))
        await frames.answer(100, EVENT)
        worker.process.send_signal(signal.SIGTERM)
        await asyncio.to_thread(worker.wait_log, "stopping (SIGTERM): 1 run(s) in flight")
        assert await frames.health() == NOT_SERVING
        with pytest.raises(FrameError) as refused:
            await frames.run(RunRequest(agent="chaos", prompt="too late"))
        assert refused.value.code == UNAVAILABLE and refused.value.detail.draining
        events = [event for message in await frames.events(100) for event in flatten(message)]
        assert json.loads(events[-1].final.output_json) == "slept 1"
        assert await asyncio.to_thread(worker.wait_exit) == 0
        assert not (tmp_path / "w.frames").exists() and not socket.exists()
    finally:
        await frames.close()
        worker.stop()


async def test_sigterm_cancels_frame_runs_that_outlast_the_grace_period(tmp_path: Path) -> None:
    worker = Worker(
        ["--listen", f"unix:{tmp_path / 'w.sock'}", "--grace", "0.3"], agents={"chaos": AGENTS["chaos"]}
    )
    frames = await Frames.connect(worker.ready()["frames"])
    try:
        frames.send(call_frame(STREAM, 1, RunRequest(agent="chaos", prompt="sleep 30")))
        await frames.answer(1, EVENT)
        worker.process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(frames.closed.wait(), 5)
        assert await asyncio.to_thread(worker.wait_exit) == 0
        assert worker.wait_log("sleep interrupted")
        assert frames.pending(1) == 0
    finally:
        await frames.close()
        worker.stop()
