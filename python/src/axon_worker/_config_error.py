"""A configuration the worker refuses to start with: exit 78 (EX_CONFIG), a `fatal` message and a hint."""

from __future__ import annotations

__all__ = ["ConfigError"]


class ConfigError(Exception):
    """Raised before any agent is loaded, so nothing of the user's code runs on a refused start."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
