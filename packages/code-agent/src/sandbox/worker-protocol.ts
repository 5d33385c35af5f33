// The messages between the main thread and a sandbox worker. Only plain data crosses: strings,
// numbers and booleans; never a live object of either side.

import type { MessagePort } from 'node:worker_threads';
import type { ResolvedLimits } from './sandbox-limits.ts';

/** Slots of a sandbox's shared Int32Array: every sandbox has its own, so no signal reaches another. */
export const CONTROL = {
  /** 0 while the worker waits for a reply to a host call (a tool call, a clock read), 1 once it is posted. */
  toolReply: 0,
  /** The id of an execution the main thread wants stopped (abort); the interrupt handler reads it. */
  interrupt: 1,
  /**
   * The id of the last execution the worker started on this sandbox, or GATE_CLOSED once the main thread
   * forbade any further start (its worker is being replaced and the queued execution moves elsewhere).
   */
  started: 2,
  /** The id of the last execution whose result (or failure) the worker posted, set just before posting. */
  finished: 3,
} as const;

/** Length of the shared control array. */
export const CONTROL_LENGTH = 4;

/** Written to `CONTROL.started` by the main thread: the worker starts no execution of this sandbox any more. */
export const GATE_CLOSED = -1;

/** A sandbox's own line to the main thread, handed to the worker when the sandbox is created. */
export interface SandboxLine {
  control: SharedArrayBuffer;
  /** The worker reads host-call replies from this port synchronously (receiveMessageOnPort). */
  toolPort: MessagePort;
}

/** Main thread → worker. */
export type HostMessage =
  | ({ type: 'create'; sandboxId: number; limits: ResolvedLimits; toolNames: readonly string[] } & SandboxLine)
  | ({ type: 'execute'; sandboxId: number } & ExecuteMessage)
  | { type: 'dispose'; sandboxId: number };

/** 128 bits that seed the guest's `Math.random` for one execution: four unsigned 32-bit integers. */
export type RandomSeed = readonly [number, number, number, number];

/** One execution, as the worker receives it. */
export interface ExecuteMessage {
  executionId: number;
  code: string;
  typescript: boolean;
  seed: RandomSeed;
  /**
   * True when every clock read of the guest must go to the main thread (to be recorded, or answered
   * from a journal); false reads the worker's own clock, which costs no round trip.
   */
  hostClock: boolean;
}

/** An error raised by model code, as plain data. */
export interface GuestError {
  name: string;
  message: string;
  /** 1-based line in the model's code, when known. */
  line: number | undefined;
}

/** One `final_answer` call: its text (the string itself, or JSON), and the full length before any cut. */
export interface AnswerRecord {
  text: string;
  isJson: boolean;
  length: number;
}

/** Why the worker had to replace an execution's sandbox with a fresh one (its state is gone). */
export type ResetReason = 'memory' | 'stack' | 'runaway_jobs' | 'crash';

/** What one execution produced. */
export interface ExecutionOutcome {
  /** Captured console output, truncation notice included. */
  output: string;
  /** The last expression's value as a person would read it; set when nothing was printed. */
  lastValue: string | undefined;
  error: GuestError | undefined;
  /** The first `final_answer` of the execution; later ones are only counted. */
  answer: AnswerRecord | undefined;
  /** How many times `final_answer` was called. */
  answerCalls: number;
  timedOut: boolean;
  aborted: boolean;
  reset: ResetReason | undefined;
  toolCalls: number;
}

/**
 * Whose host call (tool call or clock read) a message is about. A worker hosts the sandboxes of many
 * users at once, a sandbox's port serves each of its executions in turn, and call ids restart in each execution: a reply
 * carries the whole identity back, so a late one can never be read as the reply to a call of another
 * execution or sandbox, nor a tool's reply as a clock reading.
 */
export interface HostCallIdentity {
  sandboxId: number;
  /** Unique in the process: execution ids never restart. */
  executionId: number;
  /** 1, 2, … within one execution, over tool calls and clock reads alike. */
  callId: number;
  /** 1, 2, … among the execution's calls of this kind: the n-th tool call, the n-th clock read. */
  ordinal: number;
}

/** Worker → main thread. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'created'; sandboxId: number; durationMs: number }
  | { type: 'create-failed'; sandboxId: number; message: string }
  | ({ type: 'tool-call'; name: string; argumentsJson: string | undefined } & HostCallIdentity)
  | ({ type: 'clock-read' } & HostCallIdentity)
  | { type: 'started'; sandboxId: number; executionId: number }
  | { type: 'sandbox-failed'; sandboxId: number; executionId: number; message: string }
  | { type: 'result'; sandboxId: number; executionId: number; outcome: ExecutionOutcome };

/** What a host call answers: a value for the guest (nothing, a string or JSON), or an error. */
export type HostReplyBody =
  | { ok: true; kind: 'undefined' }
  | { ok: true; kind: 'string' | 'json'; text: string }
  | { ok: false; name: string; message: string };

/** The reply to a host call whose execution was stopped (an abort, a failing step): the guest reads an error. */
export const STOPPED_REPLY: HostReplyBody = { ok: false, name: 'Error', message: 'The execution was stopped.' };

/** The main thread's answer to a host call, posted on the tool port with the call's identity. */
export type HostReply = Omit<HostCallIdentity, 'ordinal'> & HostReplyBody;
