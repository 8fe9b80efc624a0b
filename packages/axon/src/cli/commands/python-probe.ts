// The Python side of `axon doctor`, passed with `-c`: reports versions and loads each agent spec,
// given as a JSON object {name: "module:attribute"} in argv[1], with the worker's own loader.
// (`-c` puts the working directory on sys.path, as `-m axon_worker` does.) Prints one JSON object.
export const PYTHON_PROBE = `
import importlib.metadata, json, platform, sys

def version(dist):
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None

report = {
    "python": platform.python_version(),
    "in_venv": sys.prefix != sys.base_prefix,
    "axon_worker": version("axon-worker"),
    "pydantic_ai": version("pydantic-ai-slim") or version("pydantic-ai"),
    "agents": {},
    "protocol": None,
}
specs = json.loads(sys.argv[1])
try:
    # The worker's own loader: doctor finds exactly what would stop a worker from starting.
    from axon_worker._loader import LoadError, load_agents
except ImportError as error:
    reason = f"cannot check it: axon_worker does not import ({error})"
    report["agents"] = {name: {"ok": False, "error": reason} for name in specs}
else:
    # The version the host compares in the readiness handshake; an older worker has none.
    from axon_worker import _control
    report["protocol"] = getattr(_control, "PROTOCOL_VERSION", None)
    for name, spec in specs.items():
        try:
            load_agents({name: spec})
            report["agents"][name] = {"ok": True}
        except LoadError as error:
            report["agents"][name] = {"ok": False, "error": error.message}
print(json.dumps(report))
`;
