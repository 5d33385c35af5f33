// Worker side: what one execution accumulates (output, its answer, tool calls) and the blocking host
// call that takes a tool call (or a clock read) to the main thread and waits for its reply. Everything
// kept here is bounded by the sandbox's limits, however often the code calls out: it is host memory,
// outside the sandbox's.

import { receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { CONTROL } from './worker-protocol.ts';
import type { AnswerRecord, ExecutionOutcome, HostCallIdentity, HostReply, WorkerMessage } from './worker-protocol.ts';

/** The limits an execution enforces on the worker side. */
export interface ExecutionLimits {
  timeoutMs: number;
  memoryBytes: number;
  maxOutputChars: number;
  maxToolCalls: number;
}

/** Which execution of which sandbox a state belongs to, and where its clock reads go. */
export interface ExecutionIdentity {
  sandboxId: number;
  executionId: number;
  /** True: each clock read is a host call (see `ExecuteMessage.hostClock`). */
  hostClock: boolean;
}

/** Clock reads one execution may make when each is a recorded step (see `readClock`). */
export const MAX_RECORDED_CLOCK_READS = 1_000;

/** Answers longer than this cross the thread boundary cut; the agent keeps far fewer characters anyway. */
export const MAX_ANSWER_TRANSFER = 1_000_000;
// One tool call may pass at most this share of the sandbox's memory as JSON arguments: the host parses
// them on the main thread, and events and tools may hold on to them.
const ARGUMENT_SHARE_OF_MEMORY = 8;
// How long a tool call busy-waits for its reply before sleeping in Atomics.wait. Sandbox tools are
// synchronous and most answer within microseconds, while waking a sleeping thread costs tens of
// microseconds on a virtual machine (a 48 µs round trip against 4 µs spinning, measured on the
// bench machine), which made that wake-up most of a tool call's cost. A slow tool costs at most
// this much spinning per call.
const TOOL_REPLY_SPIN_MS = 0.05;

/** The channel a sandbox uses to reach the main thread. */
export interface HostChannel {
  control: Int32Array;
  toolPort: MessagePort;
  post(message: WorkerMessage): void;
}

/** An error to throw into the guest from a host function: only its `name` and `message` cross. */
export function guestError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/** The running state of one execution inside a worker. */
export class ExecutionState {
  readonly sandboxId: number;
  readonly executionId: number;
  readonly hostClock: boolean;
  readonly deadline: number;
  timedOut = false;
  aborted = false;
  toolCalls = 0;
  answer: AnswerRecord | undefined;
  answerCalls = 0;
  readonly #limits: ExecutionLimits;
  readonly #channel: HostChannel;
  #output = '';
  #outputCut = false;
  #nextCallId = 0;
  #toolCallsPosted = 0;
  #clockReads = 0;

  /** Starts an execution: replies still queued on the worker's tool port belong to earlier ones and are dropped. */
  constructor(identity: ExecutionIdentity, limits: ExecutionLimits, channel: HostChannel) {
    this.sandboxId = identity.sandboxId;
    this.executionId = identity.executionId;
    this.hostClock = identity.hostClock;
    this.deadline = Date.now() + limits.timeoutMs;
    this.#limits = limits;
    this.#channel = channel;
    while (receiveMessageOnPort(channel.toolPort) !== undefined) {
      // A late reply of an earlier execution (its deadline passed, or it was aborted): never ours.
    }
  }

  /** Polled by QuickJS while code runs: true stops the code (deadline passed, or the run aborted). */
  shouldStop(): boolean {
    if (Date.now() > this.deadline) this.timedOut = true;
    else if (Atomics.load(this.#channel.control, CONTROL.interrupt) === this.executionId) this.aborted = true;
    return this.timedOut || this.aborted;
  }

  get printed(): boolean {
    return this.#output.length > 0;
  }

  /** Appends one console line, keeping at most `maxOutputChars` characters. */
  print(line: string): void {
    if (this.#outputCut) return;
    const room = this.#limits.maxOutputChars - this.#output.length;
    if (line.length + 1 > room) {
      this.#output += `${line}\n`.slice(0, Math.max(room, 0));
      this.#outputCut = true;
      return;
    }
    this.#output += `${line}\n`;
  }

  /**
   * Records a final_answer call; the main thread decides what two calls mean. Only the first answer is
   * read (`read` copies it out of QuickJS): a second call is an error anyway, and code calling it in a
   * loop would otherwise pile a copy per call on the host.
   */
  submitAnswer(read: () => string, length: number, isString: boolean): void {
    this.answerCalls += 1;
    if (this.answerCalls > 1) return;
    const text = read();
    this.answer = {
      text: text.slice(0, MAX_ANSWER_TRANSFER),
      isJson: !isString,
      length: Math.max(length, text.length),
    };
  }

  /**
   * Sends a tool call to the main thread and blocks until its reply arrives, the deadline passes or the
   * run aborts. Returns the reply encoded for the guest prelude: `u`, `s<text>`, `j<json>` or `e<json>`.
   */
  callTool(name: string, argumentsJson: string | undefined): string {
    this.toolCalls += 1;
    if (this.toolCalls > this.#limits.maxToolCalls) {
      throw guestError(
        'ToolCallLimitError',
        `More than ${this.#limits.maxToolCalls} tool calls in one execution; call tools fewer times per step.`,
      );
    }
    this.#checkArgumentSize(name, argumentsJson);
    const ordinal = ++this.#toolCallsPosted;
    return encodeReply(
      this.#callHost((identity) => ({ type: 'tool-call', ...identity, ordinal, name, argumentsJson })),
    );
  }

  /**
   * Reads the clock for the guest: the worker's own, or, when the host keeps the clock (to record each
   * reading or answer it from a journal), the main thread's reply. Milliseconds since the epoch.
   */
  readClock(): number {
    if (!this.hostClock) return Date.now();
    // Each reading is a step the run records: code that busy-waits on the clock would grow the run's
    // journal without bound within its deadline.
    if (this.#clockReads >= MAX_RECORDED_CLOCK_READS) {
      throw guestError(
        'RangeError',
        `More than ${MAX_RECORDED_CLOCK_READS} clock reads in one execution: each is recorded so that the run ` +
          'can be resumed. Read the clock once and reuse the value; do not wait in a loop on Date.now().',
      );
    }
    const ordinal = ++this.#clockReads;
    const reply = this.#callHost((identity) => ({ type: 'clock-read', ...identity, ordinal }));
    if (!reply.ok) throw guestError(reply.name, reply.message);
    // The main thread checked the reading: a finite number, sent as JSON.
    return reply.kind === 'json' ? Number(reply.text) : Number.NaN;
  }

  // Posts a host call and blocks until its reply arrives, the deadline passes or the run aborts.
  #callHost(message: (identity: Omit<HostCallIdentity, 'ordinal'>) => WorkerMessage): HostReply {
    const callId = ++this.#nextCallId;
    const { control } = this.#channel;
    Atomics.store(control, CONTROL.toolReply, 0);
    this.#channel.post(message({ sandboxId: this.sandboxId, executionId: this.executionId, callId }));
    const spinUntil = performance.now() + TOOL_REPLY_SPIN_MS;
    for (;;) {
      const reply = this.#takeReply(callId) ?? (Atomics.store(control, CONTROL.toolReply, 0), this.#takeReply(callId));
      if (reply !== undefined) return reply;
      if (this.shouldStop()) throw guestError('InternalError', 'interrupted');
      while (Atomics.load(control, CONTROL.toolReply) === 0 && performance.now() < spinUntil) {
        // Busy-wait: see TOOL_REPLY_SPIN_MS.
      }
      Atomics.wait(control, CONTROL.toolReply, 0, Math.max(this.deadline - Date.now(), 0) + 1);
    }
  }

  #checkArgumentSize(name: string, argumentsJson: string | undefined): void {
    const { memoryBytes } = this.#limits;
    const maxChars = Math.floor(memoryBytes / ARGUMENT_SHARE_OF_MEMORY);
    if (argumentsJson === undefined || argumentsJson.length <= maxChars) return;
    throw guestError(
      'ToolInputError',
      `Tool '${name}' got ${argumentsJson.length} characters of JSON arguments, more than the ${maxChars} one call ` +
        `from this sandbox may pass (an eighth of its ${Math.round(memoryBytes / 1024 / 1024)} MiB of memory); ` +
        'pass less data per call.',
    );
  }

  // A reply that arrives after its call gave up (deadline, abort) may still sit on the port: anything
  // but the reply to this very call of this execution of this sandbox is dropped here.
  #takeReply(callId: number): HostReply | undefined {
    for (;;) {
      const received = receiveMessageOnPort(this.#channel.toolPort);
      if (received === undefined) return undefined;
      const reply = received.message as HostReply;
      if (reply.sandboxId === this.sandboxId && reply.executionId === this.executionId && reply.callId === callId) {
        return reply;
      }
    }
  }

  /** The outcome to send back, without error or reset (the sandbox adds those). */
  outcome(lastValue: string | undefined): ExecutionOutcome {
    const notice = this.#outputCut ? `\n[output cut at ${this.#limits.maxOutputChars} characters]` : '';
    return {
      output: this.#output + notice,
      lastValue,
      error: undefined,
      answer: this.answer,
      answerCalls: this.answerCalls,
      timedOut: this.timedOut,
      aborted: this.aborted,
      reset: undefined,
      toolCalls: this.toolCalls,
    };
  }
}

function encodeReply(reply: HostReply): string {
  if (!reply.ok) return `e${JSON.stringify({ name: reply.name, message: reply.message })}`;
  if (reply.kind === 'undefined') return 'u';
  return `${reply.kind === 'string' ? 's' : 'j'}${reply.text}`;
}
