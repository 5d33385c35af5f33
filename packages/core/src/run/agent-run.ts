import { raceAbort } from '../abort.ts';
import type { AgentEvent, AgentEventInput } from './agent-events.ts';
import type { ChatMessage, ChatModel, ChatRequest, ChatResponse, ModelRetry } from '../model/chat-model.ts';
import { checkChatResponse } from '../model/chat-response-check.ts';
import { ConfigurationError, RunAbortedError, StepLimitReached, isTinyAgentError } from '../errors.ts';
import { Finalizer } from './final-answer.ts';
import { getLogger } from '../logger.ts';
import { withoutClosingStop } from '../message-text.ts';
import { checkOptionKeys } from './option-keys.ts';
import { addUsage, emptyUsage } from './run-result.ts';
import type { RunResult, RunState, RunUsage } from './run-result.ts';
import { describeThrown, stringifyResult } from '../tools/stringify.ts';
import { createRunScope } from '../tools/tool.ts';
import type { RunScope } from '../tools/tool.ts';
import { redactReply, throwIfDeclined } from './model-reply.ts';
import { createStepRecorder } from './step-records.ts';
import type { StepRecord } from './step-records.ts';
import { createVerboseTrace } from './verbose-trace.ts';

/** Options of an agent's `run` and `stream`. */
export interface RunOptions {
  /** Steps (model turns) before the run stops; a positive integer. Each agent has its own default. */
  maxSteps?: number | undefined;
  /** Print a readable trace of the run to stderr. */
  verbose?: boolean | undefined;
  /** Resolve with the whole RunResult instead of the answer text, and never reject. */
  returnResult?: boolean | undefined;
  /** Cancels the run: the model request in flight and every running tool. */
  signal?: AbortSignal | undefined;
  /** Cancels the run after this many milliseconds. */
  timeoutMs?: number | undefined;
  /** Deadline of each tool call without a `timeoutMs` of its own; overrides the agent's. Default 60 000. */
  toolTimeoutMs?: number | undefined;
  /** Deadline of each model call, retries included; overrides the agent's. Default: the model's (180 000). */
  modelTimeoutMs?: number | undefined;
  /** Receives every event of the run, in order. */
  onEvent?: ((event: AgentEvent) => void) | undefined;
  /**
   * Earlier turns, placed between the system prompt and the new task, to continue a conversation:
   * a previous RunResult's `messages` work as they are (a leading system message gives way to the
   * agent's own prompt).
   */
  history?: readonly ChatMessage[] | undefined;
}

/** The deadline of a tool call when neither the tool, the agent nor the run sets one: a minute. */
export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;

/** `RunOptions` that make `run` resolve with a RunResult. */
export type RunOptionsWithResult = RunOptions & { returnResult: true };

/** Options of an agent's `stream`: those of `run`, without `returnResult` (the result is in `run-end`). */
export type StreamOptions = Omit<RunOptions, 'returnResult'>;

/** The state of one run, handed to an agent's loop. Nothing in it is shared with other runs. */
export interface AgentRun {
  readonly id: string;
  readonly task: string;
  readonly maxSteps: number;
  /** Aborted when the caller aborts or the run's timeout passes. */
  readonly signal: AbortSignal;
  /** The scope tools of this run share (see ToolContext.run). */
  readonly scope: RunScope;
  /** The transcript, system prompt first; the loop appends to it. */
  readonly messages: ChatMessage[];
  /** Earlier turns from the `history` option (without a leading system message), for the loop to place after its prompt. */
  readonly history: readonly ChatMessage[];
  readonly usage: RunUsage;
  readonly finalizer: Finalizer;
  /** True when someone listens to events. Every event is still recorded in the run's `steps`. */
  readonly observed: boolean;
  /** The step records built from the events so far; they become `RunResult.steps`. */
  readonly steps: readonly StepRecord[];
  /** The deadline of a tool call without its own `timeoutMs`: pass it as `Tool.run`'s `defaultTimeoutMs`. */
  readonly toolTimeoutMs: number;
  readonly metadata: Record<string, unknown>;
  /** Steps taken so far; the loop advances it. */
  stepsTaken: number;
  emit(event: AgentEventInput): void;
  /**
   * Calls the model with the run's signal and model deadline, counts its usage and emits the request,
   * retry and response events.
   */
  callModel(model: ChatModel, request: Omit<ChatRequest, 'signal' | 'onRetry'>, step: number): Promise<ChatResponse>;
}

/** What an agent tells `executeRun` about itself. */
export interface RunSetup {
  task: string;
  model: ChatModel;
  toolNames: readonly string[];
  defaultMaxSteps: number;
  options: RunOptions;
  /** Extra listener, used by `stream()`. */
  listener?: ((event: AgentEvent) => void) | undefined;
  /** The agent's name, for error messages; default `the agent`. */
  agentName?: string | undefined;
  /** Run options the agent accepts beyond RunOptions (`history`, say); any other unknown key is an error. */
  extraOptionKeys?: readonly string[] | undefined;
  /** Run options of RunOptions this agent refuses (a ConfigurationError), each with the reason. */
  unsupportedOptions?: Readonly<Record<string, string>> | undefined;
  /** The agent's `toolTimeoutMs`; the run's option overrides it. Default DEFAULT_TOOL_TIMEOUT_MS. */
  toolTimeoutMs?: number | undefined;
  /** The agent's `modelTimeoutMs`, sent as each request's `timeoutMs`; the run's option overrides it. */
  modelTimeoutMs?: number | undefined;
}

