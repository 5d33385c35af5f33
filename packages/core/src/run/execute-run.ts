import { throwIfAborted } from '../abort.ts';
import type { AgentEvent, CustomEvent } from './agent-events.ts';
import type { AgentProtocol, ProtocolRun } from './agent-protocol.ts';
import { RunEngine } from './run-engine.ts';
import type { ResumeFrom } from './run-engine.ts';
import { RunPaused } from './approvals.ts';
import type { RunSnapshot } from './run-snapshot.ts';
import type { ChatMessage, ChatModel } from '../model/chat-model.ts';
import {
  ApprovalRequiredError,
  ConfigurationError,
  RunAbortedError,
  StepLimitReached,
  isTinyAgentError,
} from '../errors.ts';
import { lastAssistantText, withoutClosingStop } from '../message-text.ts';
import { checkOptionKeys } from './option-keys.ts';
import type { RunResult, RunState } from './run-result.ts';
import {
  DEFAULT_TOOL_TIMEOUT_MS,
  RESUME_OPTION_KEYS,
  RUN_OPTION_KEYS,
  checkRunInput,
  readHistory,
} from './run-options.ts';
import type { RunOptions } from './run-options.ts';
import { directStepRunner } from './step-runner.ts';
import { prepareOutput, withOutputSection } from './structured-output.ts';
import type { OutputSchema } from './structured-output.ts';
import { describeThrown, stringifyResult } from '../tools/stringify.ts';
import { getLogger } from '../logger.ts';
import type { Tool } from '../tools/tool.ts';
import { createVerboseTrace } from './verbose-trace.ts';

/** What an agent tells `executeRun` about itself and the run asked for. */
export interface RunSetup<Event extends CustomEvent = never> {
  task: string;
  model: ChatModel;
  /** The agent's tools by name: the only ones its runs can call. */
  tools: ReadonlyMap<string, Tool>;
  protocol: AgentProtocol<Event>;
  defaultMaxSteps: number;
  options: RunOptions<AgentEvent | Event>;
  /** Extra listener, used by `stream()`. */
  listener?: ((event: AgentEvent | Event) => void) | undefined;
  /** A promise while the consumer of `listener` is behind, used by `stream()`: streaming model calls wait for it. */
  backpressure?: (() => Promise<void> | undefined) | undefined;
  /** Run options of RunOptions this agent refuses (a ConfigurationError), each with the reason. */
  unsupportedOptions?: Readonly<Record<string, string>> | undefined;
  /** The agent's `toolTimeoutMs`; the run's option overrides it. Default DEFAULT_TOOL_TIMEOUT_MS. */
  toolTimeoutMs?: number | undefined;
  /** The agent's `modelTimeoutMs`, sent as each request's `timeoutMs`; the run's option overrides it. */
  modelTimeoutMs?: number | undefined;
  /** The run's output schema: the run's `output` option, else the agent's; undefined for none. */
  output?: OutputSchema | undefined;
  /** What snapshots call the agent (AgentProtocol.kind, or its name). */
  kind: string;
  /** The tools' names and schema hashes, for snapshots. */
  toolFingerprints: () => RunSnapshot['tools'];
  /** Set when the run continues a snapshot: the task and history are the snapshot's. */
  resume?: ResumeFrom | undefined;
}

/**
 * Runs one agent run on the engine: option checks, the run's signal and timeout, the transcript's
 * opening (system prompt, history, task), the steps and their limit, the one extra attempt when the
 * protocol takes one, events (to `onEvent`, the verbose trace and streams), and the RunResult for
 * every way a run can end. Rejects with ConfigurationError for bad options; once the run has
 * started, never rejects: failures are in the result.
 */
