import { z } from 'zod';
import { throwIfAborted } from '../abort.ts';
import { ConfigurationError, ToolInputError } from '../errors.ts';
import type { ToolInputIssue } from '../errors.ts';
import { isThenable } from '../listeners.ts';
import { checkMilliseconds } from '../run/milliseconds.ts';
import { checkOptionKeys } from '../run/option-keys.ts';
import { readInputSchema, readOutputSchema } from './json-schema-input.ts';
import { invoke } from './pending-call.ts';
import type { CallToolOptions } from './pending-call.ts';
import type {
  JsonSchema,
  ToolParameters,
  ToolRunOptions,
  ToolOptions,
  JsonSchemaToolArguments,
  JsonSchemaToolOptions,
  Tool,
} from './tool-types.ts';
export type {
  JsonSchema,
  ToolParameters,
  RunScope,
  ToolContext,
  ApprovalContext,
  NeedsApproval,
  ToolRunOptions,
  ToolOptions,
  JsonSchemaToolArguments,
  JsonSchemaToolOptions,
  Tool,
} from './tool-types.ts';

export { createRunScope } from './run-scope.ts';
export { mayAbort, toolTimeoutError } from './pending-call.ts';
export type { CallToolOptions } from './pending-call.ts';

const toolBrand = Symbol.for('@tinyagent/core/tool');

type AnyToolOptions = ToolOptions<ToolParameters, unknown> | JsonSchemaToolOptions<unknown>;

// Every key of both kinds of options, checked by the compiler both ways.
const TOOL_OPTION_KEYS = Object.keys({
  name: true,
  description: true,
  parameters: true,
  returns: true,
  inputSchema: true,
  outputSchema: true,
  execute: true,
  timeoutMs: true,
  needsApproval: true,
} satisfies Record<keyof ToolOptions<ToolParameters, unknown> | keyof JsonSchemaToolOptions<unknown>, true>);

const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

// A description is sent with every model request: one of a megabyte (a server's, say) is a mistake.
const MAX_DESCRIPTION_LENGTH = 10_000;

/**
 * Creates a tool whose arguments a JSON Schema describes (an MCP server's tool, say) and a sync or
 * async `execute` function that receives them, checked, as a JSON object.
 */
export function tool<Result = unknown>(options: JsonSchemaToolOptions<Result>): Tool<JsonSchemaToolArguments, Result>;
/** Creates a tool from a zod schema and a sync or async `execute` function. */
export function tool<Parameters extends ToolParameters = ToolParameters, Result = unknown>(
  options: ToolOptions<Parameters, Result>,
): Tool<z.output<Parameters>, Result>;
export function tool(options: AnyToolOptions): Tool {
  return createTool(options, false);
}

/**
 * `tool()` for a tool whose `execute` settles by its `timeoutMs` by itself (an MCP request's own
 * timeout, which also tells the server): core arms no second timer, and a call nothing else can
 * abort says so to the tool through `mayAbort(context)`. Its timeout must fail with
 * `toolTimeoutError`, as core's does.
 */
export function deadlineKeepingTool(options: JsonSchemaToolOptions<unknown> & { timeoutMs: number }): Tool {
  return createTool(options, true);
}

/** True when `value` is a tool made by `tool()` (from any installed copy of core). */
export function isTool(value: unknown): value is Tool {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[toolBrand] === true;
}

