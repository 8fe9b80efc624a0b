// The types that make `createAxon<AgentTypes>()` typed per agent: `AgentTypes` is what
// `axon types` generates from the agents' own schemas (docs/agents.md, "Typed agents").
import type { RunOptions } from "./run/run-options.js";

/** One agent's entry in an `AgentTypes` map: the type of its output and of the deps a caller sends. */
export interface AgentTyping {
  output: unknown;
  deps: unknown;
}

/** What `Axon<Types>` accepts as `Types`: per agent name, its `AgentTyping` (an interface fits too). */
export type AgentTypeMap<Types> = { [A in keyof Types]: AgentTyping };

// `Axon` without a type argument is `Axon<any>`: every name, unknown output, any deps, exactly as
// before types existed. `any` rather than a map of every string, so that a typed Axon is still an
// `Axon` (createGateway(axon) and other code written for `Axon` takes it as it is).
type IsAny<T> = 0 extends 1 & T ? true : false;

/** The agent names `run` / `stream` accept: the map's keys, or any string for an untyped Axon. */
export type AgentName<Types> = IsAny<Types> extends true ? string : keyof Types & string;

/** The agent's output type (`unknown` for an untyped Axon or a name not in the map). */
export type OutputOf<Types, A> =
  IsAny<Types> extends true
    ? unknown
    : A extends keyof Types
      ? Types[A] extends { output: infer O }
        ? O
        : unknown
      : unknown;

/** The type of the deps a caller sends the agent (`unknown`: any JSON, unchecked). */
export type DepsOf<Types, A> =
  IsAny<Types> extends true
    ? unknown
    : A extends keyof Types
      ? Types[A] extends { deps: infer D }
        ? D
        : unknown
      : unknown;

/**
 * A run's output type: `T` when the caller names one (`run<T>(...)`, as before types existed),
 * else the agent's. `unknown` is the default of `T`, so it means "not named"; `any` stays `any`.
 */
export type RunOutput<Types, A, T> = IsAny<T> extends true ? T : unknown extends T ? OutputOf<Types, A> : T;

/** `RunOptions` whose `deps` has the agent's deps type; plain `RunOptions` when that is `unknown`. */
export type RunOptionsFor<Types, A> =
  unknown extends DepsOf<Types, A>
    ? RunOptions
    : Omit<RunOptions, "deps"> & {
        /** The agent's deps, as JSON (validated against its deps schema on the worker). Default: none. */
        deps?: DepsOf<Types, A>;
      };
