import { raceAbort } from '../abort.ts';
import { RunPaused, approvalResolved } from './approvals.ts';
import type { ApprovalDecision, ApprovalRecord, ApprovalRequest, PendingApproval } from './approvals.ts';
import { CORE_EVENT_TYPES } from './agent-events.ts';
import type { AgentEvent, AgentEventInput, CustomEvent, EventInput, ModelResponseEvent } from './agent-events.ts';
import type { ChatMessage, ChatModel, ChatRequest, ChatResponse, ModelRetry } from '../model/chat-model.ts';
import { checkChatResponse } from '../model/chat-response-check.ts';
import { ConfigurationError } from '../errors.ts';
import { Finalizer } from './final-answer.ts';
import type { FinalAnswer } from './final-answer.ts';
import { callListener } from '../listeners.ts';
import { addUsage, emptyUsage, mergeUsage } from './run-result.ts';
import type { RunUsage } from './run-result.ts';
import { stringifyResult } from '../tools/stringify.ts';
import { createRunScope } from '../tools/tool.ts';
import type { RunScope, Tool } from '../tools/tool.ts';
import { redactReply, throwIfDeclined } from './model-reply.ts';
import { redactSecrets, redactValue } from '../secrets.ts';
import { RunJournal } from './run-journal.ts';
import { appended } from './short-list.ts';
import { SNAPSHOT_VERSION } from './run-snapshot.ts';
import type { RunSnapshot } from './run-snapshot.ts';
import { StepRecorder } from './step-records.ts';
import { SubRuns, attachSubRunHooks } from './sub-runs.ts';
import type { SubRunHooks } from './sub-runs.ts';
import type { StepRecord } from './step-records.ts';
import { directStepRunner, modelStepId } from './step-runner.ts';
import type { StepRunner } from './step-runner.ts';
import { acceptAnswer } from './structured-output.ts';
import type { StructuredOutput } from './structured-output.ts';
import { invokeTool, invokeTools } from './tool-invocation.ts';
import type { InvocationContext, InvokeOptions, ToolCallOutcome, ToolCallRequest } from './tool-invocation.ts';
import type { AgentRun, InvokeToolsOptions, ModelRequest } from './agent-run.ts';
import type { ProtocolRun } from './agent-protocol.ts';
import { DeltaRelay } from './model-deltas.ts';

// The names an agent gives its own steps (see runStep): never empty, never an id of core's.
const STEP_NAME = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;

// randomUUID builds its text by concatenation, which V8 keeps as a tree of a dozen pieces (about
// 400 bytes) until the text is first read, and every run in flight holds its id. Reading one
// character joins the pieces into one string of about 90 bytes.
function newRunId(): string {
  const id = crypto.randomUUID();
  id.charCodeAt(0);
  return id;
}

// A run resumed with no decisions (every run that was not resumed) shares this empty list.
const NO_APPROVALS: readonly ApprovalRecord[] = Object.freeze([]);

/** What the engine needs to create a run. */
export interface RunFields {
  task: string;
  maxSteps: number;
  model: ChatModel;
  tools: ReadonlyMap<string, Tool>;
  /**
   * The run's signal; undefined when nothing can abort the run: its model and tool calls then get
   * no signal (the SDK composes one of its own per signal; a tool call listens to the one it gets).
   */
  signal: AbortSignal | undefined;
  listeners: readonly ((event: AgentEvent | CustomEvent) => void)[];
  toolTimeoutMs: number | undefined;
  modelTimeoutMs: number | undefined;
  stepRunner: StepRunner;
  /** The schema the final answer must match, prepared; undefined for an answer of any shape. */
  output?: StructuredOutput | undefined;
  /** What snapshots call the agent (see AgentProtocol.kind). */
  kind: string;
  /** The tools' names and schema hashes, for snapshots. */
  toolFingerprints: () => RunSnapshot['tools'];
  /** The earlier turns the run started with. */
  history: readonly ChatMessage[];
  /** Set when the run continues a snapshot. */
  resume?: ResumeFrom | undefined;
  /** Stream each model call's reply to the listeners as delta events (run option `deltas`). */
  deltas?: boolean | undefined;
  /** A promise while the listener's consumer is behind (see streamRunEvents): streaming model calls wait for it. */
  backpressure?: (() => Promise<void> | undefined) | undefined;
}