function createTool(options: AnyToolOptions, keepsDeadline: boolean): Tool {
  const { name, description, execute, timeoutMs, returns, needsApproval = false } = options;
  // A misspelt option must not pass unseen: `requireApproval` would run every call unapproved.
  checkOptionKeys(options, TOOL_OPTION_KEYS, `tool '${name}'`, {
    requiresApproval: "Use 'needsApproval'.",
    requireApproval: "Use 'needsApproval'.",
  });
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new ConfigurationError(
      `Tool name ${JSON.stringify(name)} is invalid: use 1-64 letters, digits, underscores or hyphens.`,
    );
  }
  if (typeof description !== 'string' || description.trim() === '') {
    throw new ConfigurationError(`Tool '${name}' needs a description string telling the model what it does.`);
  }
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    throw new ConfigurationError(
      `Tool '${name}': its description has ${description.length} characters; the limit is ` +
        `${MAX_DESCRIPTION_LENGTH}, since every request to the model carries it. Shorten it.`,
    );
  }
  if (typeof execute !== 'function') {
    throw new ConfigurationError(`Tool '${name}' needs an execute function.`);
  }
  checkMilliseconds(`Tool '${name}': timeoutMs`, timeoutMs);
  if (keepsDeadline && timeoutMs === undefined) {
    throw new ConfigurationError(`Tool '${name}' keeps its own deadline, so it needs a timeoutMs.`);
  }
  if (typeof needsApproval !== 'boolean' && typeof needsApproval !== 'function') {
    throw new ConfigurationError(
      `Tool '${name}': needsApproval must be true, false or a function (args, context) => boolean.`,
    );
  }
  for (const [field, schema] of [
    ['parameters', options.parameters],
    ['returns', returns],
  ] as const) {
    if (isZod3Schema(schema)) {
      throw new ConfigurationError(
        `Tool '${name}': ${field} is a zod 3 schema, but TinyAgent needs zod 4. Use \`import { z } from 'zod'\` ` +
          "with zod 4 installed, or `import { z } from '@tinyagent/core'`, which re-exports zod 4.",
      );
    }
  }
  const { parameters, validator, jsonSchema, outputSchema } = readArgumentSchemas(options);

  const parse = (payload: unknown): unknown => {
    const result = validator.safeParse(normalizePayload(name, payload));
    if (!result.success) throw inputError(name, toIssues(result.error.issues));
    return result.data;
  };

  // What a tool returns reaches the model, the events and the transcript: a key a tool echoes (an
  // upstream error, a config dump) must not travel to another service or into a log.
  // The text is made where the call settles: a `then` or an `await` here would add a promise and a
  // turn to every call.
  const run = (payload: unknown, runOptions: ToolRunOptions = {}): Promise<string> =>
    callTool(definition, payload, runOptions, true) as Promise<string>;

  const definition: Tool = {
    name,
    description,
    parameters,
    returns,
    jsonSchema,
    outputSchema,
    // A promise as the declared result gives away an execute that returns one without being `async`.
    // A tool that keeps its own deadline waits for it: it is async whatever its execute looks like.
    isAsync: keepsDeadline || isAsyncFunction(execute) || (returns !== undefined && isZodPromise(returns)),
    timeoutMs,
    needsApproval,
    execute: execute,
    parse,
    run,
  };
  const validate: Validator =
    options.inputSchema === undefined
      ? (payload) => validator.safeParseAsync(normalizePayload(name, payload))
      : (payload) => validator.safeParse(normalizePayload(name, payload));
  Object.defineProperty(definition, validatorKey, { value: validate });
  Object.defineProperty(definition, toolBrand, { value: true });
  if (keepsDeadline) Object.defineProperty(definition, keepsDeadlineKey, { value: true });
  return Object.freeze(definition);
}

// The schemas of the arguments, of either kind of tool; outputSchema only for a JSON Schema tool.
function readArgumentSchemas(options: AnyToolOptions): {
  parameters: ToolParameters | undefined;
  validator: z.ZodType;
  jsonSchema: JsonSchema;
  outputSchema: JsonSchema | undefined;
} {
  const { name } = options;
  if (options.inputSchema !== undefined) {
    // The types forbid both; plain JavaScript callers and casts get the same news at run time.
    const zodOptions: { parameters?: unknown; returns?: unknown } = options;
    if (zodOptions.parameters !== undefined || zodOptions.returns !== undefined) {
      const other = zodOptions.parameters !== undefined ? 'parameters' : 'returns';
      throw new ConfigurationError(
        `Tool '${name}' has both inputSchema and ${other}: give either zod parameters (and returns) or a JSON ` +
          'Schema inputSchema (and outputSchema), not both.',
      );
    }
    const { jsonSchema, validator } = readInputSchema(name, options.inputSchema);
    return { parameters: undefined, validator, jsonSchema, outputSchema: readOutputSchema(name, options.outputSchema) };
  }
  if ((options as { outputSchema?: unknown }).outputSchema !== undefined) {
    throw new ConfigurationError(
      `Tool '${name}': outputSchema goes with inputSchema (a tool defined by JSON Schema); a zod tool ` +
        'describes its result with returns.',
    );
  }
  const parameters = options.parameters ?? z.object({});
  if (!isZodObject(parameters)) {
    throw new ConfigurationError(
      `Tool '${name}': parameters must be a zod object schema, e.g. z.object({ city: z.string() }).`,
    );
  }
  return { parameters, validator: parameters, jsonSchema: toJsonSchema(name, parameters), outputSchema: undefined };
}

// Each tool's validation, for callTool; under a registered symbol, like the brand, so that a tool
// made by another installed copy of core works too. A JSON Schema tool's check is synchronous
// (nothing in it can wait); a zod tool's may be async (refinements may be), so it is a promise.
const validatorKey = Symbol.for('@tinyagent/core/tool.validate');
type ValidationResult = z.ZodSafeParseResult<unknown>;
type Validator = (payload: unknown) => ValidationResult | Promise<ValidationResult>;

