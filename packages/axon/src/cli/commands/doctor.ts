import { spawnSync } from "node:child_process";
import type { AxonConfig } from "../../config/config-schema.js";
import { findConfiguredPython } from "../../config/find-python.js";
import { loadConfig } from "../../config/load-config.js";
import { PROTOCOL_VERSION } from "../../worker/control-message.js";
import { findConfig } from "../find-config.js";
import { type CliIo, writeLine } from "../io.js";
import { COMMON_OPTIONS, parseCommand } from "../parse.js";
import { PYTHON_PROBE } from "./python-probe.js";

/** One line of the report: what was checked, whether it is fine, and how to fix it when not. */
interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

const MIN_NODE: [number, number] = [20, 19];

/** `axon doctor`: checks the toolchain and that every configured agent imports; prints a fix per problem. */
export async function doctorCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(argv, COMMON_OPTIONS, []);
  const checks: Check[] = [checkNode()];
  let config: AxonConfig | undefined;
  try {
    const { path } = findConfig(io.cwd, values.config);
    config = await loadConfig(path);
    checks.push({
      name: "config",
      ok: true,
      detail: `${path} (${Object.keys(config.agents).length} agents)`,
    });
  } catch (error) {
    const fix = "fix the field named above, or pass --config path/to/axon.config.ts";
    checks.push({ name: "config", ok: false, detail: (error as Error).message, fix });
  }
  if (config) checks.push(...checkPython(config, { ...process.env, ...io.env }));
  for (const check of checks) {
    writeLine(io.stdout, `${check.ok ? "ok  " : "FAIL"}  ${check.name}: ${check.detail}`);
    if (!check.ok && check.fix) writeLine(io.stdout, `      fix: ${check.fix}`);
  }
  const failed = checks.filter((check) => !check.ok).length;
  writeLine(io.stdout, failed === 0 ? "\nall checks passed" : `\n${failed} problem(s) found`);
  return failed === 0 ? 0 : 1;
}

function checkNode(): Check {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return {
    name: "node",
    ok,
    detail: `v${process.versions.node}`,
    fix: `install Node.js >= ${MIN_NODE.join(".")}`,
  };
}

interface ProbeReport {
  python: string;
  in_venv: boolean;
  axon_worker: string | null;
  pydantic_ai: string | null;
  agents: Record<string, { ok: boolean; error?: string }>;
  /** The worker's PROTOCOL_VERSION; null when it has none (older) or does not import. */
  protocol: number | null;
}

// The fixes speak to a user's project, where `npx axon setup` makes the venv (uv) and installs the
// worker into it; nothing here may assume this repository's layout.
const SETUP = "run `npx axon setup` (it creates and syncs the project's .venv and installs the worker)";
const POINT = "point python.venv / python.executable (in the config) or AXON_PYTHON at";

/** Runs one Python probe (no shell) that reports versions and imports every agent spec. */
function checkPython(config: AxonConfig, env: NodeJS.ProcessEnv): Check[] {
  // The same choice a worker start makes: AXON_PYTHON / PYTHON_EXEC from the environment count.
  const choice = findConfiguredPython(config.python, env);
  const specs = Object.fromEntries(
    // Agent Specs have no module to import; their worker reports a bad spec at start.
    Object.entries(config.agents).flatMap(([name, agent]) => (agent.module ? [[name, agent.module]] : [])),
  );
  const result = spawnSync(choice.executable, ["-c", PYTHON_PROBE, JSON.stringify(specs)], {
    cwd: config.python.cwd,
    env: { ...env, ...config.python.env },
    encoding: "utf8",
    timeout: 60_000,
  });
  if (result.error || result.status !== 0) {
    const why = result.error?.message ?? result.stderr.trim().split("\n").slice(-3).join(" ");
    return [
      {
        name: "python",
        ok: false,
        detail: `${choice.executable} (from ${choice.source}) did not run: ${why}`,
        fix: `${SETUP}, or ${POINT} a Python that runs`,
      },
    ];
  }
  const report = JSON.parse(result.stdout) as ProbeReport;
  const [major = 0, minor = 0] = report.python.split(".").map(Number);
  const venvFix = `${SETUP}, or ${POINT} a venv that has axon-worker`;
  const checks: Check[] = [
    {
      name: "python",
      ok: major > 3 || (major === 3 && minor >= 11),
      detail: `${report.python} at ${choice.executable} (from ${choice.source})`,
      fix: `${POINT} a Python >= 3.11, or ${SETUP}`,
    },
    { name: "venv", ok: report.in_venv, detail: report.in_venv ? "yes" : "not a virtualenv", fix: venvFix },
    {
      name: "axon_worker",
      ok: report.axon_worker !== null,
      detail: report.axon_worker ?? "not importable",
      fix: venvFix,
    },
    ...(report.axon_worker === null
      ? []
      : [
          {
            name: "worker protocol",
            ok: report.protocol === PROTOCOL_VERSION,
            detail: `${report.protocol ?? "none (an axon_worker older than this Axon)"}, this Axon speaks ${PROTOCOL_VERSION}`,
            fix: `${SETUP}; it reinstalls the worker wheel that ships with this Axon`,
          },
        ]),
    {
      name: "pydantic-ai",
      ok: report.pydantic_ai !== null && Number(report.pydantic_ai.split(".")[0]) >= 2,
      detail: report.pydantic_ai ?? "not installed",
      fix: `${SETUP}; it installs pydantic-ai-slim >= 2 with the worker`,
    },
  ];
  for (const [name, outcome] of Object.entries(report.agents)) {
    checks.push({
      name: `agent ${name}`,
      ok: outcome.ok,
      detail: outcome.ok ? `${specs[name]} imports` : `${specs[name]}: ${outcome.error}`,
      fix: `make \`${specs[name]}\` importable from ${config.python.cwd} (check the module path, its dependencies, python.cwd)`,
    });
  }
  return checks;
}
