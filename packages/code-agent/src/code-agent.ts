import { Agent } from '@tinyagent/core';
import {
  AGENT_MODEL_OPTION_KEYS,
  MODEL_OPTION_HINTS,
  checkAgentOptions,
  checkOptionKeys,
  collectTools,
  createAgentModel,
} from '@tinyagent/core/internal';
import type { AgentDefinition, AgentModelOptions, OutputSchema, Tool } from '@tinyagent/core';
import type { CodeEvent } from './code-events.ts';
import { renderCodePrompt } from './code-prompt.ts';
import { createCodeProtocol } from './code-protocol.ts';
import { resolveLimits } from './sandbox/sandbox-limits.ts';
import type { ResolvedLimits, SandboxLimits } from './sandbox/sandbox-limits.ts';
import { resolvePool } from './sandbox/sandbox-pool.ts';
import type { SandboxPool } from './sandbox/sandbox-pool.ts';
import { checkSandboxTools } from './sandbox/sandbox-tools.ts';

/** Steps a run takes before it stops, unless `maxSteps` says otherwise. */
export const DEFAULT_CODE_AGENT_MAX_STEPS = 6;

// Tools run synchronously on the host while the sandbox waits: nothing can interrupt one, so a
// per-call deadline would be a promise the agent cannot keep. The execution's deadline bounds them.
const TOOL_TIMEOUT_HINT =
  "TinyCodeAgent's tools run synchronously and cannot be interrupted, so there is no per-call tool deadline: " +
  'the sandbox limit timeoutMs (limits: { timeoutMs }) bounds each execution, its tool calls included.';

/** Options of `new TinyCodeAgent`; `Schema` is the type of `output`. */
export interface TinyCodeAgentOptions<Schema extends OutputSchema | undefined = undefined> extends AgentModelOptions {
  /** Synchronous tools the model's code calls as functions; async tools belong to ReactAgent. */
  tools: readonly Tool[];
  /** A prompt template file (.txt, .md, .prompt, .xml) replacing the default; `{tools}` marks the tools. */
  promptFile?: string | undefined;
  /** Text appended to the system prompt. */
  systemSuffix?: string | undefined;
  /** Sandbox limits of every run; see `SandboxLimits` for the defaults. */
  limits?: SandboxLimits | undefined;
  /** The worker threads that host the runs' sandboxes (`createSandboxPool`); default: the process's shared pool. */
  pool?: SandboxPool | undefined;
  /**
   * A zod 4 schema the value passed to `final_answer` must match: `run` resolves with the parsed
   * value, typed by the schema; a value that does not match goes back to the model with the issues.
   * A run's `output` overrides it.
   */
  output?: Schema | undefined;
}

// Every key of TinyCodeAgentOptions, checked by the compiler both ways.
const OPTION_KEYS = [
  ...AGENT_MODEL_OPTION_KEYS,
  ...Object.keys({
    tools: true,
    promptFile: true,
    systemSuffix: true,
    limits: true,
    pool: true,
    output: true,
  } satisfies Record<Exclude<keyof TinyCodeAgentOptions, keyof AgentModelOptions>, true>),
];

/**
 * An agent whose model answers in JavaScript: each reply's code block runs in a QuickJS-WebAssembly
 * sandbox off the main thread, where the tools are functions and `final_answer(value)` ends the run.
 * Variables persist across the steps of a run; every run starts from a fresh sandbox.
 */
export class TinyCodeAgent<Schema extends OutputSchema | undefined = undefined> extends Agent<CodeEvent, Schema> {
  /** The sandbox limits of every run, defaults filled in. */
  readonly limits: Readonly<ResolvedLimits>;

  /** Checks everything it can at once: model access, tools (sync, callable names) and limits. */
  constructor(options: TinyCodeAgentOptions<Schema>) {
    const { definition, limits } = defineCodeAgent(options);
    super(definition);
    this.limits = limits;
  }
}

function defineCodeAgent<Schema extends OutputSchema | undefined>(
  options: TinyCodeAgentOptions<Schema>,
): {
  definition: AgentDefinition<CodeEvent, Schema>;
  limits: Readonly<ResolvedLimits>;
} {
  checkAgentOptions(options, 'TinyCodeAgent');
  checkOptionKeys(options, OPTION_KEYS, 'TinyCodeAgent', { ...MODEL_OPTION_HINTS, toolTimeoutMs: TOOL_TIMEOUT_HINT });
  const registry = collectTools(options.tools, 'TinyCodeAgent');
  const tools = [...checkSandboxTools(registry, 'TinyCodeAgent').values()];
  const limits = Object.freeze(resolveLimits(options.limits));
  resolvePool(options.pool, 'TinyCodeAgent');
  const model = createAgentModel(options);
  const protocol = createCodeProtocol({
    systemPrompt: renderCodePrompt(tools, options),
    tools,
    limits,
    pool: options.pool,
  });
  return {
    definition: {
      protocol,
      model,
      tools,
      defaultMaxSteps: DEFAULT_CODE_AGENT_MAX_STEPS,
      modelTimeoutMs: options.modelTimeoutMs,
      unsupportedOptions: { toolTimeoutMs: TOOL_TIMEOUT_HINT },
      output: options.output,
    },
    limits,
  };
}
