import type { AgentEvent, CustomEvent } from './agent-events.ts';
import type { AgentProtocol } from './agent-protocol.ts';
import { streamRunEvents } from './event-stream.ts';
import { executeRun, outputOrThrow } from './execute-run.ts';
import type { RunSetup } from './execute-run.ts';
import type { ChatModel } from '../model/chat-model.ts';
import type { RunResult } from './run-result.ts';
import type { ResumeOptions, RunOptions, RunOptionsWithResult, StreamOptions } from './run-options.ts';
import { readSnapshot, toolFingerprints } from './run-snapshot.ts';
import type { RunSnapshot } from './run-snapshot.ts';
import { resumeFrom } from './resume.ts';
import type { Tool, ToolParameters } from '../tools/tool.ts';
import type { z } from 'zod';
import { agentTool } from './agent-tool.ts';
import type { AgentToolOptions, DefaultAgentToolParameters, RunnableAgent } from './agent-tool.ts';
import { collectTools } from './agent-setup.ts';
import { prepareOutput, withOutputSection } from './structured-output.ts';
import type { AnswerOf, AnswerValueOf, OutputSchema } from './structured-output.ts';

/**
 * What an `Agent` is made of: a model, its tools and the protocol that drives them; `Schema` is the
 * type of its output schema (undefined for none).
 */
export interface AgentDefinition<
  Event extends CustomEvent = never,
  Schema extends OutputSchema | undefined = undefined,
> {
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
  /** A zod 4 schema every run's final answer must match (a run's `output` overrides it); see RunOptions.output. */
  output?: Schema | undefined;
}

/**
 * An agent: a protocol on the run engine. ReactAgent and TinyCodeAgent are agents; so is any
 * protocol of your own, with the same `run` and `stream` and everything the engine does for them.
 * One instance serves any number of concurrent runs; everything a run changes lives in that run.
 * With an output schema (`Schema`), `run` resolves with the parsed, typed answer instead of its text.
 */
export class Agent<Event extends CustomEvent = never, Schema extends OutputSchema | undefined = undefined> {
  /** The model every run talks to. */
  readonly chatModel: ChatModel;
  /** The system prompt that opens every run. */
  readonly systemPrompt: string;
  readonly #definition: AgentDefinition<Event, Schema>;
  readonly #tools: ReadonlyMap<string, Tool>;
  #fingerprints: RunSnapshot['tools'] | undefined;

  /**
   * Creates the agent from its parts; throws ConfigurationError for tools that are not tools or share
   * a name, and for an `output` that is not a zod 4 schema.
   */
  constructor(definition: AgentDefinition<Event, Schema>) {
    this.#definition = definition;
    const registry = collectTools(definition.tools, definition.protocol.agentName);
    this.#tools = new Map([...registry].map((entry) => [entry.name, entry]));
    this.chatModel = definition.model;
    const output = prepareOutput(definition.output, definition.protocol.agentName);
    this.systemPrompt = withOutputSection(definition.protocol.systemPrompt, output);
  }

