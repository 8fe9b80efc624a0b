"""A worker on the network: the listen rule, the bearer token, TLS and mTLS, and draining over TCP.

Every test runs a real worker on a real TCP port (`0.0.0.0:0`, reached at 127.0.0.1) with
certificates made at test time by the `openssl` command line.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import subprocess
from collections.abc import AsyncIterator, Awaitable, Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from grpc_health.v1.health_pb2 import HealthCheckResponse

from axon_worker._listen_rule import is_local
from axon_worker._proto.axon.v1.errors_pb2 import ErrorKind
from axon_worker._proto.axon.v1.run_pb2 import RunRequest

from ._stub import Client, error_detail
from ._worker import Worker

SERVING = HealthCheckResponse.SERVING
NOT_SERVING = HealthCheckResponse.NOT_SERVING
ECHO = {"echo": "examples.agents.echo:agent"}
CHAOS = {"chaos": "examples.agents.chaos:agent"}
TOKEN = "t0ken-for-tests_only.9f2c"
BEARER = (("authorization", f"Bearer {TOKEN}"),)


@dataclass(frozen=True, slots=True)
class Pki:
    """A test CA, a server certificate it signed (localhost, 127.0.0.1) and a client certificate."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    stranger_cert: Path
    """Self-signed: a client certificate the CA did not sign."""
    stranger_key: Path

    def credentials(self, *, client: bool = False, stranger: bool = False) -> grpc.ChannelCredentials:
        pair = (self.stranger_key, self.stranger_cert) if stranger else (self.client_key, self.client_cert)
        key, cert = (pair[0].read_bytes(), pair[1].read_bytes()) if client or stranger else (None, None)
        return grpc.ssl_channel_credentials(self.ca.read_bytes(), private_key=key, certificate_chain=cert)


def _openssl(*args: str | Path, cwd: Path) -> None:
    subprocess.run(["openssl", *map(str, args)], cwd=cwd, check=True, capture_output=True)


def _new_key(name: str, cwd: Path) -> None:
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name, cwd=cwd)


def _signed(name: str, subject: str, extensions: str, serial: int, cwd: Path) -> None:
    _new_key(f"{name}.key", cwd)
    _openssl("req", "-new", "-key", f"{name}.key", "-subj", subject, "-out", f"{name}.csr", cwd=cwd)
    (cwd / f"{name}.ext").write_text(extensions)
    _openssl(
        "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", str(serial),
        "-days", "1", "-extfile", f"{name}.ext", "-out", f"{name}.pem", cwd=cwd,
    )  # fmt: skip


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    if shutil.which("openssl") is None:
        pytest.skip(
            "the openssl command line is needed to make test certificates (Debian: apt-get install openssl)"
        )
    cwd = tmp_path_factory.mktemp("pki")
    _new_key("ca.key", cwd)
    _openssl(
        "req", "-x509", "-key", "ca.key", "-subj", "/CN=axon test CA", "-days", "1", "-out", "ca.pem",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign", cwd=cwd,
    )  # fmt: skip
    _signed(
        "server",
        "/CN=localhost",
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
        1,
        cwd,
    )
    _signed("client", "/CN=axon host", "extendedKeyUsage=clientAuth\n", 2, cwd)
    _new_key("stranger.key", cwd)
    _openssl(
        "req",
        "-x509",
        "-key",
        "stranger.key",
        "-subj",
        "/CN=stranger",
        "-days",
        "1",
        "-out",
        "stranger.pem",
        cwd=cwd,
    )
    return Pki(
        ca=cwd / "ca.pem",
        server_cert=cwd / "server.pem",
        server_key=cwd / "server.key",
        client_cert=cwd / "client.pem",
        client_key=cwd / "client.key",
        stranger_cert=cwd / "stranger.pem",
        stranger_key=cwd / "stranger.key",
    )


def tls_args(pki: Pki, *, mutual: bool = False) -> list[str]:
    args = ["--tls-cert", str(pki.server_cert), "--tls-key", str(pki.server_key)]
    return [*args, "--tls-client-ca", str(pki.ca)] if mutual else args


