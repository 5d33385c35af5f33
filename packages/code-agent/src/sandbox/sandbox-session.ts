import { abortReason } from '@tinyagent/core/internal';
import { SandboxError } from './sandbox-error.ts';
import type { ResolvedLimits } from './sandbox-limits.ts';
import { neighbourRunaway } from './runaway-neighbour.ts';
import { HostLine } from './host-line.ts';
import type { SandboxWorker } from './worker-pool.ts';
import { STOPPED_REPLY } from './worker-protocol.ts';
import type { ExecutionOutcome, HostReplyBody, RandomSeed, WorkerMessage } from './worker-protocol.ts';

/** A tool call made by model code, as the main thread receives it. */
export interface ToolCallRequest {
  /** 1, 2, … among the tool calls of the execution. */
  ordinal: number;
  name: string;
  argumentsJson: string | undefined;
}

/** One execution to run in the session's sandbox. */
export interface ExecuteRequest {
  code: string;
  typescript: boolean;
  signal: AbortSignal | undefined;
  /** Seeds the guest's Math.random for this execution. */
  seed: RandomSeed;
  /** Runs a tool on the main thread while the worker waits; never rejects. */
  onToolCall: (call: ToolCallRequest) => Promise<HostReplyBody>;
  /**
   * Answers the execution's `ordinal`-th clock read while the worker waits; never rejects. Without it
   * the worker reads its own clock, which costs no round trip.
   */
  onClockRead?: ((ordinal: number) => Promise<HostReplyBody>) | undefined;
}

interface Flight {
  executionId: number;
  request: ExecuteRequest;
  callerSettled: boolean;
  watchdogFired: boolean;
  /** Armed once the worker starts the execution: it may wait behind the other sandboxes' executions. */
  watch: () => void;
  resolve: (outcome: ExecutionOutcome) => void;
  reject: (error: unknown) => void;
  cleanup: () => void;
  /** Settles once the worker has stopped the execution, after its caller may have moved on. */
  landed: Promise<undefined>;
  land: () => void;
}

let nextSandboxId = 1;
let nextExecutionId = 1;

/** One sandbox on one pooled worker, beside other runs' sandboxes: its state lives as long as the session. */
export class SandboxSession {
  readonly #worker: SandboxWorker;
  readonly #line: HostLine;
  readonly #sandboxId: number;
  readonly #limits: ResolvedLimits;
  #flight: Flight | undefined;
  #closed = false;
  #broken = false;
  // Set once an execution started here: the sandbox then holds state that a lost worker takes with it.
  #ran = false;
  #lostState = false;
  #death: SandboxError | undefined;

  private constructor(worker: SandboxWorker, line: HostLine, sandboxId: number, limits: ResolvedLimits) {
    this.#worker = worker;
    this.#line = line;
    this.#sandboxId = sandboxId;
    this.#limits = limits;
    worker.attach(sandboxId, {
      onMessage: (message) => this.#onMessage(message),
      onDeath: (error) => this.#onDeath(error),
    });
  }

  /** Creates a fresh sandbox on `worker` (the pool's choice). Rejects with a SandboxError if that fails. */
  static async open(
    worker: SandboxWorker,
    limits: ResolvedLimits,
    toolNames: readonly string[],
  ): Promise<SandboxSession> {
    const sandboxId = nextSandboxId++;
    const line = new HostLine();
    worker.hold();
    try {
      await new Promise<void>((resolve, reject) => {
        // Attached before the worker is ready, so that the sandbox counts toward its load at once.
        worker.attach(sandboxId, {
          onMessage: (message) => {
            if (message.type === 'created') resolve();
            if (message.type === 'create-failed') {
              reject(new SandboxError(`The sandbox could not be created: ${message.message}`));
            }
          },
          // Nothing of a sandbox still being created can be to blame for a neighbour's runaway code.
          onDeath: (error) => reject(worker.runawaySandbox === undefined ? error : neighbourRunaway('creation')),
        });
        const { workerEnd } = line;
        worker.post({ type: 'create', sandboxId, limits, toolNames, ...workerEnd }, [workerEnd.toolPort]);
      });
    } catch (error) {
      worker.detach(sandboxId);
      line.close();
      throw error;
    } finally {
      worker.unhold();
    }
    return new SandboxSession(worker, line, sandboxId, limits);
  }

  /** The sandbox's id on its worker, unique in the process. */
  get sandboxId(): number {
    return this.#sandboxId;
  }

  /**
   * True when the worker died with the state of earlier executions, and no result has said so: the
   * sandbox ran nothing at that moment, or its execution was moved elsewhere. The next result must.
   */
  get lostState(): boolean {
    return this.#lostState;
  }

  /** True when the worker has finished the execution in flight, though its result may not have been read yet. */
  get flightFinished(): boolean {
    return this.#flight !== undefined && this.#line.hasFinished(this.#flight.executionId);
  }

  /** False once the session is closed or its worker died; the executor then opens a new one. */
  get usable(): boolean {
    return !this.#closed && !this.#broken && this.#worker.death === undefined;
  }

