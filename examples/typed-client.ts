// The demo agents from TypeScript, typed by their Python models: `AgentTypes` is generated into
// axon-types.ts by `npx axon types` (docs/agents.md, "Typed agents"), and `npm run lint`
// type-checks this file against it, so a changed agent that breaks this code fails the lint.
// Run it: node --import jiti/register examples/typed-client.ts
import { fileURLToPath } from "node:url";
import { createAxon } from "axon-agents";
import type { AgentTypes } from "./axon-types.js";

const axon = await createAxon<AgentTypes>(fileURLToPath(new URL("axon.config.ts", import.meta.url)));
try {
  // `output` is a `CityInfo` (examples/agents/structured.py): no generic, no cast.
  const { output: city } = await axon.run("structured", "Paris");
  console.log(`${city.city}, ${city.country}: ${city.population.toLocaleString("en")} people`);
  for await (const event of axon.stream("echo", "typed all the way")) {
    if (event.type === "result") console.log(event.result.output.toUpperCase());
  }
} finally {
  await axon.close();
}
