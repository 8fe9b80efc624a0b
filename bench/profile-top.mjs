#!/usr/bin/env node
// Where a Node CPU profile spends its time: `node bench/profile-top.mjs FILE.cpuprofile [N]`.
// Made with `node --cpu-prof --cpu-prof-dir=DIR bench/run.mjs --quick --only axon`; prints the
// top N functions by self time and the self time per package (or per file outside node_modules).
import { readFileSync } from "node:fs";

const [file, n = "25"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/profile-top.mjs FILE.cpuprofile [N]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
// Sample intervals (µs) are attributed to the node that was on top of the stack.
const selfUs = new Map();
profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

const byFunction = new Map();
const byPlace = new Map();
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const fn = `${functionName || "(anonymous)"} ${shortUrl(url)}:${lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  const place = placeOf(url, functionName);
  byPlace.set(place, (byPlace.get(place) ?? 0) + us);
}
print("self time by package / file", byPlace, 15);
print("self time by function", byFunction, Number(n));

function print(title, map, limit) {
  console.log(`\n${title} (total ${(total / 1000).toFixed(0)} ms)`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
}

function shortUrl(url) {
  return url.replace(/^file:\/\//, "").replace(/^.*\/node_modules\//, "~/");
}

function placeOf(url, functionName) {
  if (!url) return `(${functionName || "native"})`;
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1];
  if (url.startsWith("node:")) return "node internals";
  return shortUrl(url).replace(/^.*\/work\/main\//, "");
}