/** What a resumed run continues from. */
export interface ResumeFrom {
  snapshot: RunSnapshot;
  /** The snapshot's decisions and the new ones. */
  approvals: readonly ApprovalRecord[];
}

/**
 * The engine behind AgentRun; `executeRun` drives it. It is its own tool path's context too (see
 * InvocationContext): one object per run rather than one more with a closure per member, since a
 * run in flight holds all of it.
 */
export class RunEngine<Event extends CustomEvent = never> implements AgentRun<Event>, InvocationContext {
  readonly id: string;
  readonly task: string;
  readonly maxSteps: number;
  readonly scope: RunScope;
  readonly usage: RunUsage = emptyUsage();
  readonly messages: ChatMessage[] = [];
  /** Normal steps begun; the final attempt does not count. */
  stepsTaken = 0;
  #step = 0;
  #finalAttempt = false;
  #seq = 0;
  readonly #fields: RunFields;
  // The attempt of the current step's model call (from 1), and the last step whose answer streamed.
  #attempt = 1;
  #answerStreamedIn = 0;
  #signal: AbortSignal | undefined;
  // Made by the answer: a run in flight has none yet.
  #finalizer: Finalizer | undefined;
  // The run keeps its own record of every step, whoever else listens.
  readonly #recorder = new StepRecorder();
  readonly #journal: RunJournal;
  readonly #approvals: readonly ApprovalRecord[];
  // What the run waits for, once a step asked for approvals it has no decision on: made with the
  // first, as most runs ask for none.
  #pending: PendingApproval[] | undefined;
  // The agents its tools ran (asTool): made at first use, as most runs call none.
  #subRuns: SubRuns | undefined;
  // A resumed run retells the steps its snapshot recorded without telling listeners again: events of
  // steps before this one, and of the recorded work in it, are kept in the step records only.
  readonly #liveFrom: number;
  // The protocol's part of the run, whose streamModelCall reads streaming model calls.
  #protocolRun: ProtocolRun | undefined;

  constructor(fields: RunFields) {
    this.#fields = fields;
    const { resume } = fields;
    this.id = resume?.snapshot.runId ?? newRunId();
    const liveFrom =
      resume === undefined
        ? 1
        : resume.snapshot.status === 'awaiting_approval'
          ? resume.snapshot.step
          : resume.snapshot.step + 1;
    this.#liveFrom = liveFrom;
    this.#journal = resume === undefined ? new RunJournal() : new RunJournal(resume.snapshot.journal, liveFrom);
    this.#approvals = resume === undefined ? NO_APPROVALS : [...resume.approvals];
    if (resume !== undefined && resume.snapshot.subRuns.length > 0) {
      this.#subRuns = new SubRuns(this, resume.snapshot.subRuns);
    }
    this.task = fields.task;
    this.maxSteps = fields.maxSteps;
    this.scope = createRunScope(this.id);
    attachSubRunHooks(this.scope, this);
  }

  /** Aborted when the run is; a run nothing can abort makes one only when asked for it. */
  get signal(): AbortSignal {
    this.#signal ??= this.#fields.signal ?? new AbortController().signal;
    return this.#signal;
  }

  /** The run's signal, or undefined when nothing can abort the run. */
  get cancelSignal(): AbortSignal | undefined {
    return this.#fields.signal;
  }

  /** The run's tools by name. */
  get tools(): ReadonlyMap<string, Tool> {
    return this.#fields.tools;
  }

  /** The deadline of a tool call whose tool sets none. */
  get toolTimeoutMs(): number | undefined {
    return this.#fields.toolTimeoutMs;
  }

