import type { Logger } from "pino";
import {
  createForkTemplate,
  type ForkTemplate,
  ForkUnsafeError,
  TemplateStaleError,
} from "./fork-template.js";
import type { LaunchedWorker, WorkerLauncher } from "./launched-worker.js";
import { spawnLaunchedWorker, type WorkerCommand } from "./spawn-worker.js";

export interface TemplateLauncherOptions {
  /** A fresh Unix socket path for the n-th template's forked workers to connect to. */
  acceptPath: (n: number) => string;
  logger: Logger;
}

/** Templates whose start failed this many times in a row are not tried again for that environment. */
const MAX_TEMPLATE_FAILURES = 2;

/**
 * Launches workers by forking them from a template per Python environment (python, working
 * directory, environment variables: what an import may depend on), and falls back to a plain
 * spawn, saying why once, where forking is unsafe or the template failed.
 */
export function createTemplateLauncher(options: TemplateLauncherOptions): WorkerLauncher {
  const templates = new Map<string, ForkTemplate>();
  /** Environments whose workers are spawned, with the reason (logged once). */
  const spawnOnly = new Map<string, string>();
  const failures = new Map<string, number>();
  let made = 0;
  const keyOf = (command: WorkerCommand) => JSON.stringify([command.python, command.cwd, command.env]);

  const templateFor = (key: string, command: WorkerCommand, logger: Logger): ForkTemplate => {
    const existing = templates.get(key);
    if (existing?.usable()) return existing;
    const template = createForkTemplate({
      python: command.python,
      cwd: command.cwd,
      env: command.env,
      acceptPath: options.acceptPath(made++),
      logger,
    });
    templates.set(key, template);
    return template;
  };

  const spawnInstead = (key: string, reason: string, logger: Logger, always: boolean) => {
    if (always && !spawnOnly.has(key)) {
      spawnOnly.set(key, reason);
      logger.warn({ reason }, `workers are spawned, not forked from a template: ${reason}`);
    } else if (!always) {
      logger.warn({ reason }, `fork failed, spawning the worker instead: ${reason}`);
    }
  };

  const launch = async (command: WorkerCommand, logger: Logger, fresh = false): Promise<LaunchedWorker> => {
    const key = keyOf(command);
    if (spawnOnly.has(key)) return spawnLaunchedWorker(command);
    const template = templateFor(key, command, logger);
    try {
      await template.ready;
      const worker = await template.fork(command);
      failures.delete(key);
      return worker;
    } catch (error) {
      if (error instanceof TemplateStaleError && !fresh) {
        // The project's code changed since the template imported it: a new one imports it anew.
        logger.info({ reason: error.message }, "fork template renewed: the project's code changed");
        if (templates.get(key) === template) templates.delete(key);
        template.retire();
        return launch(command, logger, true);
      }
      const reason = error instanceof Error ? error.message : String(error);
      if (templates.get(key) === template) templates.delete(key);
      template.retire();
      const failed = (failures.get(key) ?? 0) + 1;
      failures.set(key, failed);
      const always = error instanceof ForkUnsafeError || failed >= MAX_TEMPLATE_FAILURES;
      spawnInstead(key, reason, logger, always);
      return spawnLaunchedWorker(command);
    }
  };

  return {
    launch: (command, logger) => launch(command, logger),
    renew(command) {
      const key = keyOf(command);
      const template = templates.get(key);
      if (template) {
        templates.delete(key);
        template.retire();
      }
    },
    close() {
      // Templates retired before (renewed) end by themselves once their workers have exited.
      for (const template of templates.values()) template.retire();
      templates.clear();
    },
  };
}
