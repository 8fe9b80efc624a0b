// Built into the axon-agents package (assets/dashboard, shipped in its tarball) and served by the
// gateway at `/`; no CDN, everything is bundled.
import { defineConfig } from "vite";

export default defineConfig({
  build: { outDir: "../axon/assets/dashboard", emptyOutDir: true, target: "es2022", sourcemap: false },
  // `npm run dev` proxies the API to a running `axon serve`.
  server: { proxy: { "/v1": "http://127.0.0.1:4000", "/healthz": "http://127.0.0.1:4000" } },
});
