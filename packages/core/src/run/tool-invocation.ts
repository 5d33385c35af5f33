import { throwIfAborted } from '../abort.ts';
import { ToolExecutionError, ToolInputError } from '../errors.ts';
import { redactSecrets, redactValue } from '../secrets.ts';
import { describeThrown, resultToJson, stringifyResult } from '../tools/stringify.ts';
import { callTool, validateArguments } from '../tools/tool.ts';
import type { RunScope, Tool } from '../tools/tool.ts';
import { toolFailureError } from '../tools/tool-failure.ts';
import type { AgentEventInput, EventInput, ToolEndEvent } from './agent-events.ts';
import { RunPaused, approvalResolved, declinedMessage } from './approvals.ts';
import type { ApprovalDecision, PendingApproval } from './approvals.ts';
import { getLogger } from '../logger.ts';
import { RunJournal } from './run-journal.ts';
import type { RunUsage } from './run-result.ts';
import type { StepRunner } from './step-runner.ts';
import { toolStepId } from './step-runner.ts';

/** A tool call as an agent read it from the model's reply. */
export interface ToolCallRequest {
  /** Unique within the step: the step seam's id for the call is `<step>/tool/<id>`. */
  id: string;
  name: string;
  /** The arguments as decoded; the raw text when `argumentError` is set. */
  arguments: unknown;
  /** Why the arguments could not be read (text that is not JSON, say); the call is not run. */
  argumentError?: string | undefined;
  /** Why the call is not run at all (past the turn's limit, say); the model reads it as the call's result. */
  refusal?: string | undefined;
}

/** What a tool returned, as code that called it gets it back: nothing, a string, or JSON text. */
export type ReturnedValue = { kind: 'undefined' } | { kind: 'string' | 'json'; text: string };

/** The outcome of one tool call. Plain JSON data: the step seam records it as it is. */
export interface ToolCallOutcome {
  /** What the model reads: the result as text, or `Error: <what went wrong>`; cut to the agent's limit. */
  output: string;
  isError: boolean;
  /** The failure, for code that called the tool (the code agent throws it into the sandbox). */
  failure?: { name: string; message: string } | undefined;
  /** The result as code gets it back; only when the call asked for it (`returnValue`). */
  returned?: ReturnedValue | undefined;
  /** The length of the output before it was cut; undefined when it was not cut. */
  originalLength?: number | undefined;
  /** The tokens a sub-agent's run used (an agent as a tool): the parent's run counts them too. */
  usage?: RunUsage | undefined;
}

/** How calls are run, as the agent's protocol asks. */
export interface InvokeOptions {
  /** Cut outputs longer than this, with a notice the model reads. Default: no limit. */
  maxOutputLength?: number | undefined;
  /** Fail a call whose tool returns a promise (the code sandbox can only wait for a value). */
  syncOnly?: boolean | undefined;
  /** Also give back the result as a value for code (ToolCallOutcome.returned). */
  returnValue?: boolean | undefined;
  /**
   * The calls are approved already (the code agent's approved block): tools that need approval run
   * without asking again.
   */
  approved?: boolean | undefined;
}

/** What the one tool path needs from the run. */
export interface InvocationContext {
  readonly tools: ReadonlyMap<string, Tool>;
  /** The run's signal; undefined when nothing can cancel the run, so calls pay for no listeners. */
  readonly cancelSignal: AbortSignal | undefined;
  readonly scope: RunScope;
  readonly toolTimeoutMs: number | undefined;
  readonly stepRunner: StepRunner;
  /** Records each call's outcome; on resume, answers the calls the snapshot recorded. */
  readonly journal: RunJournal;
  /** The decision taken on a call, if any. */
  decision(step: number, callId: string): ApprovalDecision | undefined;
  /** Marks a call as waiting for approval (and says so in an event). */
  addPendingApproval(pending: PendingApproval): void;
  /** Whether the sub-agent run by call `callId` paused for approval (see SubRunHooks). */
  subRunPaused(callId: string): boolean;
  /** Takes the usage of the sub-agent run by call `callId`, if one ran. */
  takeSubRunUsage(callId: string): RunUsage | undefined;
  /** Adds a sub-agent's usage to the run's. */
  addUsage(usage: RunUsage): void;
  /** `replayed`: the event retells work the resumed run's snapshot recorded. */
  emitCore(event: AgentEventInput, replayed?: boolean): void;
}

