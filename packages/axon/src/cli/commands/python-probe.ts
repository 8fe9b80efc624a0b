// The Python side of `axon doctor`, passed with `-c`: reports versions and tries to import each
// agent spec given as a JSON object {name: "module:attribute"} in argv[1]. Prints one JSON object.
export const PYTHON_PROBE = `
import importlib, importlib.metadata, json, platform, sys

def version(dist):
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None

sys.path.insert(0, "")
report = {
    "python": platform.python_version(),
    "in_venv": sys.prefix != sys.base_prefix,
    "axon_worker": version("axon-worker"),
    "pydantic_ai": version("pydantic-ai-slim") or version("pydantic-ai"),
    "agents": {},
}
for name, spec in json.loads(sys.argv[1]).items():
    module_name, _, attribute = spec.partition(":")
    try:
        agent = getattr(importlib.import_module(module_name), attribute)
        from pydantic_ai import Agent
        if not isinstance(agent, Agent):
            raise TypeError(f"{spec} is a {type(agent).__name__}, not a pydantic_ai.Agent")
        report["agents"][name] = {"ok": True}
    except BaseException as error:  # noqa: BLE001 - every failure is a finding to report
        report["agents"][name] = {"ok": False, "error": f"{type(error).__name__}: {error}"}
print(json.dumps(report))
`;
