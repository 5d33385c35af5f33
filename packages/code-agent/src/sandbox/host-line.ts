import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { CONTROL, CONTROL_LENGTH, GATE_CLOSED } from './worker-protocol.ts';
import type { HostReply, SandboxLine } from './worker-protocol.ts';

/**
 * The main thread's end of one sandbox's line to its worker: the replies to its host calls and the
 * interrupts of its executions. A worker hosts many sandboxes, so each has its own shared control
 * array and reply port; a flag raised for one sandbox never wakes, stops or answers another.
 */
export class HostLine {
  /** The worker's end, sent with the sandbox's `create` message (its port transferred). */
  readonly workerEnd: SandboxLine;
  readonly #control: Int32Array;
  readonly #port: MessagePort;

  constructor() {
    const control = new SharedArrayBuffer(CONTROL_LENGTH * Int32Array.BYTES_PER_ELEMENT);
    const { port1, port2 } = new MessageChannel();
    this.workerEnd = { control, toolPort: port2 };
    this.#control = new Int32Array(control);
    this.#port = port1;
  }

  /** Hands a host call its reply (a tool result, a clock reading) and wakes the sandbox waiting for it. */
  reply(reply: HostReply): void {
    this.#port.postMessage(reply);
    Atomics.store(this.#control, CONTROL.toolReply, 1);
    Atomics.notify(this.#control, CONTROL.toolReply);
  }

  /**
   * Asks the worker to stop an execution at the next interrupt check, or at once if it waits on a
   * tool; an execution still queued behind others on its worker stops at its first check.
   */
  interrupt(executionId: number): void {
    Atomics.store(this.#control, CONTROL.interrupt, executionId);
    // Raising the reply flag too means a worker that has not reached Atomics.wait yet does not
    // sleep through this wake-up: it finds no reply, checks for the interrupt and stops.
    Atomics.store(this.#control, CONTROL.toolReply, 1);
    Atomics.notify(this.#control, CONTROL.toolReply);
  }

  /**
   * True once the worker has finished execution `executionId` and posted its result, whether or not the
   * main thread has received it yet (a busy main thread hears of it late).
   */
  hasFinished(executionId: number): boolean {
    // The array holds 32-bit integers: an id past 2^31 is stored wrapped, and compared wrapped.
    return Atomics.load(this.#control, CONTROL.finished) === (executionId | 0);
  }

  /**
   * Forbids the worker to start any further execution of this sandbox, for good. True when execution
   * `executionId` had not started: then it never will, and nothing of it ever ran.
   */
  closeGate(executionId: number): boolean {
    return Atomics.exchange(this.#control, CONTROL.started, GATE_CLOSED) !== (executionId | 0);
  }

  /** Closes the main thread's port; replies after this are dropped. */
  close(): void {
    this.#port.close();
  }
}
