"""Deps factories and lifespans: resources opened once per worker, deps made per run from a caller's JSON."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
import pytest

from axon_worker._proto.axon.v1.errors_pb2 import ErrorKind
from axon_worker._proto.axon.v1.run_pb2 import RunRequest

from ._stub import Client, error_detail
from ._worker import Worker

BANK = "examples.agents.bank_support:support_agent"
SUPPORT_DEPS = "examples.agents.support_deps"


def deps_args(name: str, module: str, deps: str | None = None, lifespan: str | None = None) -> list[str]:
    args = ["--agent", f"{name}={module}"]
    if deps:
        args += ["--deps-factory", f"{name}={deps}"]
    if lifespan:
        args += ["--lifespan", f"{name}={lifespan}"]
    return args


@pytest.fixture(scope="module")
def pool_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pool") / "pool.log"


@pytest.fixture(scope="module")
def deps_worker(tmp_path_factory: pytest.TempPathFactory, pool_log: Path) -> Iterator[Worker]:
    socket = tmp_path_factory.mktemp("sock") / "deps.sock"
    args = [
        *deps_args("support", BANK, f"{SUPPORT_DEPS}:make_deps", f"{SUPPORT_DEPS}:lifespan"),
        *deps_args("support_object", BANK, f"{SUPPORT_DEPS}:SupportDeps"),
        *deps_args("bank_plain", BANK),
        *deps_args(
            "pooled",
            "examples.agents.pooled:agent",
            "examples.agents.pooled:make_deps",
            "examples.agents.pooled:lifespan",
        ),
        "--listen",
        f"unix:{socket}",
    ]
    worker = Worker(args, agents={}, env={"AXON_TEST_POOL_LOG": str(pool_log)})
    worker.ready()
    yield worker
    worker.stop()


@pytest.fixture
async def deps_client(deps_worker: Worker) -> AsyncIterator[Client]:
    client = Client(deps_worker.address)
    yield client
    await client.close()


def customer(customer_id: object) -> bytes:
    return json.dumps({"customer_id": customer_id}).encode()


async def test_describe_reports_the_factory_input_schema_and_none_for_an_unsendable_deps_type(
    deps_client: Client,
) -> None:
    agents = {agent.name: agent for agent in (await deps_client.describe()).agents}
    for name in ("support", "support_object"):
        schema = json.loads(agents[name].deps_json_schema)
        assert schema["title"] == "SupportRequest" and schema["required"] == ["customer_id"]
    # SupportDependencies holds a DatabaseConn: no JSON Schema, and Describe still answers.
    assert agents["bank_plain"].deps_json_schema == b""
    assert json.loads(agents["pooled"].deps_json_schema)["title"] == "Caller"


async def test_the_bank_support_agent_serves_unchanged_through_a_factory_and_a_lifespan(
    deps_client: Client,
) -> None:
    response = await deps_client.run(RunRequest(agent="support", prompt="balance?", deps_json=customer(123)))
    output = json.loads(response.output_json)
    assert set(output) == {"support_advice", "block_card", "risk"}
    messages = response.all_messages_json.decode()
    # The instructions read the customer's name from the lifespan's database, the tool its balance.
    assert "The customer's name is 'John'" in messages and "$100.00" in messages


async def test_a_deps_object_with_aenter_and_call_is_its_own_lifespan(deps_client: Client) -> None:
    events = await deps_client.stream(RunRequest(agent="support_object", prompt="hi", deps_json=customer(7)))
    final = events[-1].final
    assert "The customer's name is 'Ada'" in final.all_messages_json.decode()


async def test_two_concurrent_runs_share_the_one_pool_the_lifespan_opened(deps_client: Client) -> None:
    runs = [
        deps_client.run(
            RunRequest(agent="pooled", prompt="go", deps_json=json.dumps({"caller": name}).encode())
        )
        for name in ("a", "b")
    ]
    answers = [json.loads(json.loads(response.output_json)) for response in await asyncio.gather(*runs)]
    assert {answer["caller"] for answer in answers} == {"a", "b"}
    assert answers[0]["pool"] == answers[1]["pool"]
    assert [answer["opens"] for answer in answers] == [1, 1]
    assert all(answer["peak"] == 2 for answer in answers)  # both held the pool at the same time


@pytest.mark.parametrize(
    ("deps_json", "named"),
    [
        (customer("not a number"), "customer_id"),
        (b'{"customer": 123}', "customer_id"),
        (b"", "SupportRequest"),
        (b"{not json", "deps_json"),
    ],
)
async def test_bad_deps_are_an_invalid_request_naming_the_field(
    deps_client: Client, deps_json: bytes, named: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await deps_client.run(RunRequest(agent="support", prompt="hi", deps_json=deps_json))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    detail = error_detail(raised.value)
    assert detail.kind == ErrorKind.ERROR_KIND_INVALID_REQUEST and detail.field == "deps_json"
    assert named in detail.message


async def test_an_unsendable_deps_type_without_a_factory_says_to_name_one(deps_client: Client) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await deps_client.run(RunRequest(agent="bank_plain", prompt="hi", deps_json=customer(123)))
    detail = error_detail(raised.value)
    assert detail.kind == ErrorKind.ERROR_KIND_INVALID_REQUEST and detail.field == "deps_json"
    assert "SupportDependencies cannot be sent as JSON" in detail.message and "deps factory" in detail.message


def test_the_lifespan_opens_once_and_closes_on_drain(tmp_path: Path) -> None:
    log = tmp_path / "pool.log"
    args = [
        *deps_args(
            "pooled",
            "examples.agents.pooled:agent",
            "examples.agents.pooled:make_deps",
            "examples.agents.pooled:lifespan",
        ),
        "--listen",
        f"unix:{tmp_path}/w.sock",
    ]
    worker = Worker(args, agents={}, env={"AXON_TEST_POOL_LOG": str(log)})
    try:
        worker.ready()
        (opened,) = log.read_text().splitlines()
        assert opened.startswith("opened ")
        worker.process.send_signal(signal.SIGTERM)
        assert worker.wait_exit() == 0
        assert log.read_text().splitlines() == [opened, opened.replace("opened", "closed")]
    finally:
        worker.stop()


def test_the_lifespan_closes_when_the_host_goes_away(tmp_path: Path) -> None:
    log = tmp_path / "pool.log"
    args = [
        *deps_args(
            "pooled",
            "examples.agents.pooled:agent",
            "examples.agents.pooled:make_deps",
            "examples.agents.pooled:lifespan",
        ),
    ]
    worker = Worker(args, agents={}, env={"AXON_TEST_POOL_LOG": str(log)})
    try:
        worker.ready()
        assert worker.process.stdin is not None
        worker.process.stdin.close()  # the host is gone: the worker exits at once, resources closed first
        assert worker.wait_exit() == 0
        assert [line.split()[0] for line in log.read_text().splitlines()] == ["opened", "closed"]
    finally:
        worker.stop()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (deps_args("a", BANK, f"{SUPPORT_DEPS}:make_deps"), "no lifespan"),
        (
            deps_args("a", BANK, f"{SUPPORT_DEPS}:SupportRequest", f"{SUPPORT_DEPS}:lifespan"),
            "cannot receive the lifespan",
        ),
        (deps_args("a", BANK, f"{SUPPORT_DEPS}:SupportDeps", f"{SUPPORT_DEPS}:lifespan"), "lifespan too"),
        (deps_args("a", BANK, f"{SUPPORT_DEPS}:no_such_factory"), "no attribute"),
        (deps_args("a", BANK, "examples.agents.pooled:Pool"), "4 positional parameters"),
    ],
)
def test_a_deps_factory_that_cannot_work_exits_78_naming_the_agent(args: list[str], expected: str) -> None:
    worker = Worker(args, agents={})
    try:
        assert worker.wait_exit() == 78
        (fatal,) = [m for m in worker.messages if m["type"] == "fatal"]
        assert "'a'" in fatal["message"] and expected in fatal["message"] + fatal["hint"]
    finally:
        worker.stop()


def test_a_lifespan_that_fails_to_open_exits_78_with_its_traceback(tmp_path: Path) -> None:
    args = deps_args("a", BANK, f"{SUPPORT_DEPS}:make_deps", "examples.agents.pooled:Caller")
    worker = Worker(args, agents={})
    try:
        assert worker.wait_exit() == 78
        (fatal,) = [m for m in worker.messages if m["type"] == "fatal"]
        assert "lifespan failed to open" in fatal["message"] and fatal["traceback"]
        assert not [m for m in worker.messages if m["type"] == "ready"]
    finally:
        worker.stop()