  /**
   * Runs the agent on `task` and resolves with the final answer as text. Rejects with the run's
   * typed error: StepLimitReached, ModelCallError, ModelRefusalError, RunAbortedError (abort or
   * `timeoutMs`), an agent's own (SandboxError), or ConfigurationError for invalid options. With
   * `returnResult: true`, resolves with the whole RunResult instead, however the run ended. With an
   * output schema (the run's `output`, else the agent's), the answer is the schema's parsed value.
   */
  run(task: string, options: RunOptionsWithResult<AgentEvent | Event>): Promise<RunResult<AnswerValueOf<Schema>>>;
  run<RunSchema extends OutputSchema>(
    task: string,
    options: RunOptionsWithResult<AgentEvent | Event, RunSchema> & { output: RunSchema },
  ): Promise<RunResult<AnswerValueOf<RunSchema>>>;
  run(
    task: string,
    options?: RunOptions<AgentEvent | Event> & { returnResult?: false | undefined },
  ): Promise<AnswerOf<Schema>>;
  run<RunSchema extends OutputSchema>(
    task: string,
    options: RunOptions<AgentEvent | Event, RunSchema> & { output: RunSchema; returnResult?: false | undefined },
  ): Promise<AnswerOf<RunSchema>>;
  run(
    task: string,
    options: RunOptions<AgentEvent | Event>,
  ): Promise<AnswerOf<Schema> | RunResult<AnswerValueOf<Schema>>>;
  run(task: string, options: RunOptions<AgentEvent | Event, OutputSchema | undefined>): Promise<unknown>;
  run(task: string, options: RunOptions<AgentEvent | Event, OutputSchema | undefined> = {}): Promise<unknown> {
    return settle(() => this.#setup(task, options, undefined), options.returnResult);
  }

  /**
   * Runs the agent on `task` and yields its events as they happen, ending with `run-end`, which
   * carries the RunResult. Stopping the iteration early aborts the run. Throws only for invalid
   * options; how the run ended is in `run-end`.
   */
  stream(task: string, options: StreamOptions<AgentEvent | Event> = {}): AsyncIterable<AgentEvent | Event> {
    return streamRunEvents<AgentEvent | Event>(
      (listener, signal, backpressure) =>
        executeRun({ ...this.#setup(task, { ...options, signal }, listener), backpressure }),
      options.signal,
    );
  }

  /**
   * Continues a run from its snapshot (a RunSnapshot, or its JSON text), in this or another process:
   * replays the steps the snapshot recorded (no model or tool is called again; a code agent's
   * sandbox is rebuilt) and goes on live, with the decisions in `approvals` applied. Resolves and
   * rejects as `run` does. Throws ConfigurationError for a snapshot of another agent, format version
   * or tool set, or decisions on approvals the snapshot does not wait for.
   */
  resume(
    snapshot: RunSnapshot | string,
    options: ResumeOptions<AgentEvent | Event> & { returnResult: true },
  ): Promise<RunResult<AnswerValueOf<Schema>>>;
  resume(
    snapshot: RunSnapshot | string,
    options?: ResumeOptions<AgentEvent | Event> & { returnResult?: false | undefined },
  ): Promise<AnswerOf<Schema>>;
  resume(
    snapshot: RunSnapshot | string,
    options: ResumeOptions<AgentEvent | Event>,
  ): Promise<AnswerOf<Schema> | RunResult<AnswerValueOf<Schema>>>;
  resume(snapshot: RunSnapshot | string, options: ResumeOptions<AgentEvent | Event> = {}): Promise<unknown> {
    return settle(() => this.#resumeSetup(snapshot, options, undefined), options.returnResult);
  }

  /**
   * Reads a saved snapshot (a RunSnapshot, or its JSON text) and checks it as `resume` would, without
   * resuming: to show a paused run's `pendingApprovals` before anyone decides. Throws
   * ConfigurationError for a snapshot this agent cannot resume.
   */
  readSnapshot(snapshot: RunSnapshot | string): RunSnapshot {
    return readSnapshot(snapshot, this.#kind(), this.#toolFingerprints());
  }

  /** `resume`, yielding the resumed run's events as `stream` does (the recorded steps are not told again). */
  resumeStream(
    snapshot: RunSnapshot | string,
    options: Omit<ResumeOptions<AgentEvent | Event>, 'returnResult'> = {},
  ): AsyncIterable<AgentEvent | Event> {
    return streamRunEvents<AgentEvent | Event>(
      (listener, signal, backpressure) =>
        executeRun({ ...this.#resumeSetup(snapshot, { ...options, signal }, listener), backpressure }),
      options.signal,
    );
  }

  /**
   * This agent as a tool of another agent (see AgentToolOptions): each call runs this agent, under
   * the calling run's signal, with its events, usage and approvals part of the calling run.
   */
  asTool<Parameters extends ToolParameters = DefaultAgentToolParameters>(
    options: AgentToolOptions<Parameters>,
  ): Tool<z.output<Parameters>, Promise<AnswerValueOf<Schema>>> {
    return agentTool(this as unknown as RunnableAgent, options) as Tool<
      z.output<Parameters>,
      Promise<AnswerValueOf<Schema>>
    >;
  }

  #resumeSetup(
    snapshot: RunSnapshot | string,
    options: ResumeOptions<AgentEvent | Event>,
    listener: ((event: AgentEvent | Event) => void) | undefined,
  ): RunSetup<Event> {
    const saved = readSnapshot(snapshot, this.#kind(), this.#toolFingerprints());
    const resume = resumeFrom(saved, options.approvals);
    // `approvals` stays among the options: the run checks their keys against ResumeOptions.
    return { ...this.#setup(saved.task, options, listener), resume };
  }

  #kind(): string {
    return this.#definition.protocol.kind ?? this.#definition.protocol.agentName;
  }

  // One function for every run of the agent, not one per run.
  readonly #fingerprintsOfTools = (): RunSnapshot['tools'] => this.#toolFingerprints();

  #toolFingerprints(): RunSnapshot['tools'] {
    this.#fingerprints ??= toolFingerprints(this.#tools.values());
    return this.#fingerprints;
  }

  #setup(
    task: string,
    { output, ...options }: RunOptions<AgentEvent | Event, OutputSchema | undefined>,
    listener: ((event: AgentEvent | Event) => void) | undefined,
  ): RunSetup<Event> {
    const definition = this.#definition;
    return {
      kind: this.#kind(),
      toolFingerprints: this.#fingerprintsOfTools,
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
      // The run's own schema wins; an explicit `output: undefined` keeps the agent's.
      output: output ?? definition.output,
    };
  }
}

// What `run` and `resume` resolve with: the RunResult, or the answer (rejecting with the run's error).
// Not async: a run in flight holds every async frame it waits in, and this one would wait for all of
// it. A setup that throws (bad options) still reaches the caller as a rejection.
function settle<Event extends CustomEvent>(
  setup: () => RunSetup<Event>,
  returnResult: boolean | undefined,
): Promise<unknown> {
  let prepared: RunSetup<Event>;
  try {
    prepared = setup();
  } catch (error) {
    return Promise.reject(error);
  }
  if (returnResult === true) return executeRun(prepared);
  // Functions of the module, not a closure over the setup: a run in flight holds its callback.
  return executeRun(prepared, prepared.output === undefined ? outputOrThrow : typedOutputOrThrow);
}

// With a schema the caller wants the parsed value, which the output text is only the JSON of.
function typedOutputOrThrow(result: RunResult): unknown {
  outputOrThrow(result);
  return result.finalAnswer?.value;
}
