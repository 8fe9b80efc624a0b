// A real OTLP/HTTP endpoint for the tracing tests: it takes what the real exporters send, the
// Node one's JSON and the Python one's protobuf, and turns both into one list of spans. Protobuf
// is decoded by the opentelemetry-proto types the worker's venv has (the exporter's own dependency).
import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { repoRoot } from "../helpers/start-axon.js";

export interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  name: string;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
}

interface Body {
  path: string;
  contentType: string;
  bytes: Buffer;
}

export interface OtlpCollector {
  url: string;
  /** Every request received, traces and metrics. */
  readonly bodies: Body[];
  spans(): CollectedSpan[];
  /** Names of the metrics received (JSON from Node, protobuf from Python). */
  metricNames(): string[];
  /** Resolves once `done(spans)` holds, polling; rejects after `timeoutMs`. */
  waitFor(done: (spans: CollectedSpan[]) => boolean, timeoutMs?: number): Promise<CollectedSpan[]>;
  close(): Promise<void>;
}

export async function startCollector(): Promise<OtlpCollector> {
  const bodies: Body[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      bodies.push({
        path: req.url ?? "",
        contentType: req.headers["content-type"] ?? "",
        bytes: Buffer.concat(chunks),
      });
      const json = (req.headers["content-type"] ?? "").includes("json");
      res.writeHead(200, { "content-type": json ? "application/json" : "application/x-protobuf" });
      res.end(json ? "{}" : "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const decoded = new Map<Body, unknown>();
  const decode = (kind: "traces" | "metrics") => {
    const wanted = bodies.filter((b) => b.path === `/v1/${kind}`);
    const fresh = wanted.filter((b) => !decoded.has(b) && !b.contentType.includes("json"));
    if (fresh.length > 0) {
      const out = decodeProtobuf(
        kind,
        fresh.map((b) => b.bytes.toString("base64")),
      );
      for (const [i, b] of fresh.entries()) decoded.set(b, out[i]);
    }
    return wanted.map((b) =>
      b.contentType.includes("json") ? JSON.parse(b.bytes.toString()) : decoded.get(b),
    );
  };
  const collector: OtlpCollector = {
    url: `http://127.0.0.1:${port}`,
    bodies,
    spans: () => decode("traces").flatMap(spansOf),
    metricNames: () => [
      ...new Set(
        decode("metrics").flatMap((request) =>
          list(request, "resourceMetrics").flatMap((rm) =>
            list(rm, "scopeMetrics").flatMap((sm) => list(sm, "metrics").map((m) => String(m.name))),
          ),
        ),
      ),
    ],
    async waitFor(done, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const spans = collector.spans();
        if (done(spans)) return spans;
        if (Date.now() > until)
          throw new Error(`timed out; spans so far: ${spans.map((s) => s.name).join(", ")}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return collector;
}

type Json = Record<string, unknown>;
const list = (value: unknown, key: string): Json[] => ((value as Json)?.[key] as Json[] | undefined) ?? [];

function anyValue(value: Json | undefined): unknown {
  if (!value) return undefined;
  if ("stringValue" in value) return value.stringValue;
  if ("boolValue" in value) return value.boolValue;
  if ("intValue" in value) return Number(value.intValue);
  if ("doubleValue" in value) return value.doubleValue;
  if ("arrayValue" in value) return list(value.arrayValue, "values").map(anyValue);
  return JSON.stringify(value);
}

function attributesOf(items: Json[]): Record<string, unknown> {
  return Object.fromEntries(items.map((a) => [String(a.key), anyValue(a.value as Json)]));
}

/** OTLP JSON (ids as hex, as the Node exporter and our Python decoder write them) → spans. */
function spansOf(request: unknown): CollectedSpan[] {
  return list(request, "resourceSpans").flatMap((rs) => {
    const service = String(attributesOf(list(rs.resource, "attributes"))["service.name"] ?? "");
    return list(rs, "scopeSpans").flatMap((ss) =>
      list(ss, "spans").map((span) => ({
        service,
        traceId: String(span.traceId ?? ""),
        spanId: String(span.spanId ?? ""),
        parentSpanId: String(span.parentSpanId ?? ""),
        name: String(span.name),
        attributes: attributesOf(list(span, "attributes")),
        links: list(span, "links").map((l) => ({ traceId: String(l.traceId), spanId: String(l.spanId) })),
      })),
    );
  });
}

// protobuf → the OTLP JSON shape above (ids as hex, not base64 as MessageToDict would write them).
const DECODER = `
import base64, json, sys
from google.protobuf.json_format import MessageToDict
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
kind, bodies = sys.argv[1], json.load(sys.stdin)
out = []
for body in bodies:
    message = (ExportTraceServiceRequest if kind == "traces" else ExportMetricsServiceRequest)()
    message.ParseFromString(base64.b64decode(body))
    data = MessageToDict(message)
    for rs in data.get("resourceSpans", []):
        for ss in rs.get("scopeSpans", []):
            for span in ss.get("spans", []):
                for key in ("traceId", "spanId", "parentSpanId"):
                    if key in span:
                        span[key] = base64.b64decode(span[key]).hex()
                for link in span.get("links", []):
                    for key in ("traceId", "spanId"):
                        link[key] = base64.b64decode(link[key]).hex()
    out.append(data)
json.dump(out, sys.stdout)
`;

function decodeProtobuf(kind: string, bodies: string[]): unknown[] {
  const python = join(repoRoot, "python/.venv/bin/python");
  const result = spawnSync(python, ["-c", DECODER, kind], {
    input: JSON.stringify(bodies),
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`decoding OTLP protobuf failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as unknown[];
}