  /**
   * Runs code in the sandbox. Resolves with the outcome (model errors included); rejects with the
   * signal's reason on abort, and with a SandboxError when the worker dies (a movable one, see
   * runaway-neighbour.ts, when the execution never started and a neighbour's runaway code was to blame,
   * even if the worker was replaced before this call).
   */
  execute(request: ExecuteRequest): Promise<ExecutionOutcome> {
    if (!this.usable) return Promise.reject(this.#unusableError());
    // An execution whose caller already has its answer (an abort, a failing step) may still be stopping
    // in the worker: the next one waits for it instead of failing.
    if (this.#flight?.callerSettled === true) return this.#flight.landed.then(() => this.execute(request));
    if (this.#flight !== undefined)
      return Promise.reject(new SandboxError('The sandbox runs one execution at a time.'));
    const { signal } = request;
    if (signal?.aborted === true) return Promise.reject(abortReason(signal));
    const executionId = nextExecutionId++;
    const line = this.#line;
    return new Promise<ExecutionOutcome>((resolve, reject) => {
      let watchdog: NodeJS.Timeout | undefined;
      const watch = (): void => {
        watchdog = setTimeout(() => {
          // Timers run late on a busy main thread, possibly after the worker finished and posted the
          // result that this thread has not read yet: that result is on its way, and it wins.
          if (line.hasFinished(executionId)) return;
          flight.watchdogFired = true;
          this.#worker.stopRunaway(this.#sandboxId);
        }, this.#worker.watchdogMs(this.#limits.timeoutMs));
      };
      const onAbort = function (this: AbortSignal): void {
        line.interrupt(executionId);
        flight.callerSettled = true;
        reject(abortReason(this));
      };
      const landing = Promise.withResolvers<undefined>();
      const flight: Flight = {
        landed: landing.promise,
        land: () => landing.resolve(undefined),
        executionId,
        request,
        callerSettled: false,
        watchdogFired: false,
        watch,
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(watchdog);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#flight = flight;
      this.#worker.hold();
      this.#worker.post({
        type: 'execute',
        sandboxId: this.#sandboxId,
        executionId,
        code: request.code,
        typescript: request.typescript,
        seed: request.seed,
        hostClock: request.onClockRead !== undefined,
      });
    });
  }

  // Why no execution can start here. One that a neighbour's runaway code kept from starting (its caller
  // was between steps, or it waited for an execution whose caller gave up) can still move elsewhere.
  #unusableError(): SandboxError {
    const runaway = this.#worker.runawaySandbox;
    if (this.#closed || this.#death === undefined) return new SandboxError('This sandbox session is closed.');
    return runaway === undefined || runaway === this.#sandboxId ? this.#death : neighbourRunaway('waiting');
  }

  /** Frees the sandbox on its worker, once any execution in flight has stopped. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#flight === undefined) this.#release();
    else this.#line.interrupt(this.#flight.executionId);
  }

  #release(): void {
    this.#worker.detach(this.#sandboxId);
    this.#line.close();
    if (this.#worker.death === undefined) this.#worker.post({ type: 'dispose', sandboxId: this.#sandboxId });
  }

  #onMessage(message: WorkerMessage): void {
    const flight = this.#flight;
    if (message.type === 'tool-call' || message.type === 'clock-read') {
      const { sandboxId, executionId, callId } = message;
      const current = sandboxId === this.#sandboxId && flight?.executionId === executionId && !flight.callerSettled;
      const body: Promise<HostReplyBody> = current
        ? answerHostCall(flight.request, message)
        : Promise.resolve(STOPPED_REPLY);
      // The call's identity goes back with the reply: the worker drops it unless that call still waits.
      // A worker that died meanwhile gets no reply.
      void body.then((reply) => {
        if (this.#worker.death === undefined) this.#line.reply({ sandboxId, executionId, callId, ...reply });
      });
      return;
    }
    if (message.type === 'started' && flight?.executionId === message.executionId) {
      this.#ran = true;
      flight.watch();
      return;
    }
    if (message.type === 'sandbox-failed') {
      // The worker dropped this sandbox alone; it no longer counts toward the worker's load.
      this.#worker.detach(this.#sandboxId);
      this.#onDeath(new SandboxError(`The sandbox failed: ${message.message}.`));
      return;
    }
    if (message.type === 'result' && flight?.executionId === message.executionId) {
      this.#land(flight);
      if (!flight.callerSettled) flight.resolve(message.outcome);
    }
  }

  #onDeath(error: SandboxError): void {
    this.#broken = true;
    this.#death = error;
    this.#line.close();
    const flight = this.#flight;
    if (flight === undefined) {
      this.#lostState = this.#ran;
      return;
    }
    const runaway = this.#worker.runawaySandbox;
    // Closed whatever the cause: a worker told to stop may still be running, and must start nothing more.
    const neverStarted = this.#line.closeGate(flight.executionId);
    // Its caller already has its answer (an abort): no result has said that the state is gone, so the
    // next one must, whatever killed the worker.
    if (flight.callerSettled) this.#lostState = this.#ran;
    this.#land(flight);
    if (flight.callerSettled) return;
    if (flight.watchdogFired) flight.resolve(watchdogOutcome());
    else if (runaway === undefined || runaway === this.#sandboxId) flight.reject(error);
    else {
      if (neverStarted) this.#lostState = this.#ran;
      flight.reject(neighbourRunaway(neverStarted ? 'waiting' : 'started'));
    }
  }

  #land(flight: Flight): void {
    flight.cleanup();
    this.#flight = undefined;
    flight.land();
    this.#worker.unhold();
    if (this.#closed) this.#release();
  }
}

function answerHostCall(
  request: ExecuteRequest,
  message: Extract<WorkerMessage, { type: 'tool-call' | 'clock-read' }>,
): Promise<HostReplyBody> {
  if (message.type === 'tool-call') return request.onToolCall(message);
  return request.onClockRead?.(message.ordinal) ?? Promise.resolve(STOPPED_REPLY);
}

// The worker did not stop at the deadline (something QuickJS could not interrupt): it was terminated,
// so the run continues in a fresh sandbox.
function watchdogOutcome(): ExecutionOutcome {
  return {
    output: '',
    lastValue: undefined,
    error: { name: 'InternalError', message: 'interrupted', line: undefined },
    answer: undefined,
    answerCalls: 0,
    timedOut: true,
    aborted: false,
    reset: 'crash',
    toolCalls: 0,
  };
}