  /** The seam every model call and tool execution goes through. */
  get stepRunner(): StepRunner {
    return this.#fields.stepRunner;
  }

  /** The record of completed steps (and, on resume, the steps to replay). */
  get journal(): RunJournal {
    return this.#journal;
  }

  get modelName(): string {
    return this.#fields.model.modelName;
  }

  /** The run's output schema, prepared; undefined when it has none. */
  get structuredOutput(): StructuredOutput | undefined {
    return this.#fields.output;
  }

  get step(): number {
    return this.#step;
  }

  get isFinalAttempt(): boolean {
    return this.#finalAttempt;
  }

  get transcript(): readonly ChatMessage[] {
    return this.messages;
  }

  get answer(): FinalAnswer | undefined {
    return this.#finalizer?.get();
  }

  /** The step records so far; they become `RunResult.steps`. */
  get steps(): readonly StepRecord[] {
    return this.#recorder.steps;
  }

  /** Starts step `step` (`maxSteps + 1` for the final attempt) with its `step-start` event. */
  beginStep(step: number, finalAttempt: boolean): void {
    // A replay that reaches a new step with recorded work of an earlier one left did not retrace it.
    if (this.#journal.replaying) this.#journal.checkStepDone(step);
    this.#step = step;
    this.#finalAttempt = finalAttempt;
    if (!finalAttempt) this.stepsTaken = step;
    const replayed = this.#journal.replays(modelStepId(step));
    this.emitCore({ type: 'step-start', maxSteps: this.maxSteps, finalAttempt }, replayed);
  }

  append(...messages: ChatMessage[]): void {
    this.messages.push(...messages);
  }

  // Not async, like the journal and the model call it chains: a run waits here for the model for most
  // of its life, and every async frame in that wait is memory each run in flight holds.
  callModel(request: ModelRequest): Promise<ChatResponse> {
    const step = this.#step;
    const id = modelStepId(step);
    const replayed = this.#journal.replays(id);
    this.emitCore(
      {
        type: 'model-request',
        messageCount: this.messages.length,
        temperature: request.temperature,
        toolsOffered: request.tools !== undefined && request.tools.length > 0 && request.toolChoice !== 'none',
      },
      replayed,
    );
    const started = performance.now();
    this.#attempt = 1;
    const relay = !replayed && this.#relaysDeltas() ? this.#deltaRelay() : undefined;
    const runner = this.#fields.stepRunner;
    let received: Promise<ChatResponse>;
    try {
      // The seam records the checked, redacted reply: a replay needs neither the model nor the check.
      const recorded = this.#journal.begin(id);
      if (recorded !== undefined) {
        received = Promise.resolve(this.#received(recorded.result as ChatResponse, replayed, started));
      } else if (runner.run === directStepRunner.run) {
        // The usual seam, which runs the call as it comes: one callback checks, records and reads the
        // reply, where a seam of the user's gets the check as part of the work. Every promise in
        // this chain is memory a run in flight holds while it waits on the model. Compared by its
        // `run`, read at each call: a runner that hands its steps to the direct seam (@tinyagent/otel's
        // when nothing is traced) runs them as it does.
        received = this.#send(request, relay).then((reply) =>
          this.#settle(id, this.#check(reply, relay), relay, started),
        );
      } else {
        received = this.#callThrough(runner, id, request, relay, started);
      }
    } catch (error) {
      received = Promise.reject(error);
    }
    if (relay === undefined) return received;
    // Nor one whose call failed, or was abandoned at an abort.
    return received.catch((error: unknown) => {
      relay.close();
      throw error;
    });
  }

  // A model call through a step runner of the user's, whose work is the call and its check. A method
  // of its own, so that callModel's callback holds only what the direct seam's needs.
  #callThrough(
    runner: StepRunner,
    id: string,
    request: ModelRequest,
    relay: DeltaRelay | undefined,
    started: number,
  ): Promise<ChatResponse> {
    return runner
      .run(id, () => this.#send(request, relay).then((reply) => this.#check(reply, relay)))
      .then((response) => this.#settle(id, response, relay, started));
  }

  // Sends the request with the transcript; resolves with the model's reply as it came.
  #send(request: ModelRequest, relay: DeltaRelay | undefined): Promise<ChatResponse> {
    const { model, signal, modelTimeoutMs } = this.#fields;
    // A run nothing can cancel sends no signal (the SDK composes one of its own for each it gets);
    // one that can settles at the abort even when the model is slow to honour its signal.
    // Built field by field, not from a spread of the protocol's request: every model call builds one.
    // Typed to name every field of ModelRequest, so one added to ChatRequest fails to compile here
    // rather than being dropped on its way to the model.
    const chatRequest: ChatRequest & Record<keyof ModelRequest, unknown> = {
      messages: this.messages,
      temperature: request.temperature,
      tools: request.tools,
      toolChoice: request.toolChoice,
      stop: request.stop,
      timeoutMs: modelTimeoutMs,
      onRetry: this.#onRetry,
      signal,
      onDelta: relay?.onDelta,
    };
    let reply: Promise<ChatResponse>;
    try {
      reply = model.complete(chatRequest);
    } catch (error) {
      // A ChatModel of the user's may throw instead of rejecting; the run sees a rejection either way.
      return Promise.reject(error);
    }
    return raceAbort(reply, chatRequest.signal);
  }

  // The reply checked and with known secrets redacted: what the seam records.
  #check(response: ChatResponse, relay: DeltaRelay | undefined): ChatResponse {
    const checked = redactReply(checkChatResponse(response, this.#fields.model.modelName));
    relay?.finish();
    return checked;
  }

  // A live call's reply: recorded, then counted and told like a replayed one.
  #settle(id: string, response: ChatResponse, relay: DeltaRelay | undefined, started: number): ChatResponse {
    this.#journal.record(id, response);
    // A model that goes on streaming after its call settled is not heard.
    relay?.close();
    return this.#received(response, false, started);
  }

  #received(response: ChatResponse, replayed: boolean, started: number): ChatResponse {
    addUsage(this.usage, response.usage);
    // Built field by field, not from spreads of temporary objects: every model turn emits one.
    const event: EventInput<ModelResponseEvent> = {
      type: 'model-response',
      content: response.content,
      toolCalls: response.toolCalls,
      finishReason: response.finishReason,
      usage: response.usage,
      durationMs: performance.now() - started,
    };
    if (response.model !== undefined) event.responseModel = response.model;
    if (response.reasoning !== undefined) event.reasoning = response.reasoning;
    this.emitCore(event, replayed);
    throwIfDeclined(response, this.#fields.model.modelName);
    return response;
  }

  // One per run, not per call: a retried call can take minutes, and each retry is an event, so the
  // wait is never silent.
  readonly #onRetry = (retry: ModelRetry): void => {
    this.#attempt = retry.attempt + 1;
    this.emitCore({ type: 'model-retry', ...retry });
  };