/**
 * The tool path for calls made outside any agent run (a JsExecutor used on its own): nothing is
 * replayed, no sub-agent pauses, and a call that needs approval is declined with `noApproval`, since
 * nobody can be asked.
 */
export function standaloneInvocation(
  base: Pick<InvocationContext, 'tools' | 'cancelSignal' | 'scope' | 'toolTimeoutMs' | 'stepRunner' | 'emitCore'>,
  noApproval: string,
): InvocationContext {
  return {
    ...base,
    journal: new RunJournal(),
    decision: () => ({ approved: false, reason: noApproval }),
    addPendingApproval: () => undefined,
    subRunPaused: () => false,
    takeSubRunUsage: () => undefined,
    addUsage: () => undefined,
  };
}

// What a call that must wait for approval gives back instead of an outcome.
const PENDING = Symbol('pending approval');

/**
 * The one path every tool call of every agent takes: the approval gate, `tool-start`, the checks
 * (unknown tool, unreadable or invalid arguments), the call through the step seam within its
 * deadline, redaction of arguments and results, `tool-end`. Failures are the model's to fix and come
 * back as the outcome; rejects with the abort reason, the error of a step runner that failed, or
 * RunPaused when the call waits for approval.
 */
export function invokeTool(
  context: InvocationContext,
  step: number,
  call: ToolCallRequest,
  options: InvokeOptions = {},
): Promise<ToolCallOutcome> {
  // Not async: every tool call of every run comes through here, and an async frame around the
  // attempt would be one more promise and hop per call. attemptTool never throws, only rejects.
  return attemptTool(context, step, call, options).then(settledOutcome);
}

function settledOutcome(outcome: ToolCallOutcome | typeof PENDING): ToolCallOutcome {
  if (outcome === PENDING) throw new RunPaused();
  return outcome;
}

function onlyOutcome(outcome: ToolCallOutcome | typeof PENDING): ToolCallOutcome[] {
  return [settledOutcome(outcome)];
}

async function attemptTool(
  context: InvocationContext,
  step: number,
  call: ToolCallRequest,
  options: InvokeOptions,
): Promise<ToolCallOutcome | typeof PENDING> {
  // Redacted once decoded: a key the model spelled with JSON escapes is plain text only now.
  const args = redactValue(call.arguments);
  const id = toolStepId(step, call.id);
  // A call the snapshot recorded was decided on (or needed no decision) when it ran.
  const replayed = context.journal.replays(id);
  let declined: Extract<ApprovalDecision, { approved: false }> | undefined;
  // Most tools need no approval: they take no detour (not even an await) through the gate.
  if (!replayed && options.approved !== true && (context.tools.get(call.name)?.needsApproval ?? false) !== false) {
    const gate = await approvalGate(context, step, call, args);
    if (gate === PENDING) return PENDING;
    if (!gate.approved) declined = gate;
  }
  context.emitCore({ type: 'tool-start', toolCallId: call.id, toolName: call.name, arguments: args }, replayed);
  const started = performance.now();
  // For the developer only: the error behind a failure, with its stack; never part of the outcome.
  let thrown: Error | undefined;
  let outcome: ToolCallOutcome;
  try {
    const work = async (): Promise<ToolCallOutcome> => {
      if (declined !== undefined) return failed('ToolExecutionError', declinedMessage('this call', declined)).outcome;
      const { outcome: ran, error } = await runCall(context, call, args, options);
      thrown = error;
      const usage = context.takeSubRunUsage(call.id);
      return usage === undefined ? ran : { ...ran, usage };
    };
    outcome = await context.journal.run(context.stepRunner, id, work, { name: call.name, arguments: args });
    // Live or replayed, a sub-agent's tokens count once in this run.
    if (outcome.usage !== undefined) context.addUsage(outcome.usage);
  } catch (reason) {
    if (RunPaused.isInstance(reason)) {
      // A sub-agent waits for approval: the call is neither done nor failed, and is not recorded.
      const output = 'Paused: the agent this tool runs waits for approval.';
      const ended = { toolCallId: call.id, toolName: call.name, output, isError: false, originalLength: undefined };
      context.emitCore({ type: 'tool-end', ...ended, durationMs: performance.now() - started }, replayed);
      return PENDING;
    }
    // An abort, or a step runner that failed (its store, say). Every tool-start still gets its
    // tool-end, so a UI can close the call; only an abort is called one.
    const aborted = context.cancelSignal?.aborted === true;
    context.emitCore(
      {
        type: 'tool-end',
        toolCallId: call.id,
        toolName: call.name,
        output: `${aborted ? 'Aborted' : 'Error'}: ${reason instanceof Error ? reason.message : String(reason)}`,
        isError: true,
        originalLength: undefined,
        durationMs: performance.now() - started,
        ...(aborted || !(reason instanceof Error) ? {} : { error: reason }),
      },
      replayed,
    );
    throw reason;
  }
  const cut = options.maxOutputLength === undefined ? outcome : truncated(outcome, options.maxOutputLength);
  // Built field by field, not from a spread of a temporary object: every tool call emits one.
  const ended: EventInput<ToolEndEvent> = {
    type: 'tool-end',
    toolCallId: call.id,
    toolName: call.name,
    output: cut.output,
    isError: cut.isError,
    originalLength: cut.originalLength,
    durationMs: performance.now() - started,
  };
  if (thrown !== undefined) ended.error = thrown;
  context.emitCore(ended, replayed);
  return cut;
}

