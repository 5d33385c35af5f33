import { raceAbort } from '../abort.ts';
import { RunPaused } from './approvals.ts';
import type { ApprovalDecision, ApprovalRecord, ApprovalRequest, PendingApproval } from './approvals.ts';
import { CORE_EVENT_TYPES } from './agent-events.ts';
import type { AgentEvent, AgentEventInput, CustomEvent, EventInput } from './agent-events.ts';
import type { ChatMessage, ChatModel, ChatResponse, ModelRetry } from '../model/chat-model.ts';
import { checkChatResponse } from '../model/chat-response-check.ts';
import { ConfigurationError } from '../errors.ts';
import { Finalizer } from './final-answer.ts';
import type { FinalAnswer } from './final-answer.ts';
import { getLogger } from '../logger.ts';
import { addUsage, emptyUsage, mergeUsage } from './run-result.ts';
import type { RunUsage } from './run-result.ts';
import { describeThrown } from '../tools/stringify.ts';
import { createRunScope } from '../tools/tool.ts';
import type { RunScope, Tool } from '../tools/tool.ts';
import { redactReply, throwIfDeclined } from './model-reply.ts';
import { redactSecrets, redactValue } from '../secrets.ts';
import { RunJournal } from './run-journal.ts';
import { SNAPSHOT_VERSION } from './run-snapshot.ts';
import type { RunSnapshot } from './run-snapshot.ts';
import { createStepRecorder } from './step-records.ts';
import { attachSubRunHooks } from './sub-runs.ts';
import type { SubRunHooks } from './sub-runs.ts';
import type { RunResult } from './run-result.ts';
import type { StepRecord } from './step-records.ts';
import { modelStepId } from './step-runner.ts';
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

/** What the engine needs to create a run. */
export interface RunFields {
  task: string;
  maxSteps: number;
  model: ChatModel;
  tools: ReadonlyMap<string, Tool>;
  signal: AbortSignal;
  /** False when nothing can abort the run: its model calls then get no signal (the SDK composes one per signal). */
  cancellable: boolean;
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

/** The engine behind AgentRun; `executeRun` drives it. */
export class RunEngine<Event extends CustomEvent = never> implements AgentRun<Event> {
  readonly id: string;
  readonly task: string;
  readonly maxSteps: number;
  readonly signal: AbortSignal;
  readonly scope: RunScope;
  readonly usage: RunUsage = emptyUsage();
  readonly messages: ChatMessage[] = [];
  /** Normal steps begun; the final attempt does not count. */
  stepsTaken = 0;
  #step = 0;
  #finalAttempt = false;
  #seq = 0;
  readonly #fields: RunFields;
  readonly #finalizer = new Finalizer();
  // The run keeps its own record of every step, whoever else listens.
  readonly #recorder = createStepRecorder();
  readonly #invocation: InvocationContext;
  readonly #journal: RunJournal;
  readonly #approvals: ApprovalRecord[];
  /** What the run waits for, once a step asked for approvals it has no decision on. */
  readonly pending: PendingApproval[] = [];
  // Sub-agents (asTool) that paused, by `<step>/<callId>`; those that finished, with their usage.
  readonly #subRuns = new Map<string, RunSnapshot>();
  readonly #subRunUsage = new Map<string, RunUsage>();
  // A resumed run retells the steps its snapshot recorded without telling listeners again: events of
  // steps before this one, and of the recorded work in it, are kept in the step records only.
  readonly #liveFrom: number;
  #streamModelCall: ProtocolRun['streamModelCall'];

