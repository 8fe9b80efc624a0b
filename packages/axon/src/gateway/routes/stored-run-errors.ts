// `axon.runs`' and `axon.threads`' refusals as the gateway's HTTP errors; anything else as it is.
import { isRunError } from "../../runs/run-errors.js";
import { isThreadError } from "../../threads/thread-errors.js";
import { HttpError } from "../http-error.js";

export function storedRunError(error: unknown): unknown {
  if (isRunError(error)) {
    const details = error.runId ? { runId: error.runId } : {};
    if (error.code === "run_not_found") return new HttpError(404, "run_not_found", error.message, details);
    if (error.code === "run_ended") return new HttpError(409, "run_ended", error.message, details);
    return new HttpError(400, "webhook_unsigned", error.message, { field: "webhook" });
  }
  if (isThreadError(error)) {
    const status = error.code === "thread_not_found" ? 404 : 409;
    return new HttpError(status, error.code, error.message, { threadId: error.threadId });
  }
  return error;
}

export async function storedRunsAsHttp<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw storedRunError(error);
  }
}
