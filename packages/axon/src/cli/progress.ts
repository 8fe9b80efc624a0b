import type { ProgressEvent } from "../axon-events.js";
import { type CliIo, writeLine } from "./io.js";

/** Prints start-up progress: which workers are starting, each one's pid when ready, the total time. */
export function createProgressPrinter(stream: CliIo["stderr"]): (event: ProgressEvent) => void {
  return (event) => {
    switch (event.type) {
      case "worker-starting":
        writeLine(stream, `axon: starting ${event.agent}#${event.instance} ...`);
        break;
      case "worker-ready":
        writeLine(
          stream,
          `axon: ${event.agent}#${event.instance} ready (pid ${event.pid}) in ${event.elapsedMs} ms`,
        );
        break;
      case "ready":
        writeLine(stream, `axon: all workers ready in ${event.elapsedMs} ms`);
        break;
    }
  };
}
