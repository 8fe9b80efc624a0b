"""Print a project's Python dependencies as pip requirements: what `axon setup` installs.

`axon setup` installs the worker wheel with `-r pyproject.toml -r requirements.txt` (uv reads a
pyproject's `[project].dependencies`); pip cannot read a pyproject without building the project,
and a project of agents is rarely an installable package, so this reads the list itself.

Usage (deploy/worker/Dockerfile): python project-requirements.py APP_DIR > requirements.txt
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path


def requirements(app: Path) -> list[str]:
    """`[project].dependencies` of app/pyproject.toml, then `-r` app/requirements.txt, if present."""
    lines: list[str] = []
    pyproject = app / "pyproject.toml"
    if pyproject.is_file():
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        dependencies = project.get("dependencies", [])
        if not isinstance(dependencies, list) or not all(isinstance(d, str) for d in dependencies):
            raise SystemExit(f"{pyproject}: [project].dependencies must be a list of strings")
        lines.extend(dependencies)
    if (app / "requirements.txt").is_file():
        lines.append(f"-r {app / 'requirements.txt'}")
    return lines


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: project-requirements.py APP_DIR")
    print("\n".join(requirements(Path(sys.argv[1]))))