  constructor(fields: RunFields) {
    this.#fields = fields;
    const { resume } = fields;
    this.id = resume?.snapshot.runId ?? crypto.randomUUID();
    const liveFrom =
      resume === undefined
        ? 1
        : resume.snapshot.status === 'awaiting_approval'
          ? resume.snapshot.step
          : resume.snapshot.step + 1;
    this.#liveFrom = liveFrom;
    this.#journal = resume === undefined ? new RunJournal() : new RunJournal(resume.snapshot.journal, liveFrom);
    this.#approvals = [...(resume?.approvals ?? [])];
    for (const saved of resume?.snapshot.subRuns ?? [])
      this.#subRuns.set(`${saved.step}/${saved.callId}`, saved.snapshot);
    this.task = fields.task;
    this.maxSteps = fields.maxSteps;
    this.signal = fields.signal;
    this.scope = createRunScope(this.id);
    this.#invocation = {
      tools: fields.tools,
      signal: fields.signal,
      scope: this.scope,
      toolTimeoutMs: fields.toolTimeoutMs,
      stepRunner: fields.stepRunner,
      journal: this.#journal,
      decision: (step, callId) => this.#decision(step, callId),
      requestApproval: (pending) => this.#requestApproval(pending),
      subRunPaused: (callId) => this.pending.some((entry) => entry.callId.startsWith(`${callId}/`)),
      takeSubRunUsage: (callId) => {
        const usage = this.#subRunUsage.get(callId);
        this.#subRunUsage.delete(callId);
        return usage;
      },
      addUsage: (usage) => mergeUsage(this.usage, usage),
      emit: (event, replayed) => this.emitCore(event, replayed),
    };
    attachSubRunHooks(this.scope, this.#subRunHooks());
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
    return this.#finalizer.get();
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

  async callModel(request: ModelRequest): Promise<ChatResponse> {
    const fields = this.#fields;
    const { model } = fields;
    const step = this.#step;
    const messages = this.messages;
    const id = modelStepId(step);
    const replayed = this.#journal.replays(id);
    this.emitCore(
      {
        type: 'model-request',
        messageCount: messages.length,
        temperature: request.temperature,
        toolsOffered: request.tools !== undefined && request.tools.length > 0 && request.toolChoice !== 'none',
      },
      replayed,
    );
    const started = performance.now();
    // Settles at the abort even when the model is slow to honour its signal (or ignores it).
    const signal = fields.cancellable ? fields.signal : undefined;
    const deadline = fields.modelTimeoutMs === undefined ? {} : { timeoutMs: fields.modelTimeoutMs };
    // A retried call can take minutes; each retry is an event, so the wait is never silent.
    const onRetry = (retry: ModelRetry): void => this.emitCore({ type: 'model-retry', ...retry });
    const relay = fields.deltas === true && !replayed && fields.listeners.length > 0 ? this.#deltaRelay() : undefined;
    let response: ChatResponse;
    try {
      // The seam records the checked, redacted reply: a replay needs neither the model nor the check.
      response = await this.#journal.run(fields.stepRunner, id, async () => {
        const onDelta = relay?.onDelta;
        const reply = await raceAbort(
          model.complete({ ...request, messages, ...deadline, onRetry, signal, onDelta }),
          signal,
        );
        const checked = redactReply(checkChatResponse(reply, model.modelName));
        relay?.finish();
        return checked;
      });
    } finally {
      // A model that goes on streaming after its call settled (or was abandoned at an abort) is not heard.
      relay?.close();
    }
    addUsage(this.usage, response.usage);
    this.emitCore(
      {
        type: 'model-response',
        content: response.content,
        toolCalls: response.toolCalls,
        finishReason: response.finishReason,
        usage: response.usage,
        ...(response.reasoning === undefined ? {} : { reasoning: response.reasoning }),
        durationMs: performance.now() - started,
      },
      replayed,
    );
    throwIfDeclined(response, model.modelName);
    return response;
  }

  /** Hands the pieces of each streaming model call's text to the protocol's reader (ProtocolRun.streamModelCall). */
  setModelCallStream(hook: ProtocolRun['streamModelCall']): void {
    this.#streamModelCall = hook;
  }

