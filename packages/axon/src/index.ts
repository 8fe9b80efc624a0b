// The public API of `axon`. Named exports only, so that what is public is decided here.

export type { AgentInfo } from "./agent-info.js";
export type { AppliedConfigChange, Axon, CloseOptions, CreateAxonOptions, ReloadResult } from "./axon.js";
export { createAxon } from "./axon.js";
export type { AxonEventName, AxonEvents, AxonListener, ProgressEvent, WorkerRef } from "./axon-events.js";
export type {
  AgentConfig,
  AxonConfig,
  AxonConfigInput,
  BackoffConfig,
  RestartType,
  SupervisorConfig,
  SupervisorStrategy,
} from "./config/config-schema.js";
export type { FindPythonOptions, PythonChoice } from "./config/find-python.js";
export { findPython } from "./config/find-python.js";
export { CONFIG_FILE_NAMES, findConfigFile, loadConfig } from "./config/load-config.js";
export { defineConfig, parseConfig } from "./config/parse-config.js";
export type { AxonErrorCode, AxonErrorJSON, AxonErrorOptions } from "./errors/axon-error.js";
export { AxonError, isAxonError } from "./errors/axon-error.js";
export {
  AgentNotFoundError,
  AgentUnavailableError,
  AxonTimeoutError,
  AxonTimeoutError as TimeoutError,
  ConfigError,
  OverloadedError,
  WorkerCrashedError,
  WorkerStartError,
} from "./errors/host-errors.js";
export { ShuttingDownError } from "./errors/shutting-down-error.js";
export {
  CancelledError,
  InternalError,
  InvalidRequestError,
  ModelApiError,
  ModelHttpError,
  OutputValidationError,
  UnexpectedModelBehaviorError,
  UsageLimitExceededError,
  UserError,
} from "./errors/worker-errors.js";
export type { GatewayOptions, ServeGatewayOptions, ServingGateway } from "./gateway/index.js";
export { createGateway, serveGateway } from "./gateway/index.js";
export type { ConfigChange } from "./live-config.js";
export type { RunOptions } from "./run/run-options.js";
export type { RunEvent, RunResult, RunStream, RunUsage } from "./run/run-types.js";
export type { RunErrorCode } from "./runs/run-errors.js";
export { isRunError, RunError } from "./runs/run-errors.js";
export { SIGNATURE_HEADER, signWebhook, verifyWebhook } from "./runs/run-webhook.js";
export type { EndStatus, RunInfo, Runs, StartRunOptions, StoredEvent, StoredRunHandle } from "./runs/runs.js";
export type { RunsConfig, RunsConfigInput } from "./runs/runs-schema.js";
export type { StorageConfigInput } from "./storage/storage-schema.js";
export type { ReloadErrorView } from "./supervisor/rolling-reload.js";
export type { ThreadErrorCode } from "./threads/thread-errors.js";
export { isThreadError, ThreadError } from "./threads/thread-errors.js";
export type {
  CreateThreadOptions,
  OnBusy,
  Thread,
  ThreadInfo,
  ThreadPage,
  ThreadPendingApproval,
  ThreadRunOptions,
  ThreadRunResult,
  ThreadRunStream,
  Threads,
} from "./threads/threads.js";
export type { ApprovalDecision, Approvals, PendingApproval } from "./tools/approvals.js";
export type { Tool, ToolContext, ToolOptions, ToolSet } from "./tools/tool.js";
export { tool } from "./tools/tool.js";
export type {
  AgentName,
  AgentTypeMap,
  AgentTyping,
  DepsOf,
  OutputOf,
  RunOptionsFor,
  RunOutput,
} from "./typed-agents.js";
export type { WorkerLogRecord } from "./worker/control-message.js";
export type { WorkerStatus } from "./worker-status.js";
