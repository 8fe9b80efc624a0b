#!/usr/bin/env node
// The `axon` executable. A committed file (not the build output) so that npm links the bin even
// when it installs a clone before the package is built; the CLI itself is dist/cli/main.js.
import { existsSync } from "node:fs";

const main = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(main)) {
  console.error(
    "axon: this copy of axon-agents is not built (no dist/cli/main.js); run `npm install` in its repository",
  );
  process.exit(1);
}
await import(main.href);
