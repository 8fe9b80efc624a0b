// Debian's chromium for the browser tests, installed on first use by the project's own
// script (scripts/lib/chromium.mjs), launched headless with a fresh profile.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext, chromium } from "playwright-core";
import { repoRoot } from "../helpers/start-axon.js";

const args = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const script = pathToFileURL(join(repoRoot, "scripts/lib/chromium.mjs")).href;
  const { ensureChromium } = (await import(script)) as { ensureChromium(): string };
  const executablePath = ensureChromium();
  const profile = mkdtempSync(join(tmpdir(), "axon-chromium-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath, args, headless: true });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
