import type { ChatModel } from '../model/chat-model.ts';
import { ConfigurationError } from '../errors.ts';
import { checkMilliseconds } from './milliseconds.ts';
import { OpenAIChatModel, resolveOpenAIConnection } from '../model/openai-chat-model.ts';
import type { OpenAIClientLike } from '../model/openai-chat-model.ts';
import { isTool } from '../tools/tool.ts';
import { ToolRegistry } from '../tools/tool-registry.ts';

/** The model options every agent accepts. */
export interface AgentModelOptions {
  /** Model name; default `gpt-4o-mini`. */
  model?: string | undefined;
  /** API key; default `OPENAI_API_KEY`. */
  apiKey?: string | undefined;
  /** OpenAI-compatible server; default `OPENAI_BASE_URL`, else OpenAI. */
  baseURL?: string | undefined;
  /** A configured `openai` client (any SDK version with the chat API) to use instead of apiKey/baseURL. */
  client?: OpenAIClientLike | undefined;
  /** Any ChatModel (a scripted model in tests, another provider); overrides all of the above. */
  chatModel?: ChatModel | undefined;
  /**
   * Deadline of each model call, retries included, sent as the request's `timeoutMs` (any model may
   * honour it; OpenAIChatModel does). Default: the model's own, 180 000 for OpenAIChatModel. A run's
   * `modelTimeoutMs` overrides it.
   */
  modelTimeoutMs?: number | undefined;
  /** Retries of a failed model call (408/409/429/5xx, dropped connections, broken replies); default 2. */
  maxRetries?: number | undefined;
}

/** The keys of AgentModelOptions, for agents that check their option keys (see `checkOptionKeys`). */
export const AGENT_MODEL_OPTION_KEYS: readonly string[] = Object.keys({
  model: true,
  apiKey: true,
  baseURL: true,
  client: true,
  chatModel: true,
  modelTimeoutMs: true,
  maxRetries: true,
} satisfies Record<keyof AgentModelOptions, true>);

/**
 * Advice for options of OpenAIChatModel given to an agent, which takes only the model options above;
 * for `checkOptionKeys`.
 */
export const MODEL_OPTION_HINTS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    ['streaming', 'retryDelayMs', 'maxRetryDelayMs', 'env'].map((key) => [
      key,
      `'${key}' is an option of the model, not of the agent: pass chatModel: new OpenAIChatModel({ ${key}, ... }).`,
    ]),
  ),
  timeoutMs:
    "'timeoutMs' bounds a whole run and is an option of run(): agent.run(task, { timeoutMs }). " +
    'One model call is bounded by the agent option modelTimeoutMs.',
};

/** Throws a ConfigurationError unless an agent's constructor got an options object. */
export function checkAgentOptions(options: unknown, agentName: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigurationError(`${agentName} needs options: new ${agentName}({ tools: [...] }).`);
  }
}

/**
 * Resolves an agent's model: `chatModel` as given, else an OpenAIChatModel. Throws ConfigurationError
 * at once when there is no key, no base URL and no client, so a misconfigured agent fails at
 * construction rather than at its first run.
 */
export function createAgentModel(options: AgentModelOptions): ChatModel {
  const { chatModel, maxRetries } = options;
  checkMilliseconds('modelTimeoutMs', options.modelTimeoutMs);
  if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && maxRetries >= 0)) {
    throw new ConfigurationError(`maxRetries must be a whole number of at least 0; got ${String(maxRetries)}.`);
  }
  if (chatModel !== undefined) {
    if (typeof (chatModel as Partial<ChatModel>).complete !== 'function') {
      throw new ConfigurationError('chatModel must be a ChatModel: an object with a complete(request) method.');
    }
    if (maxRetries !== undefined) {
      throw new ConfigurationError(
        'maxRetries configures the OpenAIChatModel the agent builds, but a chatModel was given: ' +
          'configure retries on your model, e.g. new OpenAIChatModel({ maxRetries }).',
      );
    }
    return chatModel;
  }
  if (options.client === undefined) resolveOpenAIConnection(options);
  return new OpenAIChatModel({
    model: options.model,
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    client: options.client,
    maxRetries,
  });
}

/**
 * Checks an agent's tool list and returns it as a frozen registry: at least one tool, every entry
 * made by `tool()`, no two with one name. Errors name the agent and the offending entry.
 */
export function collectTools(tools: unknown, agentName: string): ToolRegistry {
  if (!Array.isArray(tools) || tools.length === 0) {
    throw new ConfigurationError(`${agentName} needs at least one tool: pass tools: [myTool, ...].`);
  }
  const registry = new ToolRegistry();
  tools.forEach((entry: unknown, index) => {
    if (!isTool(entry)) {
      throw new ConfigurationError(
        `${agentName}: tools[${index}] is ${describeValue(entry)}, not a tool. ` +
          'Create tools with tool({ name, description, parameters, execute }) from @tinyagent/core.',
      );
    }
    if (registry.has(entry.name)) {
      throw new ConfigurationError(`${agentName}: two tools are named '${entry.name}'; tool names must be unique.`);
    }
    registry.register(entry);
  });
  return registry.freeze();
}

function describeValue(value: unknown): string {
  if (typeof value === 'function') return `a function${value.name === '' ? '' : ` named '${value.name}'`}`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