// Every key of RunOptions, checked by the compiler both ways.
const RUN_OPTION_KEYS = Object.keys({
  maxSteps: true,
  verbose: true,
  returnResult: true,
  signal: true,
  timeoutMs: true,
  toolTimeoutMs: true,
  modelTimeoutMs: true,
  onEvent: true,
  history: true,
} satisfies Record<keyof RunOptions, true>);

/**
 * Runs an agent loop with everything runs have in common: option checks, the run's signal and
 * timeout, events (to `onEvent`, the verbose trace and streams), usage, and the RunResult for every
 * way a run can end. The loop returns once the finalizer holds the answer, or throws. Never rejects
 * once the loop has started: failures are in the result.
 */
export async function executeRun(setup: RunSetup, loop: (run: AgentRun) => Promise<void>): Promise<RunResult> {
  const { task, options } = setup;
  const owner = `${setup.agentName ?? 'The agent'}'s run`;
  checkOptionKeys(options, [...RUN_OPTION_KEYS, ...(setup.extraOptionKeys ?? [])], owner);
  for (const [key, reason] of Object.entries(setup.unsupportedOptions ?? {})) {
    if ((options as Record<string, unknown>)[key] !== undefined) {
      throw new ConfigurationError(`${owner}: ${key} does not apply. ${reason}`);
    }
  }
  const maxSteps = options.maxSteps ?? setup.defaultMaxSteps;
  checkRunInput(task, maxSteps, options);
  const history = readHistory(options.history);
  const listeners = collectListeners(setup);
  const { signal, cancellable, dispose } = runSignal(options);
  const started = performance.now();
  const run = createAgentRun({
    task,
    history,
    maxSteps,
    signal,
    cancellable,
    listeners,
    modelName: setup.model.modelName,
    toolTimeoutMs: options.toolTimeoutMs ?? setup.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
    modelTimeoutMs: options.modelTimeoutMs ?? setup.modelTimeoutMs,
  });
  try {
    run.emit({ type: 'run-start', task, tools: setup.toolNames, model: setup.model.modelName, maxSteps });
    let failure: unknown;
    try {
      await loop(run);
    } catch (error) {
      failure = error;
    }
    const result = buildResult(run, failure, signal, performance.now() - started);
    run.emit({ type: 'run-end', result });
    return result;
  } finally {
    dispose();
  }
}

/** Turns a RunResult into what `run` resolves with when `returnResult` is off: the answer, or the error thrown. */
export function outputOrThrow(result: RunResult): string {
  if (result.finalAnswer !== undefined) return result.output;
  throw result.error ?? new Error(`The run ended in state '${result.state}' without an answer.`);
}

function checkRunInput(task: unknown, maxSteps: number, options: RunOptions): void {
  if (typeof task !== 'string' || task.trim() === '') {
    throw new ConfigurationError('The task must be a non-empty string: the question or instruction for the agent.');
  }
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new ConfigurationError(`maxSteps must be a positive integer; got ${String(maxSteps)}.`);
  }
  for (const name of ['timeoutMs', 'toolTimeoutMs', 'modelTimeoutMs'] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new ConfigurationError(`${name} must be a positive number of milliseconds; got ${String(value)}.`);
    }
  }
}

function collectListeners(setup: RunSetup): ((event: AgentEvent) => void)[] {
  const listeners: ((event: AgentEvent) => void)[] = [];
  if (setup.options.verbose === true) listeners.push(createVerboseTrace());
  if (setup.options.onEvent !== undefined) listeners.push(setup.options.onEvent);
  if (setup.listener !== undefined) listeners.push(setup.listener);
  return listeners;
}

// The run's signal: the caller's, plus the run timeout. A timeout aborts with a RunAbortedError so
// that the result can tell the two apart. A run with neither cannot be cancelled: its model calls
// get no signal, which spares them the SDK's cost of composing one per request.
function runSignal(options: RunOptions): { signal: AbortSignal; cancellable: boolean; dispose: () => void } {
  if (options.timeoutMs === undefined) {
    const { signal } = options;
    return {
      signal: signal ?? new AbortController().signal,
      cancellable: signal !== undefined,
      dispose: () => undefined,
    };
  }
  const { timeoutMs } = options;
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(
      new RunAbortedError(`The run did not finish within its timeout of ${timeoutMs} ms.`, { timedOut: true }),
    );
  }, timeoutMs);
  const signal =
    options.signal === undefined ? controller.signal : AbortSignal.any([options.signal, controller.signal]);
  return { signal, cancellable: true, dispose: () => clearTimeout(timer) };
}