export function executeRun<Event extends CustomEvent = never>(setup: RunSetup<Event>): Promise<RunResult>;
/** Runs as above, resolving with what `outcome` makes of the RunResult (and rejecting when it throws). */
export function executeRun<Event extends CustomEvent, Output>(
  setup: RunSetup<Event>,
  outcome: (result: RunResult) => Output,
): Promise<Output>;
export function executeRun<Event extends CustomEvent>(
  setup: RunSetup<Event>,
  outcome?: (result: RunResult) => unknown,
): Promise<unknown> {
  let begun: BegunRun<Event>;
  try {
    begun = beginRun(setup, outcome);
  } catch (error) {
    return Promise.reject(error);
  }
  return driveRun(begun, setup.protocol);
}

// A run that has started: its engine, its signal and what ends it.
interface BegunRun<Event extends CustomEvent> {
  run: RunEngine<Event>;
  history: readonly ChatMessage[];
  /** Undefined when nothing can abort the run. */
  signal: AbortSignal | undefined;
  /** Stops the run's timeout. */
  dispose: () => void;
  started: number;
  onSnapshot: ((snapshot: RunSnapshot) => void | Promise<void>) | undefined;
  outcome: ((result: RunResult) => unknown) | undefined;
}

// Checks the options, builds the engine and tells listeners the run started.
function beginRun<Event extends CustomEvent>(
  setup: RunSetup<Event>,
  outcome: ((result: RunResult) => unknown) | undefined,
): BegunRun<Event> {
  const { options, protocol, resume } = setup;
  const task = resume?.snapshot.task ?? setup.task;
  const owner = `${protocol.agentName}'s ${resume === undefined ? 'run' : 'resume'}`;
  checkOptionKeys(options, resume === undefined ? RUN_OPTION_KEYS : RESUME_OPTION_KEYS, owner);
  for (const [key, reason] of Object.entries(setup.unsupportedOptions ?? {})) {
    if ((options as Record<string, unknown>)[key] !== undefined) {
      throw new ConfigurationError(`${owner}: ${key} does not apply. ${reason}`);
    }
  }
  const maxSteps = options.maxSteps ?? resume?.snapshot.maxSteps ?? setup.defaultMaxSteps;
  checkRunInput(task, maxSteps, options);
  if (resume !== undefined) checkResumedStepLimit(maxSteps, resume.snapshot, owner);
  const history = resume === undefined ? readHistory(options.history) : resume.snapshot.history;
  // Checked before the run's timeout starts: nothing after this may throw and leave its timer running.
  const output = prepareOutput(setup.output, owner);
  const { signal, dispose } = runSignal(options);
  const started = performance.now();
  const run = new RunEngine<Event>({
    task,
    maxSteps,
    model: setup.model,
    tools: setup.tools,
    signal,
    listeners: collectListeners(setup),
    toolTimeoutMs: options.toolTimeoutMs ?? setup.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
    modelTimeoutMs: options.modelTimeoutMs ?? setup.modelTimeoutMs,
    stepRunner: options.stepRunner ?? directStepRunner,
    output,
    kind: setup.kind,
    toolFingerprints: setup.toolFingerprints,
    history,
    resume,
    deltas: options.deltas === true,
    backpressure: setup.backpressure,
  });
  run.emitCore({
    type: 'run-start',
    agent: protocol.agentName,
    task,
    tools: [...setup.tools.keys()],
    model: setup.model.modelName,
    maxSteps,
    ...(resume === undefined ? {} : { resumed: true }),
  });
  return { run, history, signal, dispose, started, onSnapshot: options.onSnapshot, outcome };
}

// The step limit counts the whole run's steps, those taken before the snapshot too: below them, a
// resumed run would replay part of its record and stop at the limit without a new step, as if the
// run had taken fewer steps than it did.
function checkResumedStepLimit(maxSteps: number, snapshot: RunSnapshot, owner: string): void {
  if (maxSteps >= snapshot.stepsTaken) return;
  throw new ConfigurationError(
    `${owner}: maxSteps ${maxSteps} is below the ${snapshot.stepsTaken} steps the run had taken when the ` +
      "snapshot was taken; maxSteps counts all of the run's steps, so give at least that many (the snapshot " +
      `has ${snapshot.maxSteps}).`,
  );
}