def reachable(worker: Worker) -> str:
    """The worker listens on every interface (`0.0.0.0:PORT`); dial it on loopback."""
    return "127.0.0.1:" + worker.address.rpartition(":")[2]


def health_port(worker: Worker) -> str:
    """The `--health-listen` address, as the worker logs it (port 0 picks a free one)."""
    line = worker.wait_log("health checks also on ")["message"]
    return line.removeprefix("health checks also on ").split(" ")[0]


def started(args: list[str], agents: dict[str, str] = ECHO, env: dict[str, str] | None = None) -> Worker:
    worker = Worker(["--listen", "0.0.0.0:0", *args], agents=agents, env=env)
    worker.ready()
    return worker


async def refused(call: Awaitable[object]) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call
    return error.value


# --- the listen rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("listen", "local"),
    [
        (None, True),
        ("unix:/tmp/w.sock", True),
        ("127.0.0.1:50051", True),
        ("127.9.9.9:1", True),
        ("[::1]:50051", True),
        ("localhost:50051", True),
        ("0.0.0.0:50051", False),
        ("[::]:50051", False),
        ("10.1.2.3:50051", False),
        ("worker.example:50051", False),
        (":50051", False),
    ],
)
def test_only_unix_sockets_and_loopback_count_as_local(listen: str | None, local: bool) -> None:
    assert is_local(listen) is local


def test_a_network_listen_without_tls_or_token_exits_78_with_the_hint_before_loading_any_agent() -> None:
    # The agent cannot even be imported: the refusal comes first, so no user code ran.
    worker = Worker(["--listen", "0.0.0.0:0"], agents={"x": "no_such_module:agent"})
    try:
        assert worker.wait_exit() == 78
        [fatal] = worker.messages
        assert fatal["type"] == "fatal"
        assert fatal["message"].startswith("refusing to listen on 0.0.0.0:0 without TLS or a token")
        for flag in ("--tls-cert", "--tls-key", "AXON_WORKER_TOKEN", "--token-env", "--insecure"):
            assert flag in fatal["hint"]
        assert "hint: pass --tls-cert" in worker.stderr
    finally:
        worker.stop()


async def test_insecure_serves_a_network_address_in_the_clear_on_purpose_and_says_so() -> None:
    worker = started(["--insecure"])
    client = Client(reachable(worker))
    try:
        assert (await client.run(RunRequest(agent="echo", prompt="plain"))).output_json
        assert worker.wait_log("with neither TLS nor a token (--insecure)")["level"] == "WARNING"
    finally:
        await client.close()
        worker.stop()


def test_a_token_on_the_command_line_is_refused_without_echoing_it() -> None:
    worker = Worker(["--listen", "0.0.0.0:0", "--token", "hunter2-secret"], agents=ECHO)
    try:
        assert worker.wait_exit() == 2
        assert "never pass the token on the command line" in worker.stderr
        assert "hunter2-secret" not in worker.stderr + json.dumps(worker.messages)
    finally:
        worker.stop()


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            ["--token-env", "MY_TOKEN"],
            {},
            "--token-env MY_TOKEN: the environment variable MY_TOKEN is not set",
        ),
        ([], {"AXON_WORKER_TOKEN": "  "}, "AXON_WORKER_TOKEN is set but empty"),
        ([], {"AXON_WORKER_TOKEN": "two words"}, "must be printable ASCII without spaces"),
    ],
)
def test_a_missing_or_unusable_token_exits_78(args: list[str], env: dict[str, str], message: str) -> None:
    worker = Worker(["--listen", "0.0.0.0:0", *args], agents=ECHO, env=env)
    try:
        assert worker.wait_exit() == 78
        assert message in worker.messages[0]["message"]
    finally:
        worker.stop()


# --- the bearer token --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def token_worker() -> Iterator[Worker]:
    # Named by --token-env: the deployment may keep the token under any variable.
    worker = started(["--token-env", "SUPPORT_WORKER_TOKEN"], env={"SUPPORT_WORKER_TOKEN": f"{TOKEN}\n"})
    yield worker
    worker.stop()