/**
 * Validates `payload` and runs `tool` within its deadline: what `Tool.run` does before it turns the
 * result into text. Resolves with what `execute` returned, unchanged (as `Tool.run`'s text, known
 * secrets redacted, when `asText`); rejects as `Tool.run` does.
 */
export function callTool(
  tool: Tool,
  payload: unknown,
  options: CallToolOptions = {},
  asText = false,
): Promise<unknown> {
  // Every tool call of every run comes through here: a check that needs no waiting is followed by
  // the call in the same turn, without a promise of its own.
  try {
    throwIfAborted(options.signal);
    const checked = validatorOf(tool)(payload);
    if (!isThenable(checked))
      return invoke(tool, argumentsOf(tool.name, checked), options, asText, keepsOwnDeadline(tool));
    return checked.then((result) => {
      // Validation waited (async refinements), and an abort in that wait would find no listener yet:
      // the tool would start with a signal that never aborts, and its run would wait on it for ever.
      throwIfAborted(options.signal);
      return invoke(tool, argumentsOf(tool.name, result), options, asText, keepsOwnDeadline(tool));
    });
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Checks `payload` against the arguments' schema of `tool` (zod `parameters` or JSON Schema
 * `inputSchema`, async refinements included) and resolves with the arguments `execute` would get.
 * Rejects with ToolInputError, its issues giving the field paths.
 */
export async function validateArguments(tool: Tool, payload: unknown): Promise<unknown> {
  return argumentsOf(tool.name, await validatorOf(tool)(payload));
}

// Under a registered symbol, like the validator: a tool made by another copy of core.
const keepsDeadlineKey = Symbol.for('@tinyagent/core/tool.keepsDeadline');

function keepsOwnDeadline(tool: Tool): boolean {
  return (tool as unknown as Record<symbol, unknown>)[keepsDeadlineKey] === true;
}

function argumentsOf(name: string, result: ValidationResult): unknown {
  if (!result.success) throw inputError(name, toIssues(result.error.issues));
  return result.data;
}

function validatorOf(tool: Tool): Validator {
  const validate = (tool as unknown as Record<symbol, Validator | undefined>)[validatorKey];
  if (validate === undefined) {
    throw new ConfigurationError(`'${tool.name}' was not made by tool() from @tinyagent/core.`);
  }
  return validate;
}

function inputError(toolName: string, issues: ToolInputIssue[]): ToolInputError {
  return new ToolInputError(ToolInputError.describe(toolName, issues), { toolName, issues });
}

function normalizePayload(name: string, payload: unknown): unknown {
  if (payload === undefined || payload === null) return {};
  if (typeof payload !== 'object' || Array.isArray(payload)) {
    const kind = Array.isArray(payload) ? 'an array' : `a ${typeof payload}`;
    throw inputError(name, [{ path: [], message: `expected a JSON object of named arguments, received ${kind}` }]);
  }
  return payload;
}

function toIssues(issues: readonly z.core.$ZodIssue[]): ToolInputIssue[] {
  return issues.map((issue) => ({
    path: issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part)),
    message: issue.message,
  }));
}

function toJsonSchema(name: string, parameters: ToolParameters): JsonSchema {
  try {
    const { $schema: _ignored, ...schema } = z.toJSONSchema(parameters, { io: 'input' });
    return schema;
  } catch (error) {
    throw new ConfigurationError(
      `Tool '${name}': its parameters cannot be described to the model as JSON Schema ` +
        `(${error instanceof Error ? error.message : String(error)}). Use JSON types (string, number, ` +
        'boolean, arrays, objects), or z.coerce for dates.',
      { cause: error },
    );
  }
}

function isZodObject(value: unknown): value is ToolParameters {
  const def = (value as { _zod?: { def?: { type?: unknown } } } | null)?._zod?.def;
  return def?.type === 'object';
}

// Zod 3 schemas carry `_def` and no `_zod`: an easy mix-up, since many examples and packages still use it.
/** True for a zod 3 schema, which TinyAgent cannot use: it needs zod 4's. */
export function isZod3Schema(value: unknown): boolean {
  return typeof value === 'object' && value !== null && '_def' in value && !('_zod' in value);
}

function isZodPromise(schema: z.ZodType): boolean {
  return (schema as { _zod?: { def?: { type?: unknown } } })._zod?.def?.type === 'promise';
}

function isAsyncFunction(fn: unknown): boolean {
  const kind = (fn as { constructor?: { name?: string } }).constructor?.name;
  return kind === 'AsyncFunction' || kind === 'AsyncGeneratorFunction';
}