  #deltaRelay(): DeltaRelay {
    return new DeltaRelay({
      step: this.#step,
      emit: (input) => this.emitCore(input),
      streamModelCall: this.#streamModelCall,
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
    const decision = this.#decision(this.#step, request.callId);
    if (decision === undefined) {
      this.#requestApproval({ ...request, step: this.#step });
      return Promise.reject(new RunPaused());
    }
    const reason = decision.approved ? {} : { reason: decision.reason };
    this.emitCore({ type: 'approval-resolved', callId: request.callId, approved: decision.approved, ...reason });
    return Promise.resolve(decision);
  }

  /** Throws ReplayDivergedError when recorded steps of a resumed run's snapshot were never replayed. */
  checkReplayDone(): void {
    if (this.#journal.replaying) this.#journal.checkStepDone(Number.POSITIVE_INFINITY);
  }

  /** The run as a snapshot: plain JSON data from which `agent.resume` continues it. */
  snapshot(): RunSnapshot {
    const fields = this.#fields;
    const paused = this.pending.length > 0;
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
      transcript: redactValue<ChatMessage[]>(this.messages),
      journal: [...this.#journal.entries],
      approvals: [...this.#approvals],
      pendingApprovals: [...this.pending],
      subRuns: [...this.#subRuns].map(([key, snapshot]) => {
        const slash = key.indexOf('/');
        return { step: Number(key.slice(0, slash)), callId: key.slice(slash + 1), snapshot };
      }),
      takenAt: new Date().toISOString(),
    };
  }

  #subRunHooks(): SubRunHooks {
    return {
      // A sub-run's own sub-runs' events come through it already naming their parent.
      notify: (event) => this.#notify({ parentRunId: this.id, ...event }),
      saved: (callId) => {
        const snapshot = this.#subRuns.get(`${this.#step}/${callId}`);
        if (snapshot === undefined) return undefined;
        const prefix = `${callId}/`;
        const approvals: Record<string, ApprovalDecision> = {};
        for (const record of this.#approvals) {
          if (record.step === this.#step && record.callId.startsWith(prefix)) {
            approvals[record.callId.slice(prefix.length)] = record.decision;
          }
        }
        return { snapshot, approvals };
      },
      paused: (callId, result: RunResult) => {
        if (result.snapshot === undefined) return;
        this.#subRuns.set(`${this.#step}/${callId}`, result.snapshot);
        // Not recorded: on resume, the sub-run's usage comes whole with its answer.
        mergeUsage(this.usage, result.usage);
        for (const pending of result.pendingApprovals ?? []) {
          this.#requestApproval({ ...pending, callId: `${callId}/${pending.callId}`, step: this.#step });
        }
      },
      finished: (callId, usage) => {
        this.#subRuns.delete(`${this.#step}/${callId}`);
        this.#subRunUsage.set(callId, usage);
      },
    };
  }

  #decision(step: number, callId: string): ApprovalDecision | undefined {
    return this.#approvals.find((record) => record.step === step && record.callId === callId)?.decision;
  }

  #requestApproval(pending: PendingApproval): void {
    this.pending.push(pending);
    this.emitCore({ type: 'approval-requested', approval: pending });
  }

  invokeTool(call: ToolCallRequest, options?: InvokeOptions): Promise<ToolCallOutcome> {
    return invokeTool(this.#invocation, this.#step, call, options);
  }

  invokeTools(calls: readonly ToolCallRequest[], options: InvokeToolsOptions = {}): Promise<ToolCallOutcome[]> {
    const { maxParallel } = options;
    // Below 1 (or NaN), no call would run and the outcomes would have holes.
    if (maxParallel !== undefined && !(maxParallel >= 1)) {
      const said = 'invokeTools: maxParallel must be at least 1, or left out to run all calls at once';
      return Promise.reject(new ConfigurationError(`${said}; got ${String(maxParallel)}.`));
    }
    return invokeTools(this.#invocation, this.#step, calls, maxParallel ?? calls.length, options);
  }

  correct(reason: string, message: string): void {
    this.messages.push({ role: 'user', content: message });
    this.emitCore({ type: 'correction', reason, message });
  }

  finish(value: unknown, metadata?: Record<string, unknown>): void {
    const accepted = acceptAnswer(this, this.#fields.output, value);
    if (accepted === undefined) return;
    const source = this.#finalAttempt ? 'final_attempt' : 'normal';
    const answer = this.#finalizer.set(accepted.value, { source, metadata });
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
    for (const listener of this.#fields.listeners) {
      try {
        listener(event);
      } catch (error) {
        // A broken listener must not break the run it observes.
        getLogger().warn(`An event listener threw on '${event.type}': ${describeThrown(error)}`);
      }
    }
  }
}
