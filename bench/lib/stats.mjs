// Percentiles by nearest rank: the same definition as bench/inprocess.py, so Node-side and
// Python-side latencies are comparable.

/** The p-quantile (0..1) of an ascending array, or 0 for an empty one. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

/** Sorts a copy and returns its p50 and p99. */
export function latencySummary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

/** The middle value (the lower middle one for an even count), so that it is always a real sample. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
