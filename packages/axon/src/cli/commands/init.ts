import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { ConfigError } from "../../errors/host-errors.js";
import { packageRoot } from "../../python-env/package-assets.js";
import { type CliIo, writeLine } from "../io.js";
import { parseCommand } from "../parse.js";
import { scaffoldFiles } from "../scaffold/scaffold-files.js";

const OPTIONS = {} as const;

/**
 * `axon init [dir]`: writes a working project (config, one offline pydantic-ai agent,
 * pyproject.toml, .gitignore, and a package.json when there is none). Never overwrites: when any
 * file it would write exists, it writes nothing and names them.
 */
export async function initCommand(argv: string[], io: CliIo): Promise<number> {
  const { positionals } = parseCommand(argv, OPTIONS, ["dir?"]);
  const dir = resolve(io.cwd, positionals[0] ?? ".");
  const files = scaffoldFiles({
    name: basename(dir),
    axonVersion: ownVersion(),
    withPackageJson: !existsSync(join(dir, "package.json")),
  });
  const taken = Object.keys(files).filter((path) => existsSync(join(dir, path)));
  if (taken.length > 0) {
    throw new ConfigError({
      message:
        `axon init writes nothing: ${taken.join(", ")} already exist${taken.length === 1 ? "s" : ""} in ${dir}; ` +
        "run it in an empty directory (`npx axon init my-agents`), or move those files away first",
    });
  }
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content, { flag: "wx" });
  }
  const where = relative(io.cwd, dir) || ".";
  writeLine(io.stdout, `axon: wrote ${Object.keys(files).join(", ")} in ${where}`);
  writeLine(io.stdout, "\nNext:");
  if (where !== ".") writeLine(io.stdout, `  cd ${where}`);
  if (files["package.json"])
    writeLine(io.stdout, "  npm install                     # axon-agents into node_modules");
  writeLine(
    io.stdout,
    "  npx axon setup                  # ./.venv with the worker and pyproject.toml's dependencies",
  );
  writeLine(io.stdout, '  npx axon run assistant "hello" --stream');
  writeLine(
    io.stdout,
    "  npx axon dev                    # dashboard on http://127.0.0.1:4000/; edit agents/assistant.py, it reloads",
  );
  writeLine(io.stdout, "  npx axon serve                  # the HTTP API and dashboard, for production");
  return 0;
}

function ownVersion(): string {
  const manifest = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string };
  return manifest.version;
}