// Ends a run whose steps ended with `failure` (undefined when they ended with an answer): the
// snapshot of a pause, the RunResult, and `run-end`.
async function endRun<Event extends CustomEvent>(begun: BegunRun<Event>, failure: unknown): Promise<unknown> {
  const { run, signal, onSnapshot } = begun;
  try {
    // One snapshot of the pause, for onSnapshot and the result alike.
    const paused = RunPaused.isInstance(failure) && signal?.aborted !== true ? run.snapshot() : undefined;
    if (paused !== undefined) {
      // Saved before the result exists: a snapshot that cannot be kept is the run's failure.
      try {
        await onSnapshot?.(paused);
      } catch (error) {
        failure = error;
      }
    }
    const result = buildResult(run, failure, signal, performance.now() - begun.started, paused);
    run.emitCore({ type: 'run-end', result });
    return begun.outcome === undefined ? result : begun.outcome(result);
  } finally {
    begun.dispose();
  }
}

/** Turns a RunResult into what `run` resolves with when `returnResult` is off: the answer, or the error thrown. */
export function outputOrThrow(result: RunResult): string {
  if (result.finalAnswer !== undefined) return result.output;
  throw result.error ?? new Error(`The run ended in state '${result.state}' without an answer.`);
}

// The loop every agent shares, then the run's end: up to maxSteps steps until the answer is set,
// the one extra attempt when the protocol takes one, StepLimitReached when that gives no answer
// either; then endRun, however the steps ended. One async function for all of it, since a run in
// flight holds every async frame it waits in; and the work around the waits is in functions of its
// own, since the frame holds a slot for every value its function uses.
async function driveRun<Event extends CustomEvent>(
  begun: BegunRun<Event>,
  protocol: AgentProtocol<Event>,
): Promise<unknown> {
  const { run } = begun;
  let failure: unknown;
  let steps: ProtocolRun | undefined;
  try {
    steps = startSteps(begun, protocol);
    for (let step = 1; step <= run.maxSteps && run.answer === undefined; step += 1) {
      throwIfAborted(run.cancelSignal);
      run.beginStep(step, false);
      await steps.step();
      if (begun.onSnapshot !== undefined) await begun.onSnapshot(run.snapshot());
    }
    const finalAttemptMade = run.answer === undefined && steps.finalAttempt !== undefined;
    if (finalAttemptMade) {
      throwIfAborted(run.cancelSignal);
      run.beginStep(run.maxSteps + 1, true);
      await steps.finalAttempt?.();
    }
    checkAnswered(run, finalAttemptMade);
  } catch (error) {
    failure = error;
  } finally {
    closeSteps(steps, protocol);
  }
  return endRun(begun, failure);
}

// Opens the transcript (system prompt, history, task) and the protocol's part of the run.
function startSteps<Event extends CustomEvent>(begun: BegunRun<Event>, protocol: AgentProtocol<Event>): ProtocolRun {
  const { run } = begun;
  const systemPrompt = withOutputSection(protocol.systemPrompt, run.structuredOutput);
  run.append({ role: 'system', content: systemPrompt }, ...begun.history, { role: 'user', content: run.task });
  const steps = protocol.start(run);
  run.setProtocolRun(steps);
  return steps;
}

// Throws StepLimitReached when the steps gave no answer, and ReplayDivergedError when a resumed run
// answered before retracing all its snapshot recorded.
function checkAnswered<Event extends CustomEvent>(run: RunEngine<Event>, finalAttemptMade: boolean): void {
  if (run.answer === undefined) {
    throw new StepLimitReached(StepLimitReached.describe(run.maxSteps, finalAttemptMade), {
      stepsTaken: run.maxSteps,
      finalAttemptMade,
      context: { maxSteps: run.maxSteps, lastReply: lastAssistantText(run.transcript) },
    });
  }
  run.checkReplayDone();
}

