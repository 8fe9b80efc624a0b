// Restarts agents through the gateway every ~`everyMs` (±25 %), several callers at once (1 to 5
// concurrent POST /v1/agents/:name/restart), the way an operator's script or a dashboard
// double-click would: restarts must coalesce and leave exactly the workers status() lists.
export function startRestarter(gatewayUrl, agents, everyMs) {
  let bursts = 0;
  let requests = 0;
  let failed = 0;
  let timer;
  const inFlight = new Set();
  const next = () => {
    timer = setTimeout(tick, everyMs * (0.75 + Math.random() * 0.5));
  };
  const tick = () => {
    const agent = agents[Math.floor(Math.random() * agents.length)];
    const callers = 1 + Math.floor(Math.random() * 5);
    bursts += 1;
    for (let i = 0; i < callers; i++) {
      requests += 1;
      const request = fetch(`${gatewayUrl}/v1/agents/${agent}/restart`, { method: "POST" })
        .then((response) => {
          if (!response.ok) failed += 1;
        })
        .catch(() => (failed += 1))
        .finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
    next();
  };
  if (everyMs > 0) next();
  return {
    async stop() {
      clearTimeout(timer);
      await Promise.all(inFlight);
      return { bursts, requests, failed };
    },
  };
}
