"""deploy/: every Kubernetes manifest is valid for a pinned Kubernetes version, and says what matters.

No cluster, no Docker engine and no registry here, so nothing is applied or built: the manifests are
checked against the Kubernetes JSON schemas kubernetes-validate ships (offline, strict: an unknown
field fails), then for the properties Axon relies on (docs/scale-out.md, "Kubernetes"). The
Dockerfiles are parsed and linted, and the build contexts deploy/stage-context.sh makes are checked
against what they COPY.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from axon_worker._cli import parse_args

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
MANIFESTS = DEPLOY / "kubernetes"
KUBERNETES_VERSION = "1.30.0"
"""The oldest Kubernetes the manifests are meant for (gRPC probes are GA since 1.27)."""
GATEWAY_GRACE_MS = 30_000
"""`shutdownGraceMs`'s default (config-schema.ts), what `axon serve` drains within without --grace."""
GATEWAY_FLUSH_MS = 5_000
"""How long `axon serve` lets a stream's last bytes leave after the drain (FLUSH_MS in serve.ts)."""
WORKER_PORT = 50051
GATEWAY_PORT = 4000

Resource = dict[str, Any]


@dataclass(frozen=True)
class Document:
    path: Path
    index: int
    resource: Resource

    @property
    def label(self) -> str:
        return f"{self.path.relative_to(MANIFESTS)}#{self.index}:{self.resource.get('kind')}"


def _documents() -> list[Document]:
    documents: list[Document] = []
    for path in sorted(MANIFESTS.rglob("*.y*ml")):
        for index, resource in enumerate(yaml.safe_load_all(path.read_text(encoding="utf-8"))):
            if resource is not None:
                documents.append(Document(path, index, resource))
    return documents


DOCUMENTS = _documents()


def _of_kind(kind: str) -> list[Document]:
    return [document for document in DOCUMENTS if document.resource["kind"] == kind]


def _container(deployment: Resource) -> Resource:
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    return container


def _selects(selector: Resource, labels: dict[str, str]) -> bool:
    assert set(selector) == {"matchLabels"}, "selectors here use matchLabels only"
    match: dict[str, str] = selector["matchLabels"]
    return bool(match) and all(labels.get(key) == value for key, value in match.items())


def _template_labels(deployment: Resource) -> dict[str, str]:
    return deployment["spec"]["template"]["metadata"]["labels"]


WORKER_DEPLOYMENTS = [d for d in _of_kind("Deployment") if _container(d.resource)["name"] == "worker"]
GATEWAY_DEPLOYMENTS = [d for d in _of_kind("Deployment") if _container(d.resource)["name"] == "gateway"]