function readHistory(history: unknown): readonly ChatMessage[] {
  if (history === undefined) return [];
  if (!Array.isArray(history)) {
    throw new ConfigurationError('history must be an array of chat messages, such as a previous RunResult.messages.');
  }
  const messages = history as readonly ChatMessage[];
  return messages[0]?.role === 'system' ? messages.slice(1) : [...messages];
}

interface RunFields {
  task: string;
  history: readonly ChatMessage[];
  maxSteps: number;
  signal: AbortSignal;
  cancellable: boolean;
  listeners: ((event: AgentEvent) => void)[];
  modelName: string;
  toolTimeoutMs: number;
  modelTimeoutMs: number | undefined;
}

function createAgentRun(fields: RunFields): AgentRun {
  const { listeners } = fields;
  const id = crypto.randomUUID();
  // The run keeps its own record of every step, whoever else listens.
  const recorder = createStepRecorder();
  const emit = (input: AgentEventInput): void => {
    // The recorder reads no runId: without listeners, no event object is built at all.
    if (listeners.length === 0) {
      recorder.record(input);
      return;
    }
    const event = { ...input, runId: id } as AgentEvent;
    recorder.record(event);
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        // A broken listener must not break the run it observes.
        getLogger().warn(`An event listener threw on '${event.type}': ${describeThrown(error)}`);
      }
    }
  };
  const run: AgentRun = {
    id,
    task: fields.task,
    history: fields.history,
    maxSteps: fields.maxSteps,
    signal: fields.signal,
    scope: createRunScope(id),
    messages: [],
    usage: emptyUsage(),
    finalizer: new Finalizer(),
    observed: listeners.length > 0,
    steps: recorder.steps,
    toolTimeoutMs: fields.toolTimeoutMs,
    metadata: { model: fields.modelName },
    stepsTaken: 0,
    emit,
    callModel: async (model, request, step) => {
      emit({
        type: 'model-request',
        step,
        messageCount: request.messages.length,
        temperature: request.temperature,
        toolsOffered: request.tools !== undefined && request.tools.length > 0 && request.toolChoice !== 'none',
      });
      const started = performance.now();
      // Settles at the abort even when the model is slow to honour its signal (or ignores it).
      const signal = fields.cancellable ? fields.signal : undefined;
      const deadline = fields.modelTimeoutMs === undefined ? {} : { timeoutMs: fields.modelTimeoutMs };
      // A retried call can take minutes; each retry is an event, so the wait is never silent.
      const onRetry = (retry: ModelRetry): void => emit({ type: 'model-retry', step, ...retry });
      const reply = await raceAbort(model.complete({ ...request, ...deadline, onRetry, signal }), signal);
      const response = redactReply(checkChatResponse(reply, model.modelName));
      addUsage(run.usage, response.usage);
      emit({
        type: 'model-response',
        step,
        content: response.content,
        toolCalls: response.toolCalls,
        finishReason: response.finishReason,
        usage: response.usage,
        ...(response.reasoning === undefined ? {} : { reasoning: response.reasoning }),
        durationMs: performance.now() - started,
      });
      throwIfDeclined(response, model.modelName);
      return response;
    },
  };
  return run;
}

function buildResult(run: AgentRun, failure: unknown, signal: AbortSignal, durationMs: number): RunResult {
  const answer = run.finalizer.get();
  let state: RunState;
  let error: Error | undefined;
  if (failure === undefined && answer !== undefined) {
    state = answer.source === 'final_attempt' ? 'step_limit_reached' : 'completed';
  } else if (signal.aborted) {
    state = 'aborted';
    error = toAbortError(signal.reason);
  } else if (StepLimitReached.isInstance(failure)) {
    state = 'step_limit_reached';
    error = failure;
  } else {
    state = 'error';
    error = failure === undefined ? new Error('The agent loop ended without a final answer.') : toError(failure);
  }
  return {
    output: answer === undefined || state === 'aborted' || state === 'error' ? '' : stringifyResult(answer.value),
    finalAnswer: state === 'aborted' || state === 'error' ? undefined : answer,
    state,
    stepsTaken: run.stepsTaken,
    durationMs,
    error,
    usage: run.usage,
    messages: run.messages,
    steps: [...run.steps],
    metadata: { ...run.metadata, runId: run.id },
  };
}

function toAbortError(reason: unknown): RunAbortedError {
  if (RunAbortedError.isInstance(reason)) return reason;
  // A string reason (`controller.abort('user left')`) says why as much as an Error's message does.
  const said = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : '';
  // The message ends with its own period: one the reason brings is dropped, never doubled.
  const detail = withoutClosingStop(said);
  return new RunAbortedError(`The run was aborted${detail === '' ? '' : `: ${detail}`}.`, {
    timedOut: false,
    cause: reason,
  });
}

function toError(value: unknown): Error {
  if (value instanceof Error || isTinyAgentError(value)) return value;
  return new Error(`The agent loop threw a non-error value: ${stringifyResult(value)}`);
}