// Frees what the protocol's part of the run held, however the run ended.
function closeSteps<Event extends CustomEvent>(steps: ProtocolRun | undefined, protocol: AgentProtocol<Event>): void {
  try {
    steps?.close?.();
  } catch (error) {
    // The run's outcome is already decided: a protocol failing to free its resources must not
    // turn an answer into an error, but it must not go unseen either.
    getLogger().warn(`${protocol.agentName} could not close its run: ${describeThrown(error)}`);
  }
}

function collectListeners<Event extends CustomEvent>(
  setup: RunSetup<Event>,
): readonly ((event: AgentEvent | CustomEvent) => void)[] {
  const listeners: ((event: AgentEvent | Event) => void)[] = [];
  const { options, protocol } = setup;
  if (options.verbose === true) {
    const describeOwn = protocol.describeEvent?.bind(protocol);
    listeners.push(
      createVerboseTrace(undefined, describeOwn === undefined ? undefined : (event) => describeOwn(event as Event)),
    );
  }
  if (options.onEvent !== undefined) listeners.push(options.onEvent);
  if (setup.listener !== undefined) listeners.push(setup.listener);
  // A run nobody listens to (most runs) shares one empty list.
  return listeners.length === 0 ? NO_LISTENERS : (listeners as ((event: AgentEvent | CustomEvent) => void)[]);
}

const NO_LISTENERS: readonly ((event: AgentEvent | CustomEvent) => void)[] = Object.freeze([]);

const noTimeout = (): void => undefined;

// The run's signal: the caller's, plus the run timeout. A timeout aborts with a RunAbortedError so
// that the result can tell the two apart. A run with neither cannot be cancelled and has no signal:
// its model and tool calls get none, which spares the SDK composing one per request and each call
// its listeners.
function runSignal(options: RunOptions<never>): { signal: AbortSignal | undefined; dispose: () => void } {
  if (options.timeoutMs === undefined) return { signal: options.signal, dispose: noTimeout };
  const { timeoutMs } = options;
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(
      new RunAbortedError(`The run did not finish within its timeout of ${timeoutMs} ms.`, { timedOut: true }),
    );
  }, timeoutMs);
  const signal =
    options.signal === undefined ? controller.signal : AbortSignal.any([options.signal, controller.signal]);
  return { signal, dispose: () => clearTimeout(timer) };
}

function buildResult<Event extends CustomEvent>(
  run: RunEngine<Event>,
  failure: unknown,
  signal: AbortSignal | undefined,
  durationMs: number,
  pausedAt: RunSnapshot | undefined,
): RunResult {
  const { answer } = run;
  let state: RunState;
  let error: Error | undefined;
  let paused: { pendingApprovals: RunResult['pendingApprovals']; snapshot: RunSnapshot } | undefined;
  // A pause whose snapshot could not be saved is that failure, not a pause.
  if (pausedAt !== undefined && RunPaused.isInstance(failure)) {
    state = 'awaiting_approval';
    const snapshot = pausedAt;
    paused = { pendingApprovals: snapshot.pendingApprovals, snapshot };
    const names = snapshot.pendingApprovals.map((pending) => pending.callId).join(', ');
    error = new ApprovalRequiredError(
      `The run waits for approval of ${names}. Resume it with agent.resume(snapshot, { approvals }), ` +
        'giving a decision for each; RunResult.snapshot and this error carry the snapshot.',
      { pendingApprovals: snapshot.pendingApprovals, snapshot },
    );
  } else if (failure === undefined && answer !== undefined) {
    state = answer.source === 'final_attempt' ? 'step_limit_reached' : 'completed';
  } else if (signal?.aborted === true) {
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
    metadata: { model: run.modelName, runId: run.id },
    ...paused,
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
