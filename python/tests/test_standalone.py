"""A worker no host spawned (a container's entrypoint): stdin is /dev/null, and it serves until SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from ._worker import REPO_ROOT

COMMAND = [sys.executable, "-m", "axon_worker", "--agent", "echo=examples.agents.echo:agent"]


def test_a_worker_with_stdin_at_dev_null_keeps_serving_until_sigterm() -> None:
    with subprocess.Popen(
        [*COMMAND, "--listen", "127.0.0.1:0"],
        cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as worker:
        try:
            assert worker.stdout is not None
            assert '"ready"' in worker.stdout.readline()
            time.sleep(1.5)  # an EOF taken for the host's death would have stopped it by now
            assert worker.poll() is None
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=20) == 0
        finally:
            if worker.poll() is None:
                worker.kill()
