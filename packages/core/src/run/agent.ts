import type { AgentEvent, CustomEvent } from './agent-events.ts';
import type { AgentProtocol } from './agent-protocol.ts';
import { streamRunEvents } from './event-stream.ts';
import { executeRun, outputOrThrow } from './execute-run.ts';
import type { RunSetup } from './execute-run.ts';
import type { ChatModel } from '../model/chat-model.ts';
import type { RunResult } from './run-result.ts';
import type { RunOptions, RunOptionsWithResult, StreamOptions } from './run-options.ts';
import type { Tool } from '../tools/tool.ts';
import { collectTools } from './agent-setup.ts';

/** What an `Agent` is made of: a model, its tools and the protocol that drives them. */
export interface AgentDefinition<Event extends CustomEvent = never> {
  protocol: AgentProtocol<Event>;
  model: ChatModel;
  /** The tools runs can call, each made by `tool()`, with unique names. */
  tools: readonly Tool[];
  /** Steps a run takes when `maxSteps` is not given. */
  defaultMaxSteps: number;
  /** Deadline of each tool call whose tool has no `timeoutMs`; a run's option overrides it. */
  toolTimeoutMs?: number | undefined;
  /** Deadline of each model call; a run's option overrides it. */
  modelTimeoutMs?: number | undefined;
  /** Run options this agent refuses, each with the reason the ConfigurationError gives. */
  unsupportedOptions?: Readonly<Record<string, string>> | undefined;
}

/**
 * An agent: a protocol on the run engine. ReactAgent and TinyCodeAgent are agents; so is any
 * protocol of your own, with the same `run` and `stream` and everything the engine does for them.
 * One instance serves any number of concurrent runs; everything a run changes lives in that run.
 */
export class Agent<Event extends CustomEvent = never> {
  /** The model every run talks to. */
  readonly chatModel: ChatModel;
  /** The system prompt that opens every run. */
  readonly systemPrompt: string;
  readonly #definition: AgentDefinition<Event>;
  readonly #tools: ReadonlyMap<string, Tool>;

  /** Creates the agent from its parts; throws ConfigurationError for tools that are not tools or share a name. */
  constructor(definition: AgentDefinition<Event>) {
    this.#definition = definition;
    const registry = collectTools(definition.tools, definition.protocol.agentName);
    this.#tools = new Map([...registry].map((entry) => [entry.name, entry]));
    this.chatModel = definition.model;
    this.systemPrompt = definition.protocol.systemPrompt;
  }

  /**
   * Runs the agent on `task` and resolves with the final answer as text. Rejects with the run's
   * typed error: StepLimitReached, ModelCallError, ModelRefusalError, RunAbortedError (abort or
   * `timeoutMs`), an agent's own (SandboxError), or ConfigurationError for invalid options. With
   * `returnResult: true`, resolves with the whole RunResult instead, however the run ended.
   */
  run(task: string, options: RunOptionsWithResult<AgentEvent | Event>): Promise<RunResult>;
  run(task: string, options?: RunOptions<AgentEvent | Event> & { returnResult?: false | undefined }): Promise<string>;
  run(task: string, options: RunOptions<AgentEvent | Event>): Promise<string | RunResult>;
  async run(task: string, options: RunOptions<AgentEvent | Event> = {}): Promise<string | RunResult> {
    const result = await executeRun(this.#setup(task, options, undefined));
    return options.returnResult === true ? result : outputOrThrow(result);
  }

  /**
   * Runs the agent on `task` and yields its events as they happen, ending with `run-end`, which
   * carries the RunResult. Stopping the iteration early aborts the run. Throws only for invalid
   * options; how the run ended is in `run-end`.
   */
  stream(task: string, options: StreamOptions<AgentEvent | Event> = {}): AsyncIterable<AgentEvent | Event> {
    return streamRunEvents<AgentEvent | Event>(
      (listener, signal) => executeRun(this.#setup(task, { ...options, signal }, listener)),
      options.signal,
    );
  }

  #setup(
    task: string,
    options: RunOptions<AgentEvent | Event>,
    listener: ((event: AgentEvent | Event) => void) | undefined,
  ): RunSetup<Event> {
    const definition = this.#definition;
    return {
      task,
      model: definition.model,
      tools: this.#tools,
      protocol: definition.protocol,
      defaultMaxSteps: definition.defaultMaxSteps,
      options,
      listener,
      unsupportedOptions: definition.unsupportedOptions,
      toolTimeoutMs: definition.toolTimeoutMs,
      modelTimeoutMs: definition.modelTimeoutMs,
    };
  }
}
