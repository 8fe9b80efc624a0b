"""A RunRequest → the keyword arguments of `agent.run()` / `agent.run_stream_events()`, validated on entry.

All but `deps`, which the agent's deps factory makes (_deps.py; the service adds them).

Every check raises `RequestError(field, ...)` (kind invalid_request): bad input is reported, never dropped.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
import uuid
from typing import Any, cast

import pydantic
from pydantic_ai import models
from pydantic_ai.agent import AbstractAgent
from pydantic_ai.messages import ModelMessage, ModelMessagesTypeAdapter
from pydantic_ai.settings import ModelSettings
from pydantic_ai.usage import UsageLimits
from typing_extensions import TypedDict

from ._errors import RequestError
from ._host_tools import apply_host_tools
from ._json import json_object
from ._proto.axon.v1 import run_pb2 as pb

__all__ = ["ModelCache", "build_run_kwargs", "run_id_of"]


@functools.cache
def _settings_adapter() -> pydantic.TypeAdapter[dict[str, Any]]:
    """A validator for `ModelSettings`, built on first use and tolerant of the types of optional packages.

    Not `TypeAdapter(ModelSettings)` at import: its fields depend on what is installed (with httpx,
    `timeout` admits `httpx.Timeout`, for which pydantic has no schema), and that failure would stop
    every worker at start. Arbitrary types are checked with `isinstance`; JSON never carries one.
    """
    fields = TypedDict("ModelSettings", typing.get_type_hints(ModelSettings), total=False)  # type: ignore[misc]
    config = pydantic.ConfigDict(arbitrary_types_allowed=True)
    return pydantic.TypeAdapter(cast("type[dict[str, Any]]", pydantic.with_config(config)(fields)))


class ModelCache:
    """One `Model` per model string: providers hold HTTP clients, so share them across runs."""

    def __init__(self, default: str | None) -> None:
        self.default = default
        self._models: dict[str, models.Model] = {}

    def get(self, name: str) -> models.Model:
        model = self._models.get(name)
        if model is None:
            model = self._models[name] = models.infer_model(name)
        return model


def run_id_of(request: pb.RunRequest) -> str:
    return request.run_id or str(uuid.uuid4())


def _history(raw: bytes, run_id: str) -> list[ModelMessage] | None:
    if not raw:
        return None
    try:
        history = ModelMessagesTypeAdapter.validate_json(raw)
    except pydantic.ValidationError as error:
        raise RequestError("message_history_json", f"invalid message_history_json: {error}") from None
    if any(getattr(message, "run_id", None) == run_id for message in history):
        # pydantic-ai needs a fresh run id to tell new messages from the history.
        raise RequestError("run_id", f"run_id {run_id!r} already appears in message_history_json")
    return history


def _model_settings(raw: bytes) -> ModelSettings | None:
    settings = json_object(raw, "model_settings_json")
    if settings is None:
        return None
    try:
        known = _settings_adapter().validate_python(settings)
    except pydantic.ValidationError as error:
        raise RequestError("model_settings_json", f"invalid model_settings_json: {error}") from None
    # Provider-specific keys (e.g. `openai_reasoning_effort`) are not in the base TypedDict: keep them.
    return ModelSettings(**{**settings, **known})


def _model(request: pb.RunRequest, cache: ModelCache) -> models.Model | str | None:
    if not request.model:
        # The worker's default: a failure here is the worker's configuration (user_error), not the request's.
        return cache.get(cache.default) if cache.default else None
    try:
        return cache.get(request.model)
    except Exception as error:  # unknown provider, missing API key, missing extra...
        raise RequestError("model", f"cannot use model {request.model!r}: {error}") from None


def _usage_limits(request: pb.RunRequest) -> UsageLimits | None:
    if not request.HasField("usage_limits"):
        return None  # pydantic-ai's defaults (request_limit=50)
    limits = request.usage_limits

    def get(name: str) -> int | None:
        value: int | None = getattr(limits, name) if limits.HasField(name) else None
        return value

    # As in the proto: inside a given UsageLimits, an unset field means no limit.
    return dataclasses.replace(
        UsageLimits(request_limit=None),
        request_limit=get("request_limit"),
        tool_calls_limit=get("tool_calls_limit"),
        input_tokens_limit=get("input_tokens_limit"),
        output_tokens_limit=get("output_tokens_limit"),
        total_tokens_limit=get("total_tokens_limit"),
    )


def build_run_kwargs(
    agent: AbstractAgent[Any, Any], request: pb.RunRequest, run_id: str, cache: ModelCache
) -> dict[str, Any]:
    history = _history(request.message_history_json, run_id)
    kwargs: dict[str, Any] = {
        "user_prompt": request.prompt or None,
        "message_history": history,
        "model": _model(request, cache),
        "model_settings": _model_settings(request.model_settings_json),
        "usage_limits": _usage_limits(request),
        "run_id": run_id,
        "metadata": json_object(request.metadata_json, "metadata_json"),
    }
    if request.prompt == "" and history is None and not request.deferred_tool_results:
        raise RequestError("prompt", "give a prompt, a message history, or both")
    apply_host_tools(agent, request, kwargs)
    return kwargs