def test_the_manifests_are_found() -> None:
    kinds = {document.resource["kind"] for document in DOCUMENTS}
    assert {"Namespace", "Deployment", "Service", "PodDisruptionBudget", "ConfigMap", "Secret"} <= kinds
    assert len(WORKER_DEPLOYMENTS) == 1
    assert len(GATEWAY_DEPLOYMENTS) == 1


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.label)
def test_every_manifest_is_valid_for_the_pinned_kubernetes_in_strict_mode(document: Document) -> None:
    try:
        kubernetes_validate.validate(document.resource, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        path = ".".join(str(part) for part in error.path)
        pytest.fail(
            f"{document.label} is not valid for Kubernetes {KUBERNETES_VERSION}: {path}: {error.message}"
        )


def test_the_validator_refuses_an_unknown_field_so_strict_mode_is_on() -> None:
    service = next(d.resource for d in _of_kind("Service"))
    misspelt = {**service, "spec": {**service["spec"], "clusterIp": "None"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(misspelt, KUBERNETES_VERSION, strict=True)


def test_every_namespaced_resource_is_in_the_agents_namespace() -> None:
    for document in DOCUMENTS:
        if document.resource["kind"] != "Namespace":
            assert document.resource["metadata"].get("namespace") == "agents", document.label


def test_every_deployment_selector_matches_its_own_template_labels() -> None:
    for document in _of_kind("Deployment"):
        spec = document.resource["spec"]
        assert _selects(spec["selector"], _template_labels(document.resource)), document.label


def test_the_worker_service_is_headless_with_a_grpc_port_and_selects_the_worker_pods() -> None:
    [service] = [d.resource for d in _of_kind("Service") if d.resource["metadata"]["name"] == "axon-workers"]
    spec = service["spec"]
    assert spec["clusterIP"] == "None"  # one DNS record per pod, so one pool member per pod
    [port] = spec["ports"]
    assert (port["name"], port["port"]) == ("grpc", WORKER_PORT)
    for document in WORKER_DEPLOYMENTS:
        labels = _template_labels(document.resource)
        assert _selects({"matchLabels": spec["selector"]}, labels), document.label
        assert port["targetPort"] in {p["name"] for p in _container(document.resource)["ports"]}
    for document in GATEWAY_DEPLOYMENTS:
        assert not _selects({"matchLabels": spec["selector"]}, _template_labels(document.resource))


def test_the_gateway_service_is_a_cluster_ip_on_port_4000() -> None:
    [service] = [d.resource for d in _of_kind("Service") if d.resource["metadata"]["name"] == "axon-gateway"]
    assert service["spec"].get("type", "ClusterIP") == "ClusterIP"
    assert "clusterIP" not in service["spec"]
    [port] = service["spec"]["ports"]
    assert port["port"] == GATEWAY_PORT
    [gateway] = GATEWAY_DEPLOYMENTS
    assert _selects({"matchLabels": service["spec"]["selector"]}, _template_labels(gateway.resource))


def test_a_disruption_budget_lets_one_worker_and_one_gateway_go_at_a_time() -> None:
    budgets = [d.resource for d in _of_kind("PodDisruptionBudget")]
    for deployments in (WORKER_DEPLOYMENTS, GATEWAY_DEPLOYMENTS):
        for document in deployments:
            covering = [
                b for b in budgets if _selects(b["spec"]["selector"], _template_labels(document.resource))
            ]
            assert len(covering) == 1, document.label
            spec = covering[0]["spec"]
            assert spec.get("maxUnavailable") == 1 or spec.get("minAvailable") == 1


def test_the_worker_runs_three_replicas_with_resources() -> None:
    for document in WORKER_DEPLOYMENTS:
        assert document.resource["spec"]["replicas"] == 3
        resources = _container(document.resource)["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"]), document.label
        assert "memory" in resources["limits"], document.label


def test_the_worker_is_probed_over_grpc_health_on_its_plaintext_health_port() -> None:
    # Kubernetes' gRPC probe speaks plaintext and sends no token: on the TLS port it would never pass
    # (and no pod would ever be ready), so it asks the health-only port --health-listen opens.
    [document] = WORKER_DEPLOYMENTS
    container = _container(document.resource)
    options = parse_args(container["args"])
    assert options.tls_cert is not None and options.tls_key is not None
    assert options.health_listen is not None
    health_port = int(options.health_listen.rpartition(":")[2])
    assert health_port != WORKER_PORT
    assert {"name": "health", "containerPort": health_port, "protocol": "TCP"} in container["ports"]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["grpc"] == {"port": health_port}, probe


def test_the_worker_args_are_ones_the_worker_accepts_and_the_grace_period_outlasts_its_drain() -> None:
    for document in WORKER_DEPLOYMENTS:
        container = _container(document.resource)
        assert "command" not in container, "the image's ENTRYPOINT (python -m axon_worker) runs"
        options = parse_args(container["args"])  # the worker's own parser: a flag it lacks fails here
        assert options.listen == f"0.0.0.0:{WORKER_PORT}"
        assert options.agents, document.label
        grace_period = document.resource["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        assert grace_period > options.grace + 5, document.label
        # A network listen needs TLS or a token (or --insecure): here, always the token.
        assert not options.insecure
        assert "AXON_WORKER_TOKEN" in {e["name"] for e in container["env"]}
        # stdin EOF stops a worker (no orphans); a container's stdin is /dev/null unless kept open.
        assert container.get("stdin") is True


def test_the_worker_reads_its_certificate_and_the_gateway_its_ca_from_the_mounted_secret() -> None:
    [document] = WORKER_DEPLOYMENTS
    container = _container(document.resource)
    options = parse_args(container["args"])

    def files(deployment: Resource, volume_name: str) -> set[Path]:
        [mount] = [m for m in _container(deployment)["volumeMounts"] if m["name"] == volume_name]
        [volume] = [v for v in deployment["spec"]["template"]["spec"]["volumes"] if v["name"] == volume_name]
        assert volume["secret"]["secretName"] == "axon-worker-tls"
        return {Path(mount["mountPath"]) / item["path"] for item in volume["secret"]["items"]}

    assert {options.tls_cert, options.tls_key} == files(document.resource, "tls")
    [gateway] = GATEWAY_DEPLOYMENTS
    [config_map] = [d.resource for d in _of_kind("ConfigMap")]
    [ca] = files(gateway.resource, "worker-ca")
    assert f'tls: {{ ca: "{ca}" }}' in config_map["data"]["axon.config.ts"]


def test_the_gateway_is_ready_on_healthz_and_its_grace_period_outlasts_its_drain() -> None:
    [document] = GATEWAY_DEPLOYMENTS
    container = _container(document.resource)
    probe = container["readinessProbe"]["httpGet"]
    assert probe["path"] == "/healthz"
    assert probe["port"] in ("http", GATEWAY_PORT)
    assert "livenessProbe" in container
    args: list[str] = container["args"]
    assert args[:1] == ["serve"]
    grace_ms = int(args[args.index("--grace") + 1]) if "--grace" in args else GATEWAY_GRACE_MS
    grace_period = document.resource["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    assert grace_period * 1000 > grace_ms + GATEWAY_FLUSH_MS
    assert "--token" not in args  # from the environment (a Secret), never in `ps`
    assert "AXON_TOKEN" in {e["name"] for e in container["env"]}


def test_every_pod_runs_non_root_read_only_without_capabilities_or_privilege_escalation() -> None:
    for document in _of_kind("Deployment"):
        pod = document.resource["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, document.label
        assert pod["securityContext"]["runAsUser"] != 0, document.label
        assert pod.get("automountServiceAccountToken") is False, document.label
        container = _container(document.resource)
        security = container["securityContext"]
        assert security["allowPrivilegeEscalation"] is False, document.label
        assert security["readOnlyRootFilesystem"] is True, document.label
        assert security["capabilities"]["drop"] == ["ALL"], document.label
        assert "add" not in security["capabilities"], document.label
        # /tmp is writable through an emptyDir, the rest of the filesystem is not.
        [tmp] = [m for m in container["volumeMounts"] if m["mountPath"] == "/tmp"]
        [volume] = [v for v in pod["volumes"] if v["name"] == tmp["name"]]
        assert "emptyDir" in volume, document.label


def test_every_secret_key_the_pods_read_has_a_placeholder_in_the_secret_template() -> None:
    placeholders = {
        (d.resource["metadata"]["name"], key)
        for d in _of_kind("Secret")
        for key in d.resource.get("stringData", {})
    }
    for document in _of_kind("Deployment"):
        pod = document.resource["spec"]["template"]["spec"]
        for env in _container(document.resource).get("env", []):
            ref = env.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                assert (ref["name"], ref["key"]) in placeholders, document.label
        for volume in pod["volumes"]:
            if "secret" in volume:
                for item in volume["secret"]["items"]:
                    assert (volume["secret"]["secretName"], item["key"]) in placeholders, document.label
    # Placeholders only in a directory `kubectl apply -f deploy/kubernetes/` does not read.
    for document in _of_kind("Secret"):
        assert document.path.parent == MANIFESTS / "examples", document.label
        for value in document.resource["stringData"].values():
            assert "REPLACE" in value, document.label


def test_the_gateway_config_points_its_agent_at_the_headless_worker_service() -> None:
    [config_map] = [d.resource for d in _of_kind("ConfigMap")]
    config: str = config_map["data"]["axon.config.ts"]
    [service] = [d.resource for d in _of_kind("Service") if d.resource["metadata"]["name"] == "axon-workers"]
    name, namespace = service["metadata"]["name"], service["metadata"]["namespace"]
    assert f'"dns:///{name}.{namespace}.svc.cluster.local:{WORKER_PORT}"' in config
    assert 'token: { env: "AXON_WORKER_TOKEN" }' in config
    [gateway] = GATEWAY_DEPLOYMENTS
    args: list[str] = _container(gateway.resource)["args"]
    config_path = Path(args[args.index("--config") + 1])
    [mount] = [m for m in _container(gateway.resource)["volumeMounts"] if m["name"] == "config"]
    assert config_path == Path(mount["mountPath"]) / "axon.config.ts"


# --- Dockerfiles: parsed here, never built (no engine, no registry) -----------------------------


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


def _instructions(dockerfile: Path) -> list[Instruction]:
    """The instructions, with `\\` continuations joined and comments dropped (no parser directives)."""
    instructions: list[Instruction] = []
    pending = ""
    for raw in dockerfile.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        instructions.append(Instruction(keyword.upper(), arguments.strip()))
        pending = ""
    assert not pending, f"{dockerfile}: ends inside a continued line"
    return instructions


def _stages(dockerfile: Path) -> list[list[Instruction]]:
    stages: list[list[Instruction]] = []
    for instruction in _instructions(dockerfile):
        if instruction.keyword == "FROM":
            stages.append([])
        assert stages, f"{dockerfile}: {instruction.keyword} before FROM"
        stages[-1].append(instruction)
    return stages


def _exec_form(instruction: Instruction) -> list[str]:
    value: object = json.loads(instruction.arguments)  # shell form is not JSON: fails here
    assert isinstance(value, list), f"{instruction.keyword} must be an exec-form JSON array"
    words = [word for word in value if isinstance(word, str)]  # pyright: ignore[reportUnknownVariableType]
    assert len(words) == len(value), f"{instruction.keyword}: every element a string"  # pyright: ignore[reportUnknownArgumentType]
    return words


def _one(stage: list[Instruction], keyword: str) -> Instruction:
    [found] = [instruction for instruction in stage if instruction.keyword == keyword]
    return found


WORKER_DOCKERFILE = DEPLOY / "worker" / "Dockerfile"
GATEWAY_DOCKERFILE = DEPLOY / "gateway" / "Dockerfile"
OFFICIAL_SLIM = {
    WORKER_DOCKERFILE: {"python:3.11-slim", "python:3.12-slim"},
    GATEWAY_DOCKERFILE: {"node:20-slim"},
}


@pytest.mark.parametrize("dockerfile", list(OFFICIAL_SLIM), ids=lambda p: p.parent.name)
def test_every_stage_starts_from_an_official_slim_image(dockerfile: Path) -> None:
    for stage in _stages(dockerfile):
        image = stage[0].arguments.split()[0]
        # No registry host and no namespace: the Docker Official Image itself.
        assert image in OFFICIAL_SLIM[dockerfile], f"{dockerfile}: FROM {image}"


@pytest.mark.parametrize("dockerfile", list(OFFICIAL_SLIM), ids=lambda p: p.parent.name)
def test_the_final_stage_runs_as_a_numeric_non_root_user_in_exec_form(dockerfile: Path) -> None:
    final = _stages(dockerfile)[-1]
    user = _one(final, "USER").arguments
    uid = user.partition(":")[0]
    assert uid.isdigit() and int(uid) != 0, f"{dockerfile}: USER {user} (numeric, for runAsNonRoot)"
    # USER comes before what runs: nothing after it switches back.
    keywords = [instruction.keyword for instruction in final]
    assert keywords.index("USER") < keywords.index("CMD")
    for instruction in final:
        if instruction.keyword in ("CMD", "ENTRYPOINT"):
            _exec_form(instruction)  # SIGTERM reaches the server itself, not a shell


def test_the_worker_image_serves_the_agents_on_50051_through_python_m_axon_worker() -> None:
    final = _stages(WORKER_DOCKERFILE)[-1]
    assert _one(final, "EXPOSE").arguments == str(WORKER_PORT)
    assert _exec_form(_one(final, "ENTRYPOINT")) == ["python", "-m", "axon_worker"]
    options = parse_args(_exec_form(_one(final, "CMD")))
    assert options.listen == f"0.0.0.0:{WORKER_PORT}"
    users = {
        d.resource["spec"]["template"]["spec"]["securityContext"]["runAsUser"] for d in WORKER_DEPLOYMENTS
    }
    assert users == {int(_one(final, "USER").arguments.partition(":")[0])}


def test_the_gateway_image_runs_axon_serve_on_all_interfaces_port_4000() -> None:
    final = _stages(GATEWAY_DOCKERFILE)[-1]
    assert _one(final, "EXPOSE").arguments == str(GATEWAY_PORT)
    assert _exec_form(_one(final, "CMD")) == [
        "node", "node_modules/.bin/axon", "serve", "--host", "0.0.0.0", "--port", str(GATEWAY_PORT),
    ]  # fmt: skip
    [gateway] = GATEWAY_DEPLOYMENTS
    assert _container(gateway.resource)["command"] == _exec_form(_one(final, "CMD"))[:2]
    pod = gateway.resource["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsUser"] == int(_one(final, "USER").arguments.partition(":")[0])


# --- deploy/stage-context.sh: the build contexts hold what the Dockerfiles COPY ----------------


def _project(root: Path) -> Path:
    """A project as `axon init` + `npm install` leave it, with a wheel where the npm package has it."""
    project = root / "project"
    (project / "agents").mkdir(parents=True)
    (project / "agents" / "__init__.py").write_text("")
    (project / "agents" / "assistant.py").write_text("agent = None\n")
    (project / "axon.config.ts").write_text("export default {};\n")
    (project / "package.json").write_text('{"name": "project", "private": true}\n')
    (project / "pyproject.toml").write_text(
        '[project]\nname = "project"\nversion = "0.1.0"\n'
        'dependencies = ["pydantic-ai-slim[openai]>=2.68,<3", "axon-worker"]\n'
    )
    (project / "requirements.txt").write_text("httpx>=0.27\n")
    assets = project / "node_modules" / "axon-agents" / "assets" / "python"
    assets.mkdir(parents=True)
    (assets / "axon_worker-0.1.0-py3-none-any.whl").write_bytes(b"PK")
    (project / ".venv" / "bin").mkdir(parents=True)
    (project / "agents" / "__pycache__").mkdir()
    (project / "agents" / "__pycache__" / "assistant.cpython-312.pyc").write_bytes(b"")
    return project


def _stage(kind: str, project: Path, out: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(DEPLOY / "stage-context.sh"), kind, str(project), str(out)],
        capture_output=True, text=True, timeout=30, env={"PATH": "/usr/bin:/bin", **env}, check=False,
    )  # fmt: skip


def _copied_sources(dockerfile: Path) -> list[str]:
    sources: list[str] = []
    for stage in _stages(dockerfile):
        for instruction in stage:
            if instruction.keyword in ("COPY", "ADD"):
                words = shlex.split(instruction.arguments)
                if any(word.startswith("--from=") for word in words):
                    continue
                sources.extend(word for word in words[:-1] if not word.startswith("--"))
    return sources


def _exists(out: Path, source: str) -> bool:
    return any(out.glob(source.rstrip("/"))) if "*" in source else (out / source).exists()


def test_the_worker_context_holds_the_wheel_the_code_and_nothing_made_from_it(tmp_path: Path) -> None:
    project = _project(tmp_path)
    out = tmp_path / "worker-context"
    result = _stage("worker", project, out)
    assert result.returncode == 0, result.stderr
    for source in _copied_sources(WORKER_DOCKERFILE):
        assert _exists(out, source), f"COPY {source}: not in the staged context"
    assert [p.name for p in (out / "wheels").iterdir()] == ["axon_worker-0.1.0-py3-none-any.whl"]
    assert (out / "app" / "agents" / "assistant.py").is_file()
    assert (out / "Dockerfile").read_bytes() == WORKER_DOCKERFILE.read_bytes()
    for made in ("node_modules", ".venv", "agents/__pycache__"):
        assert not (out / "app" / made).exists(), made


def test_the_gateway_context_holds_the_tarball_and_the_project(tmp_path: Path) -> None:
    project = _project(tmp_path)
    tarball = tmp_path / "axon-agents-0.1.0.tgz"
    tarball.write_bytes(b"\x1f\x8b")
    out = tmp_path / "gateway-context"
    result = _stage("gateway", project, out, AXON_TARBALL=str(tarball))
    assert result.returncode == 0, result.stderr
    for source in _copied_sources(GATEWAY_DOCKERFILE):
        assert _exists(out, source), f"COPY {source}: not in the staged context"
    assert (out / "app" / "axon.config.ts").is_file()
    assert not (out / "app" / "node_modules").exists()


def test_staging_without_an_installed_package_says_to_run_npm_install(tmp_path: Path) -> None:
    project = tmp_path / "bare"
    project.mkdir()
    result = _stage("worker", project, tmp_path / "out")
    assert result.returncode == 1
    assert "npm install" in result.stderr


def test_the_image_installs_the_project_dependencies_axon_setup_would(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = subprocess.run(
        [sys.executable, str(DEPLOY / "worker" / "project-requirements.py"), str(project)],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    assert result.stdout.splitlines() == [
        "pydantic-ai-slim[openai]>=2.68,<3",
        "axon-worker",  # satisfied by the wheel file given in the same pip run
        f"-r {project / 'requirements.txt'}",
    ]
