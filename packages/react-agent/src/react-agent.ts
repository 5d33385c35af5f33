import { Agent, ConfigurationError } from '@tinyagent/core';
import {
  AGENT_MODEL_OPTION_KEYS,
  MODEL_OPTION_HINTS,
  checkAgentOptions,
  checkMilliseconds,
  checkOptionKeys,
  collectTools,
  createAgentModel,
} from '@tinyagent/core/internal';
import type { AgentDefinition, AgentModelOptions, OutputSchema, ReadonlyToolRegistry, Tool } from '@tinyagent/core';
import { createJsonProtocol } from './json-protocol.ts';
import { createNativeProtocol } from './native-protocol.ts';
import type { ReactSettings } from './react-loop.ts';
import { buildSystemPrompt } from './system-prompt.ts';
import type { ToolCallingMode } from './system-prompt.ts';

/** Steps a run may take when `maxSteps` is not given. */
export const DEFAULT_MAX_STEPS = 10;

/** Options of `new ReactAgent(...)`; `Schema` is the type of `output`. */
export interface ReactAgentOptions<Schema extends OutputSchema | undefined = undefined> extends AgentModelOptions {
  /** The tools the model may call: at least one, each made by `tool()`, with unique names. */
  tools: readonly Tool[];
  /** A `.txt`, `.md`, `.prompt` or `.xml` system prompt template; `{tools}` becomes the tool list. */
  promptFile?: string | undefined;
  /** Sampling temperature, 0 to 2; default 0.7. Unusable replies raise it by 0.2 for the rest of the run. */
  temperature?: number | undefined;
  /** `json` (default): tool calls as JSON objects in the reply text; `native`: the API's function tools. */
  toolCalling?: ToolCallingMode | undefined;
  /** Native protocol: how many tool calls of one turn run at the same time; default 8. */
  maxParallelTools?: number | undefined;
  /** Tool results longer than this many characters are cut, with a notice; default 32 000. */
  maxObservationLength?: number | undefined;
  /**
   * Native protocol: the most tool calls one model turn may make; default 64. Calls past it are not
   * run: each gets an error result telling the model to make fewer calls at a time.
   */
  maxToolCallsPerTurn?: number | undefined;
  /**
   * Deadline of each tool call whose tool has no `timeoutMs` of its own; default 60 000
   * (DEFAULT_TOOL_TIMEOUT_MS). A run's `toolTimeoutMs` overrides it. The call then fails with a
   * ToolExecutionError the model reads, and the tool's signal aborts.
   */
  toolTimeoutMs?: number | undefined;
  /**
   * A zod 4 schema the final answer must match: `run` resolves with the parsed value, typed by the
   * schema. Native protocol: the answer text is that JSON; JSON protocol: the `answer` value. An
   * answer that does not match goes back to the model with the issues. A run's `output` overrides it.
   */
  output?: Schema | undefined;
}

// Every key of ReactAgentOptions, checked by the compiler both ways.
const OPTION_KEYS = [
  ...AGENT_MODEL_OPTION_KEYS,
  ...Object.keys({
    tools: true,
    promptFile: true,
    temperature: true,
    toolCalling: true,
    maxParallelTools: true,
    maxObservationLength: true,
    maxToolCallsPerTurn: true,
    toolTimeoutMs: true,
    output: true,
  } satisfies Record<Exclude<keyof ReactAgentOptions, keyof AgentModelOptions>, true>),
];

/**
 * An async ReAct agent: it asks the model for the next action, runs the tools the model calls and
 * feeds their results back until the model answers. One instance serves any number of concurrent
 * runs; everything a run changes lives in that run. With `output`, runs resolve with the typed value.
 */
export class ReactAgent<Schema extends OutputSchema | undefined = undefined> extends Agent<never, Schema> {
  /** The agent's tools, by name (frozen). */
  readonly tools: ReadonlyToolRegistry;
  /** How tool calls travel between the model and the agent. */
  readonly toolCalling: ToolCallingMode;

  /** Creates the agent; throws ConfigurationError for a missing model configuration or invalid options. */
  constructor(options: ReactAgentOptions<Schema>) {
    const { definition, registry, toolCalling } = defineReactAgent(options);
    super(definition);
    this.tools = registry;
    this.toolCalling = toolCalling;
  }
}

function defineReactAgent<Schema extends OutputSchema | undefined>(
  options: ReactAgentOptions<Schema>,
): {
  definition: AgentDefinition<never, Schema>;
  registry: ReadonlyToolRegistry;
  toolCalling: ToolCallingMode;
} {
  checkAgentOptions(options, 'ReactAgent');
  checkOptionKeys(options, OPTION_KEYS, 'ReactAgent', MODEL_OPTION_HINTS);
  const registry = collectTools(options.tools, 'ReactAgent');
  const tools = [...registry];
  const model = createAgentModel(options);
  checkMilliseconds('toolTimeoutMs', options.toolTimeoutMs);
  const toolCalling = checkToolCalling(options.toolCalling);
  const settings: ReactSettings = Object.freeze({
    systemPrompt: buildSystemPrompt(tools, toolCalling, options.promptFile),
    toolCalling,
    toolDefinitions: Object.freeze(
      tools.map((entry) =>
        Object.freeze({ name: entry.name, description: entry.description, parameters: entry.jsonSchema }),
      ),
    ),
    temperature: checkNumber('temperature', options.temperature, 0.7, { min: 0, max: 2 }),
    maxParallelTools: checkNumber('maxParallelTools', options.maxParallelTools, 8, { min: 1, integer: true }),
    maxObservationLength: checkNumber('maxObservationLength', options.maxObservationLength, 32_000, {
      min: 1,
      integer: true,
    }),
    maxToolCallsPerTurn: checkNumber('maxToolCallsPerTurn', options.maxToolCallsPerTurn, 64, {
      min: 1,
      integer: true,
    }),
  });
  const protocol = toolCalling === 'native' ? createNativeProtocol(settings) : createJsonProtocol(settings);
  return {
    definition: {
      protocol,
      model,
      tools,
      defaultMaxSteps: DEFAULT_MAX_STEPS,
      toolTimeoutMs: options.toolTimeoutMs,
      modelTimeoutMs: options.modelTimeoutMs,
      output: options.output,
    },
    registry: registry.view(),
    toolCalling,
  };
}

function checkToolCalling(value: unknown): ToolCallingMode {
  if (value === undefined || value === 'json' || value === 'native') return value ?? 'json';
  throw new ConfigurationError(`ReactAgent: toolCalling must be 'json' or 'native'; got ${JSON.stringify(value)}.`);
}

function checkNumber(
  name: string,
  value: number | undefined,
  fallback: number,
  range: { min: number; max?: number; integer?: boolean },
): number {
  if (value === undefined) return fallback;
  const { min, max = Infinity, integer = false } = range;
  const valid = typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
  if (valid && (!integer || Number.isInteger(value))) return value;
  const expected = integer ? `an integer of at least ${min}` : `a number from ${min} to ${max}`;
  throw new ConfigurationError(`ReactAgent: ${name} must be ${expected}; got ${String(value)}.`);
}
