"""Shared fixtures: one real worker for the session, and a gRPC client per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from pydantic_ai import models

from ._stub import Client
from ._worker import Worker

# Nothing in these tests may reach a real model (the worker's demo agents are scripted anyway).
models.ALLOW_MODEL_REQUESTS = False


@pytest.fixture(scope="session")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    socket = tmp_path_factory.mktemp("sock") / "worker.sock"
    process = Worker(["--listen", f"unix:{socket}"])
    process.ready()
    yield process
    process.stop()


@pytest.fixture
async def client(worker: Worker) -> AsyncIterator[Client]:
    connection = Client(worker.address)
    yield connection
    await connection.close()
