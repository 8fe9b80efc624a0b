"""The worker runs in a user's environment: nothing at import depends on which optional packages are
installed. python/.venv (the lockfile) has no httpx; scripts/python-latest.mjs runs these tests again
in python/.venv-latest, which has httpx, logfire and the providers' SDKs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from axon_worker._proto.axon.v1.run_pb2 import RunRequest

from ._stub import Client
from ._worker import REPO_ROOT


def test_every_worker_module_imports_whatever_is_installed() -> None:
    modules = ["_describe", "_run", "_events", "_result", "_host_tools", "_service", "_main"]
    code = "; ".join(f"import axon_worker.{name}" for name in modules)
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO_ROOT, timeout=60)


async def test_model_settings_are_validated_with_httpx_installed_or_not(client: Client) -> None:
    settings = json.dumps({"timeout": 5, "temperature": 0.2}).encode()
    response = await client.run(RunRequest(agent="echo", prompt="hi", model_settings_json=settings))
    assert json.loads(response.output_json) == "hi"


async def test_a_worker_boots_and_runs_in_a_venv_with_httpx(client: Client) -> None:
    httpx = pytest.importorskip("httpx", reason="python/.venv-latest has httpx; the lockfile's venv has not")
    assert httpx.Timeout  # the type that broke `TypeAdapter(ModelSettings)` at import
    response = await client.run(RunRequest(agent="structured", prompt="Paris"))
    assert json.loads(response.output_json)["country"] == "France"
