import { existsSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { Axon } from "../../axon.js";
import type { AxonConfig } from "../../config/config-schema.js";
import { loadConfig } from "../../config/load-config.js";
import { isAxonError } from "../../errors/axon-error.js";
import { type CliIo, writeLine } from "../io.js";
import { watchFiles } from "./watch-files.js";

// `axon dev`'s loop (docs/dev.md): a burst of edits under python.cwd rolls the agents it concerns
// (axon.reload, which loses no run); an edit of the config file applies what can be applied live.

export interface DevLoop {
  /** Resolves when the reloads asked for so far are done (for tests). */
  settled(): Promise<void>;
  close(): void;
}

export interface DevLoopOptions {
  axon: Axon;
  /** The running config (its `python.cwd` is watched, its agents' modules map files to agents). */
  config: AxonConfig;
  /** The config file; edits to it are applied with `axon.reconfigure`. Default: none watched. */
  configFile?: string;
  io: CliIo;
  /** Quiet time after the last change. Default: 150 ms. */
  debounceMs?: number;
}

export function startDevLoop(options: DevLoopOptions): DevLoop {
  const { axon, io } = options;
  let config = options.config;
  const root = config.python.cwd;
  const configFile = options.configFile === undefined ? undefined : resolve(options.configFile);
  // One round at a time: a burst during a reload is handled after it, with the code as it is then.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (step: () => Promise<void>) => {
    queue = queue.then(step).catch((error: unknown) => report("error", error));
  };
  const say = (line: string) => writeLine(io.stdout, `axon dev: ${line}`);
  const report = (what: string, error: unknown) => {
    writeLine(
      io.stderr,
      `axon dev: ${what}: ${isAxonError(error) ? `${error.code}: ${error.message}` : String(error)}`,
    );
    const traceback = isAxonError(error) ? error.pythonTraceback : undefined;
    if (traceback) writeLine(io.stderr, traceback.trimEnd());
  };

  const reloadSources = async (paths: string[]) => {
    const agents = affectedAgents(config, paths);
    say(
      `changed ${paths.map((path) => relative(root, path) || path).join(", ")}; reloading ${agents.join(", ") || "nothing"}`,
    );
    for (const agent of agents) {
      const started = Date.now();
      try {
        const [result] = await axon.reload(agent);
        say(`reloaded ${agent} (${result?.workers ?? 0} worker(s)) in ${seconds(Date.now() - started)}`);
      } catch (error) {
        report(
          `reload of ${agent} failed after ${seconds(Date.now() - started)}; the old workers keep serving`,
          error,
        );
      }
    }
  };

  const reconfigure = async (file: string) => {
    const started = Date.now();
    say(`changed ${relative(process.cwd(), file) || file}; applying it`);
    let applied: Awaited<ReturnType<Axon["reconfigure"]>>;
    try {
      applied = await axon.reconfigure(file);
    } catch (error) {
      report("the config was not applied", error);
      return;
    }
    const lines = [
      ...applied.added.map((agent) => `added agent ${agent}`),
      ...applied.removed.map((agent) => `removed agent ${agent}`),
      ...applied.instances.map((c) => `${c.agent}: instances ${c.from} → ${c.to}`),
      ...applied.concurrency.map((c) => `${c.agent}: maxConcurrency ${c.from} → ${c.to}`),
      ...applied.reload.map((agent) => `${agent}: rolled with its new command`),
      ...applied.settings.map((agent) => `${agent}: new timeoutMs/tools/restart from the next run on`),
    ];
    for (const line of lines) say(line);
    if (lines.length === 0 && applied.needsRestart.length === 0) say("nothing to apply");
    for (const { agent, error } of applied.errors) report(`${agent}: not applied`, error);
    if (applied.needsRestart.length > 0) {
      say(`needs a restart of axon dev to apply: ${applied.needsRestart.join(", ")}`);
    }
    say(`applied in ${seconds(Date.now() - started)}`);
    // The agents as configured now, for the next file-to-agent mapping (the python section stays:
    // a change to it needs a restart).
    config = { ...config, agents: (await loadConfig(file).catch(() => config)).agents };
  };

  const watcher = watchFiles({
    root,
    files: configFile ? [configFile] : [],
    debounceMs: options.debounceMs,
    onChange(paths) {
      const sources = paths.filter((path) => path !== configFile);
      if (configFile && paths.includes(configFile) && existsSync(configFile))
        enqueue(() => reconfigure(configFile));
      if (sources.length > 0) enqueue(() => reloadSources(sources));
    },
  });
  return {
    settled: () => queue,
    close: () => watcher.close(),
  };
}

/**
 * The agents a set of changed files concerns: the agents whose own module or spec file changed;
 * any other Python file may be imported by every agent (a shared helper), so it rolls them all.
 */
export function affectedAgents(config: AxonConfig, paths: string[]): string[] {
  const local = Object.entries(config.agents).filter(
    ([, agent]) => agent.module !== undefined || agent.spec !== undefined,
  );
  const own = new Map<string, string[]>();
  for (const [name, agent] of local) {
    const files =
      agent.module !== undefined
        ? moduleFiles(config.python.cwd, agent.module)
        : typeof agent.spec === "string"
          ? [resolve(config.baseDir, agent.spec)]
          : [];
    for (const file of files) own.set(file, [...(own.get(file) ?? []), name]);
  }
  const hit = new Set<string>();
  for (const path of paths) {
    const agents = own.get(resolve(path));
    if (!agents) return local.map(([name]) => name);
    for (const agent of agents) hit.add(agent);
  }
  return local.map(([name]) => name).filter((name) => hit.has(name));
}

/** `pkg.mod:agent` → `<cwd>/pkg/mod.py` and `<cwd>/pkg/mod/__init__.py`. */
function moduleFiles(cwd: string, module: string): string[] {
  const base = join(cwd, ...(module.split(":")[0] ?? "").split("."));
  return [`${base}.py`, join(base, "__init__.py")];
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
