"""OpenTelemetry in the worker: off without OTEL_* variables (no SDK imported), content capture off."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from axon_worker._telemetry import telemetry_wanted


@pytest.mark.parametrize(
    ("env", "wanted"),
    [
        ({}, False),
        ({"OTEL_SERVICE_NAME": "x"}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, True),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_TRACES_EXPORTER": "none"}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "true"}, False),
    ],
)
def test_telemetry_is_wanted_only_when_the_environment_asks_for_an_exporter(
    env: dict[str, str], wanted: bool
) -> None:
    assert telemetry_wanted(env) is wanted


# What Axon itself imports: a package of the user's environment (logfire, say) may load the SDK
# on its own when pydantic-ai is imported; only what start_telemetry() adds is Axon's doing.
_PROBE = """
import json, sys
import axon_worker._main
from axon_worker._telemetry import start_telemetry
from pydantic_ai import Agent
before = set(sys.modules)
telemetry = start_telemetry()
added = set(sys.modules) - before
settings = getattr(Agent, "_instrument_default")
print(json.dumps({
    "on": telemetry is not None,
    "sdk_imported": any(name.startswith("opentelemetry.sdk") for name in added) or (
        "opentelemetry.sdk" in before and telemetry is not None),
    "exporter_imported": any(name.startswith("opentelemetry.exporter") for name in added) or (
        any(name.startswith("opentelemetry.exporter") for name in before) and telemetry is not None),
    "include_content": getattr(settings, "include_content", None),
}))
if telemetry is not None:
    telemetry.shutdown()
"""


def _probe(extra: dict[str, str]) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], env={**env, **extra}, capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_a_worker_without_otel_variables_imports_neither_the_sdk_nor_an_exporter_itself() -> None:
    assert _probe({}) == {
        "on": False,
        "sdk_imported": False,
        "exporter_imported": False,
        "include_content": None,
    }


def test_instrumentation_leaves_prompts_and_outputs_out_unless_content_capture_is_enabled() -> None:
    endpoint = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9", "OTEL_METRICS_EXPORTER": "none"}
    assert _probe(endpoint) == {
        "on": True,
        "sdk_imported": True,
        "exporter_imported": True,
        "include_content": False,
    }
    captured = _probe({**endpoint, "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "true"})
    assert captured["include_content"] is True