// Whether a call may run: yes for a tool that needs no approval; the decision taken on it when
// there is one; otherwise it waits. A `needsApproval` function sees the validated arguments; a call
// whose arguments are invalid fails anyway and needs none. A function that throws asks for approval:
// a broken check must not let a call through.
async function approvalGate(
  context: InvocationContext,
  step: number,
  call: ToolCallRequest,
  args: unknown,
): Promise<ApprovalDecision | typeof PENDING> {
  const tool = context.tools.get(call.name);
  const rule = tool?.needsApproval ?? false;
  if (tool === undefined || rule === false || call.refusal !== undefined || call.argumentError !== undefined) {
    return { approved: true };
  }
  const decision = context.decision(step, call.id);
  if (decision !== undefined) {
    context.emitCore(approvalResolved(call.id, decision));
    return decision;
  }
  if (rule !== true) {
    let parsed: unknown;
    try {
      parsed = await validateArguments(tool, args);
    } catch {
      return { approved: true };
    }
    try {
      if (!(await rule(parsed, { run: context.scope, toolCallId: call.id }))) return { approved: true };
    } catch (error) {
      getLogger().warn(
        `needsApproval of tool '${call.name}' threw, so the call waits for approval: ${describeThrown(error)}`,
      );
    }
  }
  context.addPendingApproval({ kind: 'tool-call', callId: call.id, step, toolName: call.name, arguments: args });
  return PENDING;
}

/**
 * Runs the calls of one assistant turn concurrently, at most `limit` at a time, and returns their
 * outcomes in the order of `calls`. A failing call fails only itself. When the run is aborted,
 * waits for every started call to settle, then rejects with the abort reason.
 */
export function invokeTools(
  context: InvocationContext,
  step: number,
  calls: readonly ToolCallRequest[],
  limit: number,
  options: InvokeOptions = {},
): Promise<ToolCallOutcome[]> {
  // The usual turn makes one call: it needs no pool, nor the async frames of one (the attempt
  // rejects only with the abort reason, and never throws).
  const [only] = calls;
  if (calls.length === 1 && only !== undefined) return attemptTool(context, step, only, options).then(onlyOutcome);
  return invokeAll(context, step, calls, limit, options);
}

async function invokeAll(
  context: InvocationContext,
  step: number,
  calls: readonly ToolCallRequest[],
  limit: number,
  options: InvokeOptions,
): Promise<ToolCallOutcome[]> {
  const outcomes = new Array<ToolCallOutcome | typeof PENDING>(calls.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    // Each worker takes the next call until none are left; an abort stops them taking more.
    while (context.cancelSignal?.aborted !== true) {
      const index = next++;
      const call = calls[index];
      if (call === undefined) return;
      outcomes[index] = await attemptTool(context, step, call, options);
    }
  };
  const workers = Array.from({ length: Math.min(limit, calls.length) }, worker);
  const settled = await Promise.allSettled(workers);
  throwIfAborted(context.cancelSignal);
  for (const result of settled) if (result.status === 'rejected') throw result.reason;
  // Calls waiting for approval pause the run once the others have run: on resume, those come
  // from the journal and run once.
  if (outcomes.includes(PENDING)) throw new RunPaused();
  return outcomes as ToolCallOutcome[];
}

