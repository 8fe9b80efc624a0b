/** The `--help` text: keep it true to what the commands do. */
export const HELP = `axon: run Python pydantic-ai agents as supervised gRPC workers

Usage:
  axon init [dir]                 write a new project: axon.config.ts, agents/assistant.py (offline),
                                  pyproject.toml, .gitignore (and package.json if none); never overwrites
  axon setup [--python p] [--force]
                                  create/sync ./.venv with uv: the worker + pyproject.toml/requirements.txt
  axon run <agent> <prompt> [--stream] [--json] [--model m] [--history file.json] [--timeout ms]
                                  starts only that agent's workers (none with --url)
  axon agents [agent] [--json]    agents (or the one named) with their output schema and tools
  axon types [--out file] [--check]
                                  write each agent's output and deps types as TypeScript (default:
                                  axon-types.ts beside the config), for createAxon<AgentTypes>()
  axon status [agent] [--json]    each worker: state, pid, in-flight, queued, restarts, uptime
  axon doctor                     check Node, Python, the venv, axon_worker, pydantic-ai and every agent
  axon serve [--host 127.0.0.1] [--port 4000] [--token T] [--insecure] [--cors origin]... [--grace ms]
             [--trust-client-history] [--otel]
                                  the HTTP gateway and live dashboard (see docs/gateway.md)
  axon dev [--port 4000] [--debounce ms]
                                  serve on loopback for development: an edit of the Python under
                                  python.cwd rolls the agents it concerns (no run lost), a config
                                  edit is applied live where it can be (see docs/dev.md)
  axon demo                       start the demo agents, show a run and a streamed run, stop

Options for every command:
  --config <path>   axon.config.ts|js|json (default: ./axon.config.*; in Axon's own repo, the demo)
  -h, --help        this text

run, agents, status, types: against a running \`axon serve\` instead of starting agents here
  --url <url>       its address, e.g. http://127.0.0.1:4000 (default: AXON_URL); not with --config
  --token <t>       its bearer token (default: AXON_TOKEN)

setup (run, serve and demo do it too when ./.venv is missing or out of date):
  --python <p>      the interpreter a new venv is made from (default: python3; never a downloaded one)
  --force           sync even when the venv is up to date
  A Python you name (python.venv / python.executable in the config, AXON_PYTHON, PYTHON_EXEC) is
  used as it is and only checked. uv is AXON_UV, else on PATH, else installed once from PyPI into
  ~/.cache/axon (AXON_CACHE_DIR).

run:
  --stream          print text as it arrives (with --json: one JSON event per line, then the result)
  --json            print the whole result object as JSON
  --model <m>       a pydantic-ai model string for this run (e.g. test, openai-chat:NAME)
  --history <file>  a JSON array of pydantic-ai messages (e.g. a previous --json run's allMessages)
  --timeout <ms>    fail with code timeout after this long
  --deps <json>     the run's deps as JSON (checked against the agent's deps schema; see axon agents)
  --deps-file <f>   the same, read from a JSON file

types (starts every agent of the config to read its schemas; docs/agents.md):
  --out <file>      where to write (default: axon-types.ts in the config's directory; with --url,
                    in the current one)
  --check           write nothing; exit 1 with types_missing or types_stale when the file is not
                    what the agents generate now (for CI)

serve:
  --host <h>        address to listen on; anything but loopback needs --token or --insecure
  --port <n>        0 picks a free port
  --token <t>       bearer token for every endpoint but /healthz (default: AXON_TOKEN)
  --insecure        allow a non-loopback host without a token
  --cors <origin>   allow browser calls from this origin (repeatable)
  --grace <ms>      on SIGTERM/SIGINT, how long runs in flight may finish before they are cut
                    (default: shutdownGraceMs, 30000); a second signal cuts at once
  --otel            export traces and metrics of the gateway and its workers over OTLP/HTTP to
                    OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318; docs/observability.md)
  --demo            first show a run and a streamed run of each demo agent (what \`npm start\` does)
  --trust-client-history
                    DANGEROUS: run the tool calls a client's messageHistory leaves open without
                    checking this server signed them (any caller can then run any tool, approved
                    or not); only behind a trusted internal caller
  The key that signs pending tool calls is AXON_APPROVAL_KEY (16+ bytes, the same on every
  replica); without it each process has its own random key and its signatures die with it.

Exit codes: 0 ok, 1 the command failed (its error code and message on stderr), 2 bad usage.
`;