@pytest.fixture
async def anonymous(token_worker: Worker) -> AsyncIterator[Client]:
    client = Client(reachable(token_worker))
    yield client
    await client.close()


async def test_a_call_with_the_right_token_is_served(token_worker: Worker) -> None:
    client = Client(reachable(token_worker), metadata=BEARER)
    try:
        assert json.loads((await client.run(RunRequest(agent="echo", prompt="hi"))).output_json)
        assert (await client.stream(RunRequest(agent="echo", prompt="hi")))[-1].HasField("final")
        assert [agent.name for agent in (await client.describe()).agents] == ["echo"]
    finally:
        await client.close()


async def test_a_call_without_a_token_is_unauthenticated_with_a_typed_detail(anonymous: Client) -> None:
    error = await refused(anonymous.run(RunRequest(agent="echo", prompt="hi")))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "send gRPC metadata `authorization: Bearer <token>`" in (error.details() or "")
    detail = error_detail(error)
    assert detail.kind == ErrorKind.ERROR_KIND_INVALID_REQUEST
    assert detail.field == "authorization" and not detail.retryable
    assert (await refused(anonymous.describe())).code() == grpc.StatusCode.UNAUTHENTICATED


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Bearer not-the-token", "the token in `authorization` is not this worker's"),
        (f"Bearer {TOKEN}x", "the token in `authorization` is not this worker's"),
        (f"Basic {TOKEN}", "the `authorization` metadata must be `Bearer <token>`"),
        (TOKEN, "the `authorization` metadata must be `Bearer <token>`"),
    ],
)
async def test_a_wrong_token_is_unauthenticated_on_streams_too(
    token_worker: Worker, value: str, message: str
) -> None:
    client = Client(reachable(token_worker), metadata=(("authorization", value),))
    try:
        error = await refused(client.run(RunRequest(agent="echo", prompt="hi")))
        assert error.code() == grpc.StatusCode.UNAUTHENTICATED and error.details() == message
        assert error_detail(error).message == message
        streamed = await refused(client.stream(RunRequest(agent="echo", prompt="hi")))
        assert streamed.code() == grpc.StatusCode.UNAUTHENTICATED
        assert error_detail(streamed).field == "authorization"
    finally:
        await client.close()
    assert token_worker.wait_log(message)["level"] == "WARNING"


async def test_health_answers_without_a_token(anonymous: Client) -> None:
    assert await anonymous.health() == SERVING
    assert await anonymous.health("axon.v1.AgentService") == SERVING


async def test_the_token_never_appears_in_the_control_channel_or_output(token_worker: Worker) -> None:
    assert TOKEN not in "".join(token_worker.raw_control) + token_worker.stdout + token_worker.stderr


# --- TLS -------------------------------------------------------------------------------------


async def test_tls_serves_a_client_that_trusts_the_ca_and_refuses_plaintext(pki: Pki) -> None:
    worker = started(tls_args(pki))
    secure = Client(reachable(worker), credentials=pki.credentials())
    plain = Client(reachable(worker))
    try:
        assert (await secure.run(RunRequest(agent="echo", prompt="over tls"))).output_json
        assert await secure.health() == SERVING
        assert (await refused(plain.health())).code() == grpc.StatusCode.UNAVAILABLE
    finally:
        await secure.close()
        await plain.close()
        worker.stop()