async function runCall(
  context: InvocationContext,
  call: ToolCallRequest,
  args: unknown,
  options: InvokeOptions,
): Promise<{ outcome: ToolCallOutcome; error?: Error | undefined }> {
  const tool = context.tools.get(call.name);
  if (tool === undefined) {
    const available = [...context.tools.keys()].join(', ');
    return failed('ToolExecutionError', `unknown tool '${call.name}'; available: ${available}`);
  }
  if (call.refusal !== undefined) return failed('ToolExecutionError', call.refusal);
  if (call.argumentError !== undefined) {
    return failed('ToolInputError', `Invalid arguments for tool '${call.name}': ${call.argumentError}`);
  }
  try {
    const value = await callTool(tool, args, {
      signal: context.cancelSignal,
      run: context.scope,
      defaultTimeoutMs: context.toolTimeoutMs,
      syncOnly: options.syncOnly,
      toolCallId: call.id,
    });
    return { outcome: succeeded(value, options.returnValue === true) };
  } catch (error) {
    throwIfAborted(context.cancelSignal);
    if (context.subRunPaused(call.id)) throw new RunPaused();
    const failure = asToolFailure(call.name, error);
    return {
      ...failed(failure.name, redactSecrets(failure.message)),
      error: toolFailureError(error) ?? new Error(failure.message),
    };
  }
}

function failed(name: string, message: string): { outcome: ToolCallOutcome } {
  return { outcome: { output: `Error: ${message}`, isError: true, failure: { name, message } } };
}

// The result twice when code asked for it: as the text the model and the events read
// (`stringifyResult`) and as the value code gets back. For an object or array the two are the same
// JSON, serialized once. A value with no JSON form (a function, a symbol) reaches code as undefined;
// one JSON cannot hold (a cyclic value), as the text a model would read. Secrets are redacted from
// both: inside a JSON string value a secret becomes `[redacted]`, so the JSON stays valid.
function succeeded(value: unknown, returnValue: boolean): ToolCallOutcome {
  if (!returnValue) return { output: redactSecrets(stringifyResult(value)), isError: false };
  if (typeof value === 'string') {
    const text = redactSecrets(value);
    return { output: text, isError: false, returned: { kind: 'string', text } };
  }
  const modelText = (): string => redactSecrets(stringifyResult(value));
  let json: string | undefined;
  try {
    json = resultToJson(value);
  } catch {
    const output = modelText();
    return { output, isError: false, returned: { kind: 'string', text: output } };
  }
  if (json === undefined) return { output: modelText(), isError: false, returned: { kind: 'undefined' } };
  const text = redactSecrets(json);
  const isPlainData = typeof value === 'object' && value !== null && !(value instanceof Error);
  return { output: isPlainData ? text : modelText(), isError: false, returned: { kind: 'json', text } };
}

// callTool throws core's own errors, which say it once ("Tool 'x' failed: ..."); anything else is wrapped so.
function asToolFailure(toolName: string, error: unknown): { name: string; message: string } {
  if (ToolInputError.isInstance(error) || ToolExecutionError.isInstance(error)) {
    return { name: error.name, message: error.message };
  }
  const message = ToolExecutionError.describe(toolName, describeThrown(error));
  return { name: 'ToolExecutionError', message };
}

/**
 * Cuts an outcome's output to `limit` characters with a visible notice giving the original length,
 * so the model knows it saw only part of the result. Never splits a surrogate pair.
 */
function truncated(outcome: ToolCallOutcome, limit: number): ToolCallOutcome {
  const text = outcome.output;
  if (text.length <= limit) return outcome;
  const last = text.charCodeAt(limit - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? limit - 1 : limit;
  return {
    ...outcome,
    output: `${text.slice(0, end)}\n[truncated: showing the first ${end} of ${text.length} characters]`,
    originalLength: text.length,
  };
}
