// The shapes of tools: what tool() takes and what it makes. Types only, so that files reading a tool
// need not load the code that makes one.
import type { z } from 'zod';

/** A JSON Schema document, as sent to models to describe a tool's arguments. */
export type JsonSchema = Record<string, unknown>;

/** The zod schema type accepted for a tool's arguments: always an object schema. */
export type ToolParameters = z.ZodObject;

/**
 * The agent run a tool call belongs to. `store` is shared by every tool call of one run and fresh for
 * each run, so tools can keep run-scoped state (plans, caches) without process-wide globals.
 */
export interface RunScope {
  readonly id: string;
  readonly store: Map<unknown, unknown>;
}

/** What a tool's `execute` receives besides its arguments. */
export interface ToolContext {
  /** Aborted when the run is cancelled or the tool's timeout expires; pass it on to any I/O. */
  signal: AbortSignal;
  /** The calling run; a call made outside any agent run gets a scope of its own. */
  run: RunScope;
  /** The id of this call in its run (the model's call id); undefined for a call made outside any run. */
  toolCallId?: string | undefined;
}

/** What a tool's `needsApproval` function receives besides the arguments. */
export interface ApprovalContext {
  /** The calling run. */
  run: RunScope;
  /** The id of the call waiting for the decision. */
  toolCallId: string;
}

/**
 * Whether a call must wait for a person's approval before it runs: always, never, or as a function
 * of the validated arguments decides.
 */
export type NeedsApproval<Args = unknown> = boolean | ApprovalCheck<Args>;

// A method's type, so that a Tool of specific arguments is still a Tool (methods are bivariant).
type ApprovalCheck<Args> = {
  check(args: Args, context: ApprovalContext): boolean | Promise<boolean>;
}['check'];

/** Options of `Tool.run`. */
export interface ToolRunOptions {
  signal?: AbortSignal | undefined;
  /** The run this call belongs to; agents pass theirs. */
  run?: RunScope | undefined;
  /** The deadline of this call when the tool has no `timeoutMs` of its own (agents pass `toolTimeoutMs`). */
  defaultTimeoutMs?: number | undefined;
}
/** Definition of a tool, as given to `tool()`. */
export interface ToolOptions<Parameters extends ToolParameters, Result> {
  /** 1–64 letters, digits, underscores or hyphens: the name the model calls. */
  name: string;
  /** What the tool does and when to use it, written for the model; at most 10 000 characters. */
  description: string;
  /** Zod object schema of the arguments; the single source of their TS type and JSON Schema. */
  parameters?: Parameters | undefined;
  /** Optional zod schema of the result, shown to models that call tools as code. */
  returns?: z.ZodType | undefined;
  /** Only for tools defined by JSON Schema (JsonSchemaToolOptions); not with `parameters`. */
  inputSchema?: undefined;
  /** Only for tools defined by JSON Schema (JsonSchemaToolOptions). */
  outputSchema?: undefined;
  /** The implementation; may be sync or async. */
  execute: (args: z.output<Parameters>, context: ToolContext) => Result;
  /**
   * Fails the call with a ToolExecutionError when it runs longer than this; it wins over the agent's
   * and the run's `toolTimeoutMs` (default 60 000 in agents, none in a bare `tool.run`).
   */
  timeoutMs?: number | undefined;
  /**
   * Calls wait for a person's approval before they run (default false): the run pauses in state
   * `awaiting_approval` and `agent.resume` continues it with the decision. A function decides per call.
   */
  needsApproval?: NeedsApproval<z.output<Parameters>> | undefined;
}

/** The arguments of a tool defined by JSON Schema: a JSON object, checked against its `inputSchema`. */
export type JsonSchemaToolArguments = Record<string, unknown>;

/**
 * Definition of a tool whose arguments are described by a JSON Schema rather than zod, as given to
 * `tool()`: tools of MCP servers, say. The arguments are checked against `inputSchema` before each
 * call, except for what core leaves to the tool's owner (regexes, formats and the rest listed in
 * docs/architecture.md, "Tools defined by JSON Schema"): the check is never stricter than the schema.
 */
export interface JsonSchemaToolOptions<Result> {
  /** 1–64 letters, digits, underscores or hyphens: the name the model calls. */
  name: string;
  /** What the tool does and when to use it, written for the model; at most 10 000 characters. */
  description: string;
  /**
   * JSON Schema (draft 2020-12 or draft-07) of the arguments: `type: 'object'`, or no `type` and
   * `properties`. The model reads it as given, except that `$schema` is left out and a missing
   * `type: 'object'` or `properties: {}` is added. At most 64 levels deep, 20 000 values and 1 000 000
   * characters; `$ref` is followed only within the schema, never fetched, and not at all where following
   * references could multiply the work of a check. Arguments deeper than 64 levels are refused.
   */
  inputSchema: JsonSchema;
  /** JSON Schema of the result, shown to models that call tools as code; documentation, never checked. */
  outputSchema?: JsonSchema | undefined;
  /** Zod tools only. */
  parameters?: undefined;
  /** Zod tools only: a JSON Schema tool describes its result with `outputSchema`. */
  returns?: undefined;
  /** The implementation; may be sync or async. Receives the checked arguments as the model wrote them. */
  execute: (args: JsonSchemaToolArguments, context: ToolContext) => Result;
  /** As ToolOptions.timeoutMs. */
  timeoutMs?: number | undefined;
  /** As ToolOptions.needsApproval. */
  needsApproval?: NeedsApproval<JsonSchemaToolArguments> | undefined;
}

/** A tool the agents can call: validated arguments in, a string for the model out. */
export interface Tool<Args = unknown, Result = unknown> {
  readonly name: string;
  readonly description: string;
  /** The zod schema of the arguments; undefined for a tool defined by `inputSchema`. */
  readonly parameters: ToolParameters | undefined;
  readonly returns: z.ZodType | undefined;
  /**
   * JSON Schema of the arguments, for prompts, native tool calling and run snapshots' fingerprints:
   * zod's input view of `parameters`, or the `inputSchema` given (see JsonSchemaToolOptions).
   */
  readonly jsonSchema: JsonSchema;
  /** The `outputSchema` of a tool defined by JSON Schema (documentation only); undefined otherwise. */
  readonly outputSchema: JsonSchema | undefined;
  /**
   * True when `execute` is an async function or `returns` is a promise schema; the code agent refuses
   * such tools. A plain function that returns a promise cannot be told apart before it is called.
   */
  readonly isAsync: boolean;
  readonly timeoutMs: number | undefined;
  /** Whether calls wait for a person's approval (see ToolOptions.needsApproval). */
  readonly needsApproval: NeedsApproval<Args>;
  /** The raw implementation, without validation or stringification. */
  execute(args: Args, context: ToolContext): Result;
  /** Validates a payload synchronously; throws ToolInputError. `null`/`undefined` mean no arguments. */
  parse(payload: unknown): Args;
  /**
   * Validates `payload`, runs the tool and returns its result as text, known secrets redacted (see
   * `redactSecrets`). Throws ToolInputError for bad arguments, ToolExecutionError (its message
   * redacted too) when the tool fails or times out, and the abort reason on abort.
   */
  run(payload: unknown, options?: ToolRunOptions): Promise<string>;
}
