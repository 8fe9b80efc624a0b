"""OpenTelemetry for the worker: pydantic-ai's own instrumentation, exported over OTLP/HTTP.

Off unless the standard environment asks for it (an `OTEL_EXPORTER_OTLP_*ENDPOINT`, or
`OTEL_TRACES_EXPORTER=otlp`): a worker without them imports neither the SDK nor an exporter and
attaches no context to its runs. When on, every agent is instrumented with `Agent.instrument_all()`
(an agent's own `instrument=` still wins) and each run executes under the span context the host
sent as `traceparent`, so pydantic-ai's agent run, model request and tool spans are children of
the host's span (docs/observability.md).

Prompts, outputs and tool arguments are not exported unless
`OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true` (the GenAI instrumentations' switch).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Generator, Mapping

from opentelemetry import context as otel_context
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

__all__ = ["Telemetry", "run_context", "start_telemetry", "telemetry_wanted"]

logger = logging.getLogger("axon_worker.telemetry")

_TRUE = {"1", "true", "yes", "on"}
_ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
_METRICS_ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
_propagator = TraceContextTextMapPropagator()
_enabled = False


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in _TRUE


def _wanted(env: Mapping[str, str], exporter_var: str, endpoints: tuple[str, ...]) -> bool:
    exporter = env.get(exporter_var, "").strip().lower()
    if exporter == "none" or _flag(env, "OTEL_SDK_DISABLED"):
        return False
    return exporter == "otlp" or any(env.get(name, "").strip() for name in endpoints)


def telemetry_wanted(env: Mapping[str, str] | None = None) -> bool:
    """True when the environment configures an OTLP trace exporter (and does not disable the SDK)."""
    return _wanted(os.environ if env is None else env, "OTEL_TRACES_EXPORTER", _ENDPOINTS)


class Telemetry:
    """The providers this worker set up; `shutdown()` exports what is still buffered."""

    def __init__(self, shutdowns: list[Callable[[], object]]) -> None:
        self._shutdowns = shutdowns

    def shutdown(self) -> None:
        global _enabled
        _enabled = False
        for shutdown in self._shutdowns:
            try:
                shutdown()
            except Exception:  # an unreachable collector must not turn a clean exit into a crash
                logger.warning("telemetry shutdown failed", exc_info=True)


def start_telemetry(env: Mapping[str, str] | None = None) -> Telemetry | None:
    """Configures OTLP/HTTP export and pydantic-ai's instrumentation if the environment asks for it."""
    global _enabled
    env = os.environ if env is None else env
    if not telemetry_wanted(env):
        return None
    # Imported here: a worker without OTEL_* variables never loads the SDK.
    from opentelemetry import metrics, trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from pydantic_ai import Agent
    from pydantic_ai.models.instrumented import InstrumentationSettings

    protocol = env.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or env.get("OTEL_EXPORTER_OTLP_PROTOCOL")
    if protocol and protocol != "http/protobuf":
        logger.warning("OTEL_EXPORTER_OTLP_PROTOCOL=%s: the worker exports http/protobuf only", protocol)
    # OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win; this is only the default.
    defaults = {} if env.get("OTEL_SERVICE_NAME") else {"service.name": "axon-worker"}
    resource = Resource.create(defaults)
    shutdowns: list[Callable[[], object]] = []
    current = trace.get_tracer_provider()
    tracer_provider: trace.TracerProvider = current
    if isinstance(current, trace.ProxyTracerProvider):
        sdk_provider = TracerProvider(resource=resource)
        sdk_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(sdk_provider)
        shutdowns.append(sdk_provider.shutdown)
        tracer_provider = sdk_provider
    else:
        # The agents' own module configured tracing (e.g. `logfire.configure()`): theirs is kept.
        logger.info("a tracer provider is already set; the worker adds no exporter of its own")
    if _wanted(env, "OTEL_METRICS_EXPORTER", _METRICS_ENDPOINTS) and not _meter_provider_set():
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

        reader = PeriodicExportingMetricReader(OTLPMetricExporter())
        meter_provider = MeterProvider(resource=resource, metric_readers=[reader])
        metrics.set_meter_provider(meter_provider)
        shutdowns.append(meter_provider.shutdown)
    content = _flag(env, "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT")
    Agent.instrument_all(
        InstrumentationSettings(
            tracer_provider=tracer_provider,
            include_content=content,
            include_binary_content=content,
        )
    )
    _enabled = True
    logger.info("OpenTelemetry on: OTLP/HTTP export, message content %s", "on" if content else "off")
    return Telemetry(shutdowns)


def _meter_provider_set() -> bool:
    from opentelemetry.metrics import NoOpMeterProvider, get_meter_provider

    provider = get_meter_provider()
    return not (isinstance(provider, NoOpMeterProvider) or type(provider).__name__ == "_ProxyMeterProvider")


@contextlib.contextmanager
def run_context(traceparent: str | None) -> Generator[None]:
    """Runs the block under the host's span context (the run's `traceparent`), when telemetry is on."""
    if not _enabled or not traceparent:
        yield
        return
    token = otel_context.attach(_propagator.extract({"traceparent": traceparent}))
    try:
        yield
    finally:
        otel_context.detach(token)
