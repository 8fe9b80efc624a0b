"""JSON helpers shared by request validation and response building."""

from __future__ import annotations

import json
from typing import Any

from ._errors import RequestError

__all__ = ["json_object"]


def json_object(raw: bytes, field: str) -> dict[str, Any] | None:
    """Empty bytes → None; otherwise the bytes must hold a JSON object (else invalid_request on `field`)."""
    if not raw:
        return None
    try:
        value: object = json.loads(raw)
    except ValueError as error:
        raise RequestError(field, f"{field} is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise RequestError(field, f"{field} must be a JSON object, got {type(value).__name__}")
    return dict(value)  # pyright: ignore[reportUnknownArgumentType]
