"""An agent whose attribute raises when read is reported like an import error: fatal, traceback, hint."""

from __future__ import annotations

import pytest

from ._worker import Worker

MODULE = "examples.agents.raising_attribute"


@pytest.mark.parametrize(
    ("attribute", "expected"),
    [
        ("agent", "RuntimeError: raising_attribute: building the agent fails on purpose"),
        ("lazy.agent", "RuntimeError: raising_attribute: the property fails on purpose"),
        ("vanishing", "has no attribute 'vanishing'"),
    ],
)
def test_an_agent_attribute_that_raises_on_access_exits_78_with_its_traceback(
    attribute: str, expected: str
) -> None:
    worker = Worker([], agents={"broken": f"{MODULE}:{attribute}"})
    try:
        assert worker.wait_exit() == 78
        (fatal,) = [m for m in worker.messages if m["type"] == "fatal"]
        assert expected in fatal["message"]
        assert "raising_attribute.py" in fatal["traceback"]
        assert "Traceback" in worker.stderr
        assert fatal["hint"]
        assert not [m for m in worker.messages if m["type"] == "ready"]
    finally:
        worker.stop()


def test_a_plain_missing_attribute_has_no_traceback_to_show() -> None:
    worker = Worker([], agents={"broken": "examples.agents.echo:missing"})
    try:
        assert worker.wait_exit() == 78
        (fatal,) = [m for m in worker.messages if m["type"] == "fatal"]
        assert "has no attribute 'missing'" in fatal["message"]
        assert fatal["traceback"] == ""
    finally:
        worker.stop()