  // Deltas are relayed only when asked for and someone listens: otherwise nothing streams.
  #relaysDeltas(): boolean {
    return this.#fields.deltas === true && this.#fields.listeners.length > 0;
  }

  /** The protocol's part of the run: the pieces of each streaming model call go to its streamModelCall. */
  setProtocolRun(protocolRun: ProtocolRun): void {
    this.#protocolRun = protocolRun;
  }

  #deltaRelay(): DeltaRelay {
    return new DeltaRelay({
      step: this.#step,
      // Straight to the listeners: a delta is no part of the step records and is never retold (no
      // relay is made for a replayed call), and a reply streams thousands of them.
      emit: (input) => {
        if (input.type === 'answer-delta') this.#answerStreamedIn = this.#step;
        this.#notify({ ...input, runId: this.id, step: this.#step, seq: ++this.#seq });
      },
      streamModelCall: this.#protocolRun?.streamModelCall?.bind(this.#protocolRun),
      backpressure: this.#fields.backpressure,
    });
  }

  runStep<Result>(name: string, work: () => Promise<Result>): Promise<Result> {
    if (!STEP_NAME.test(name) || name === 'model' || name.startsWith('tool/')) {
      const said = `runStep: '${name}' is not a step name of an agent's own`;
      return Promise.reject(
        new ConfigurationError(`${said}: use letters, digits, '-', '_', '.' and '/', not 'model' or 'tool/...'.`),
      );
    }
    return this.#journal.run(this.#fields.stepRunner, `${this.#step}/${name}`, work);
  }

  requestApproval(request: ApprovalRequest): Promise<ApprovalDecision> {
    const decision = this.decision(this.#step, request.callId);
    if (decision === undefined) {
      this.addPendingApproval({ ...request, step: this.#step });
      return Promise.reject(new RunPaused());
    }
    this.emitCore(approvalResolved(request.callId, decision));
    return Promise.resolve(decision);
  }

  /** Throws ReplayDivergedError when recorded steps of a resumed run's snapshot were never replayed. */
  checkReplayDone(): void {
    if (this.#journal.replaying) this.#journal.checkStepDone(Number.POSITIVE_INFINITY);
  }

  /** The run as a snapshot: plain JSON data from which `agent.resume` continues it. */
  snapshot(): RunSnapshot {
    const fields = this.#fields;
    const paused = this.#pending !== undefined;
    return {
      version: SNAPSHOT_VERSION,
      agent: fields.kind,
      runId: this.id,
      task: redactSecrets(this.task),
      history: redactValue<ChatMessage[]>([...fields.history]),
      maxSteps: this.maxSteps,
      status: paused ? 'awaiting_approval' : 'running',
      step: this.#step,
      stepsTaken: this.stepsTaken,
      usage: { ...this.usage },
      tools: fields.toolFingerprints(),
      // A copy, like the history: redactValue gives back the list itself when it holds no secret,
      // and the run goes on appending to it after the snapshot was handed out.
      transcript: redactValue<ChatMessage[]>([...this.messages]),
      journal: [...this.#journal.entries],
      approvals: [...this.#approvals],
      pendingApprovals: [...(this.#pending ?? [])],
      subRuns: this.#subRuns?.snapshot() ?? [],
      takenAt: new Date().toISOString(),
    };
  }

  /** What the agents this run's tools run (asTool) share with it; made when the first one asks. */
  subRunHooks(): SubRunHooks {
    this.#subRuns ??= new SubRuns(this);
    return this.#subRuns;
  }

  /** The decisions taken in the current step on calls whose ids begin with `prefix`, by the rest of the id. */
  decisionsUnder(prefix: string): Record<string, ApprovalDecision> {
    const decisions: Record<string, ApprovalDecision> = {};
    for (const record of this.#approvals) {
      if (record.step === this.#step && record.callId.startsWith(prefix)) {
        decisions[record.callId.slice(prefix.length)] = record.decision;
      }
    }
    return decisions;
  }

  /** Tells the run's listeners an event (a sub-run's, say), as it is. */
  tell(event: AgentEvent | CustomEvent): void {
    this.#notify(event);
  }

  /** The decision taken on call `callId` of step `step`, if any. */
  decision(step: number, callId: string): ApprovalDecision | undefined {
    return this.#approvals.find((record) => record.step === step && record.callId === callId)?.decision;
  }

  /** Marks a call as waiting for approval, with its `approval-requested` event. */
  addPendingApproval(pending: PendingApproval): void {
    this.#pending = this.#pending === undefined ? [pending] : appended(this.#pending, pending);
    this.emitCore({ type: 'approval-requested', approval: pending });
  }

  /** Whether the sub-agent run by call `callId` paused for approval. */
  subRunPaused(callId: string): boolean {
    return this.#pending?.some((entry) => entry.callId.startsWith(`${callId}/`)) === true;
  }

  /** Takes the usage of the sub-agent run by call `callId`, if one finished. */
  takeSubRunUsage(callId: string): RunUsage | undefined {
    return this.#subRuns?.takeUsage(callId);
  }

  /** Adds a sub-agent's usage to the run's. */
  addUsage(usage: RunUsage): void {
    mergeUsage(this.usage, usage);
  }

  invokeTool(call: ToolCallRequest, options?: InvokeOptions): Promise<ToolCallOutcome> {
    return invokeTool(this, this.#step, call, options);
  }

  invokeTools(calls: readonly ToolCallRequest[], options: InvokeToolsOptions = {}): Promise<ToolCallOutcome[]> {
    const { maxParallel } = options;
    // Below 1 (or NaN), no call would run and the outcomes would have holes.
    if (maxParallel !== undefined && !(maxParallel >= 1)) {
      const said = 'invokeTools: maxParallel must be at least 1, or left out to run all calls at once';
      return Promise.reject(new ConfigurationError(`${said}; got ${String(maxParallel)}.`));
    }
    return invokeTools(this, this.#step, calls, maxParallel ?? calls.length, options);
  }

  correct(reason: string, message: string): void {
    this.messages.push({ role: 'user', content: message });
    this.emitCore({ type: 'correction', reason, message });
  }

  finish(value: unknown, metadata?: Record<string, unknown>): void {
    const accepted = acceptAnswer(this, this.#fields.output, value);
    if (accepted === undefined) return;
    const source = this.#finalAttempt ? 'final_attempt' : 'normal';
    this.#finalizer ??= new Finalizer();
    const answer = this.#finalizer.set(accepted.value, { source, metadata });
    // An answer the protocol could not stream (the code agent's comes from running code; a structured
    // answer need not be a string in the reply) still reaches delta consumers, whole, before the end.
    if (this.#relaysDeltas() && this.#answerStreamedIn !== this.#step) {
      this.emitCore({
        type: 'answer-delta',
        attempt: this.#attempt,
        text: redactSecrets(stringifyResult(answer.value)),
      });
    }
    this.emitCore({ type: 'final-answer', answer });
  }

  emit(event: EventInput<Event>): void {
    // A `tool-end` of the agent's own would pass for one of core's, with none of its guarantees.
    if (CORE_EVENT_TYPES.has(event.type)) {
      throw new ConfigurationError(
        `emit: '${event.type}' is one of core's event types; give the agent's event a type of its own.`,
      );
    }
    const full = { ...event, runId: this.id, step: this.#step, seq: ++this.#seq } as CustomEvent;
    this.#recorder.recordAgentEvent(full);
    if (!this.#retold(false, full.type)) this.#notify(full);
  }

  /** Emits one of core's events; `replayed` when it retells work a resumed run's snapshot recorded. */
  emitCore(input: AgentEventInput, replayed = false): void {
    const seq = ++this.#seq;
    this.#recorder.record(input, this.#step);
    // Without listeners, no event object is built at all: the recorder reads no envelope.
    if (this.#fields.listeners.length === 0 || this.#retold(replayed, input.type)) return;
    this.#notify({ ...input, runId: this.id, step: this.#step, seq });
  }

  // An event listeners of the resumed run were already told (run-start and run-end are its own).
  #retold(replayed: boolean, type: string): boolean {
    return (replayed || this.#step < this.#liveFrom) && type !== 'run-start' && type !== 'run-end';
  }

  #notify(event: AgentEvent | CustomEvent): void {
    // A broken listener must not break the run it observes; events never wait for a listener.
    for (const listener of this.#fields.listeners) void callListener(listener, event, listenerFailed);
  }
}

function listenerFailed(event: AgentEvent | CustomEvent): string {
  return `An event listener threw on '${event.type}'`;
}
