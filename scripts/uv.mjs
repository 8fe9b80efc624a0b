#!/usr/bin/env node
// `node scripts/uv.mjs <args>`: runs the project's uv (see uvPath() in lib/tools.mjs) with these
// arguments, so npm scripts never depend on a `uv` being on PATH.
import { spawnSync } from "node:child_process";
import { uvPath } from "./lib/tools.mjs";

const result = spawnSync(await uvPath(), process.argv.slice(2), { stdio: "inherit" });
process.exit(result.status ?? 1);