def test_a_certificate_that_is_not_pem_exits_78_naming_the_file(pki: Pki, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    worker = Worker(
        ["--listen", "0.0.0.0:0", "--tls-cert", str(garbage), "--tls-key", str(pki.server_key)], agents=ECHO
    )
    try:
        assert worker.wait_exit() == 78
        assert f"--tls-cert {garbage}" in worker.messages[0]["message"]
    finally:
        worker.stop()


@pytest.fixture(scope="module")
def mtls_worker(pki: Pki) -> Iterator[Worker]:
    worker = started(
        [*tls_args(pki, mutual=True), "--health-listen", "127.0.0.1:0"], env={"AXON_WORKER_TOKEN": TOKEN}
    )
    yield worker
    worker.stop()


async def test_mtls_serves_a_client_with_a_certificate_the_ca_signed_and_the_token(
    mtls_worker: Worker, pki: Pki
) -> None:
    client = Client(reachable(mtls_worker), credentials=pki.credentials(client=True), metadata=BEARER)
    try:
        assert (await client.run(RunRequest(agent="echo", prompt="mutual"))).output_json
    finally:
        await client.close()


@pytest.mark.parametrize("stranger", [False, True], ids=["no certificate", "certificate from another CA"])
async def test_mtls_refuses_a_client_without_a_certificate_the_ca_signed(
    mtls_worker: Worker, pki: Pki, stranger: bool
) -> None:
    credentials = pki.credentials(stranger=True) if stranger else pki.credentials()
    client = Client(reachable(mtls_worker), credentials=credentials, metadata=BEARER)
    try:
        # Refused in the handshake, before any call: health is closed to it too.
        assert (await refused(client.health())).code() == grpc.StatusCode.UNAVAILABLE
    finally:
        await client.close()


async def test_mtls_still_wants_the_token(mtls_worker: Worker, pki: Pki) -> None:
    client = Client(reachable(mtls_worker), credentials=pki.credentials(client=True))
    try:
        assert await client.health() == SERVING
        error = await refused(client.run(RunRequest(agent="echo", prompt="no token")))
        assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    finally:
        await client.close()


async def test_the_health_port_answers_plaintext_probes_and_serves_nothing_else(mtls_worker: Worker) -> None:
    # Kubernetes' built-in gRPC probe can do neither TLS nor metadata: it dials this port.
    probe = Client(health_port(mtls_worker))
    try:
        assert await probe.health() == SERVING
        assert await probe.health("axon.v1.AgentService") == SERVING
        assert (await refused(probe.health("no.such.Service"))).code() == grpc.StatusCode.NOT_FOUND
        error = await refused(probe.run(RunRequest(agent="echo", prompt="via the probe port")))
        assert error.code() == grpc.StatusCode.UNIMPLEMENTED
    finally:
        await probe.close()


# --- draining over TCP -------------------------------------------------------------------------


async def test_sigterm_turns_health_not_serving_refuses_new_runs_and_exits_after_in_flight_ones(
    pki: Pki,
) -> None:
    worker = started(
        [*tls_args(pki), "--grace", "10", "--health-listen", "127.0.0.1:0"],
        agents=CHAOS,
        env={"AXON_WORKER_TOKEN": TOKEN},
    )
    client = Client(reachable(worker), credentials=pki.credentials(), metadata=BEARER)
    probe = Client(reachable(worker), credentials=pki.credentials())  # a readiness probe: no token
    kubelet = Client(health_port(worker))
    try:
        call = client.stream_call(RunRequest(agent="chaos", prompt="sleep 1.5"))
        assert (await call.read()).tool_call.tool_name == "sleep"
        assert await probe.health() == SERVING and await kubelet.health() == SERVING
        worker.process.send_signal(signal.SIGTERM)
        await asyncio.to_thread(worker.wait_log, "stopping (SIGTERM): 1 run(s) in flight")
        assert await probe.health() == NOT_SERVING
        assert await probe.health("axon.v1.AgentService") == NOT_SERVING
        assert await kubelet.health() == NOT_SERVING
        error = await refused(client.run(RunRequest(agent="chaos", prompt="too late")))
        assert error.code() == grpc.StatusCode.UNAVAILABLE
        detail = error_detail(error)
        assert detail.kind == ErrorKind.ERROR_KIND_AGENT_UNAVAILABLE and detail.draining and detail.retryable
        assert worker.process.poll() is None  # still serving the run in flight
        while not (event := await call.read()).HasField("final"):
            pass
        assert json.loads(event.final.output_json) == "slept 1.5"
        assert await asyncio.to_thread(worker.wait_exit) == 0
    finally:
        await client.close()
        await probe.close()
        await kubelet.close()
        worker.stop()
