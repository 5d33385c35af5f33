// Worker side: one QuickJS sandbox with its own WebAssembly memory, and the execution of model code in
// it under a wall-clock deadline that covers the code, its microtasks and its tool calls.

import * as releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { newQuickJSWASMModuleFromVariant, newVariant } from 'quickjs-emscripten-core';
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSSyncVariant } from 'quickjs-emscripten-core';
import { prepareCode } from './code-transform.ts';
import { ExecutionState, MAX_ANSWER_TRANSFER, guestError } from './execution-state.ts';
import type { HostChannel } from './execution-state.ts';
import { DETERMINISM_PRELUDE } from './guest-determinism.ts';
import { GUEST_PRELUDE } from './guest-prelude.ts';
import type { ResolvedLimits } from './sandbox-limits.ts';
import type { ExecuteMessage, ExecutionOutcome, GuestError, RandomSeed, ResetReason } from './worker-protocol.ts';

// @types/node leaves WebAssembly out (TypeScript declares it in its DOM lib): the parts used here.
type WasmModule = object;
interface WasmMemory {
  buffer: ArrayBuffer;
}
interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const PAGE_BYTES = 64 * 1024;
// The QuickJS build declares 256 pages (16 MiB) as the least memory it can start with.
const INITIAL_PAGES = 256;

// The package's types describe its CommonJS build (the variant under `.default`); Node loads its ES
// build, whose default export is the variant itself. Both are accepted.
function releaseSyncVariant(): QuickJSSyncVariant {
  const loaded = releaseSync.default as unknown as QuickJSSyncVariant | { default: QuickJSSyncVariant };
  return 'default' in loaded ? loaded.default : loaded;
}

// quickjs-emscripten asks the variant for its FFI class and its Emscripten loader on every instance it
// makes, and the package's variant answers each time with a dynamic import(): a pass through Node's
// module loader that was about a fifth of an instance's cost (measured). The worker imports them once;
// a failed import still reaches every creation that awaits it, and is never left unhandled.
function importedOnce(variant: QuickJSSyncVariant): QuickJSSyncVariant {
  const ffi = variant.importFFI();
  const moduleLoader = variant.importModuleLoader();
  void ffi.catch(() => undefined);
  void moduleLoader.catch(() => undefined);
  return { type: 'sync', importFFI: () => ffi, importModuleLoader: () => moduleLoader };
}

let workerVariant: QuickJSSyncVariant | undefined;

/** Compiles the QuickJS WebAssembly module; done once per worker, instantiated once per sandbox. */
export function compileQuickJS(): Promise<WasmModule> {
  const path = createRequire(import.meta.url).resolve('@jitl/quickjs-wasmfile-release-sync/wasm');
  return wasmApi.compile(readFileSync(path));
}

interface Engine {
  memory: WasmMemory;
  runtime: QuickJSRuntime;
  context: QuickJSContext;
  describe: QuickJSHandle;
  describeError: QuickJSHandle;
  /** Restarts the guest's Math.random from a seed (see guest-determinism.ts). */
  reseed: QuickJSHandle;
}

/** Settings of a sandbox. */
export interface SandboxSettings {
  /** The main thread's id of this sandbox; tool replies name it. */
  sandboxId: number;
  limits: ResolvedLimits;
  toolNames: readonly string[];
}

/** One QuickJS instance whose globals persist from one execution to the next. */
export class QuickJSSandbox {
  readonly #wasm: WasmModule;
  readonly #settings: SandboxSettings;
  readonly #channel: HostChannel;
  readonly #importHint: string;
  #engine: Engine | undefined;
  // The execution in progress; host functions and the interrupt handler act on it.
  #state: ExecutionState | undefined;
  // While draining leftover jobs after a stop, every job is interrupted at its first check.
  #draining = false;

  private constructor(wasm: WasmModule, settings: SandboxSettings, channel: HostChannel) {
    this.#wasm = wasm;
    this.#settings = settings;
    this.#channel = channel;
    this.#importHint = importHint(settings.toolNames);
  }

  /** Creates a sandbox with a fresh QuickJS instance. */
  static async create(wasm: WasmModule, settings: SandboxSettings, channel: HostChannel): Promise<QuickJSSandbox> {
    const sandbox = new QuickJSSandbox(wasm, settings, channel);
    sandbox.#engine = await sandbox.#startEngine();
    return sandbox;
  }

  async #startEngine(): Promise<Engine> {
    const { limits } = this.#settings;
    const memory = new wasmApi.Memory({
      initial: INITIAL_PAGES,
      maximum: Math.max(INITIAL_PAGES, Math.floor(limits.memoryBytes / PAGE_BYTES)),
    });
    const quickjs = await newQuickJSWASMModuleFromVariant(
      newVariant((workerVariant ??= importedOnce(releaseSyncVariant())), {
        wasmModule: this.#wasm,
        wasmMemory: memory,
      }),
    );
    const runtime = quickjs.newRuntime();
    runtime.setMemoryLimit(limits.memoryBytes);
    runtime.setMaxStackSize(limits.stackBytes);
    runtime.setModuleLoader((name) => ({
      error: Object.assign(
        new Error(`import('${name}') is not available: the sandbox has no modules. ${this.#importHint}`),
        {
          name: 'ImportError',
        },
      ),
    }));
    const context = runtime.newContext();
    const engine = { memory, runtime, context, ...this.#installPrelude(context), reseed: this.#installClock(context) };
    // Installed last: a sandbox replaced after its execution passed the deadline starts its fresh engine
    // while that execution's state still says stop, which would interrupt the prelude itself.
    runtime.setInterruptHandler(() => this.#draining || (this.#state?.shouldStop() ?? false));
    return engine;
  }

  #installClock(context: QuickJSContext): QuickJSHandle {
    using prelude = context.unwrapResult(context.evalCode(DETERMINISM_PRELUDE, 'determinism.js'));
    using host = context.newObject();
    using now = context.newFunction('now', () => {
      if (this.#state === undefined) throw guestError('Error', 'No execution is running.');
      return context.newNumber(this.#state.readClock());
    });
    context.setProp(host, 'now', now);
    using api = context.unwrapResult(context.callFunction(prelude, context.undefined, host));
    return context.getProp(api, 'reseed');
  }

  #reseed(seed: RandomSeed): void {
    const { context, reseed } = this.#requireEngine();
    const handles = seed.map((part) => context.newNumber(part));
    try {
      context.unwrapResult(context.callFunction(reseed, context.undefined, ...handles)).dispose();
    } finally {
      for (const handle of handles) handle.dispose();
    }
  }

  #installPrelude(context: QuickJSContext): { describe: QuickJSHandle; describeError: QuickJSHandle } {
    const state = (): ExecutionState => {
      if (this.#state === undefined) throw guestError('Error', 'No execution is running.');
      return this.#state;
    };
    const text = (handle: QuickJSHandle | undefined): string =>
      handle !== undefined && context.typeof(handle) === 'string' ? context.getString(handle) : '';
    using prelude = context.unwrapResult(context.evalCode(GUEST_PRELUDE, 'prelude.js'));
    using host = context.newObject();
    using print = context.newFunction('print', (line) => {
      state().print(text(line));
    });
    using callTool = context.newFunction('callTool', (name, json?: QuickJSHandle) => {
      const argumentsJson = json !== undefined && context.typeof(json) === 'string' ? text(json) : undefined;
      return context.newString(state().callTool(text(name), argumentsJson));
    });
    using submitAnswer = context.newFunction('submitAnswer', (answer, length, isString) => {
      state().submitAnswer(() => text(answer), context.getNumber(length), context.dump(isString) === true);
    });
    using toolNames = context.newArray();
    this.#settings.toolNames.forEach((name, index) => {
      using handle = context.newString(name);
      context.setProp(toolNames, index, handle);
    });
    using hint = context.newString(this.#importHint);
    using maxLine = context.newNumber(this.#settings.limits.maxOutputChars);
    using maxAnswer = context.newNumber(MAX_ANSWER_TRANSFER);
    for (const [key, value] of Object.entries({
      print,
      callTool,
      submitAnswer,
      toolNames,
      importHint: hint,
      maxLine,
      maxAnswer,
    })) {
      context.setProp(host, key, value);
    }
    using api = context.unwrapResult(context.callFunction(prelude, context.undefined, host));
    return { describe: context.getProp(api, 'describe'), describeError: context.getProp(api, 'describeError') };
  }

  /** Runs model code to completion, error, deadline or abort; never throws. */
  async execute(execution: ExecuteMessage): Promise<ExecutionOutcome> {
    const { executionId, code, typescript, hostClock } = execution;
    const identity = { sandboxId: this.#settings.sandboxId, executionId, hostClock };
    const state = new ExecutionState(identity, this.#settings.limits, this.#channel);
    this.#state = state;
    try {
      const prepared = prepareCode(code, { typescript, importHint: this.#importHint });
      if (!prepared.ok) return { ...state.outcome(undefined), error: prepared.error };
      let outcome: ExecutionOutcome;
      let reset: ResetReason | undefined;
      try {
        // The same seed makes the same Math.random sequence, whatever earlier executions drew.
        this.#reseed(execution.seed);
        outcome = this.#run(state, prepared.script);
        reset = outcome.error?.message === 'out of memory' ? 'memory' : this.#drainAfterStop(state);
      } catch (error) {
        // A failure of the host side of QuickJS (native stack, a trap in the WebAssembly code): the
        // instance cannot be trusted any more.
        reset = error instanceof RangeError ? 'stack' : 'crash';
        outcome = { ...state.outcome(undefined), error: hostFailure(reset, error) };
      }
      if (reset !== undefined) this.#engine = await this.#startEngine();
      return { ...outcome, reset };
    } finally {
      this.#state = undefined;
    }
  }

  #run(state: ExecutionState, script: string): ExecutionOutcome {
    const { context, runtime } = this.#requireEngine();
    const evaluated = context.evalCode(script, 'code.js');
    if (evaluated.error !== undefined) return this.#failed(state, evaluated.error);
    using promise = evaluated.value;
    for (;;) {
      const settled = context.getPromiseState(promise);
      if (settled.type === 'fulfilled') {
        using value = settled.value;
        const failure = this.#runLeftoverJobs(state);
        if (failure !== undefined) return failure;
        return state.outcome(state.printed ? undefined : this.#describe(value));
      }
      if (settled.type === 'rejected') return this.#failed(state, settled.error);
      if (!runtime.hasPendingJob()) {
        return { ...state.outcome(undefined), error: neverSettles() };
      }
      const jobs = runtime.executePendingJobs();
      if (jobs.error !== undefined) return this.#failed(state, jobs.error);
    }
  }

  // Callbacks the code scheduled without awaiting them still run, under the same deadline.
  #runLeftoverJobs(state: ExecutionState): ExecutionOutcome | undefined {
    const { runtime } = this.#requireEngine();
    while (runtime.hasPendingJob()) {
      const jobs = runtime.executePendingJobs();
      if (jobs.error !== undefined) return this.#failed(state, jobs.error);
    }
    return undefined;
  }

  // After a deadline or an abort, jobs may remain queued (a microtask that reschedules itself). They are
  // interrupted one by one; a queue that will not empty means a fresh sandbox.
  #drainAfterStop(state: ExecutionState): ResetReason | undefined {
    if (!state.timedOut && !state.aborted) return undefined;
    const { runtime } = this.#requireEngine();
    this.#draining = true;
    try {
      for (let round = 0; round < 1000 && runtime.hasPendingJob(); round++) {
        const jobs = runtime.executePendingJobs();
        jobs.error?.dispose();
      }
      return runtime.hasPendingJob() ? 'runaway_jobs' : undefined;
    } finally {
      this.#draining = false;
    }
  }

  #failed(state: ExecutionState, handle: QuickJSHandle): ExecutionOutcome {
    const error = this.#readError(state, handle);
    handle.dispose();
    return { ...state.outcome(undefined), error };
  }

  #readError(state: ExecutionState, handle: QuickJSHandle): GuestError {
    const { context, describeError } = this.#requireEngine();
    const described = context.callFunction(describeError, context.undefined, handle);
    if (described.error !== undefined) {
      described.error.dispose();
      // A hostile getter of the error ran until the deadline or an abort stopped it; the outcome
      // says which, and the sandbox is as it was.
      if (state.timedOut || state.aborted) return { name: 'InternalError', message: 'interrupted', line: undefined };
      // Otherwise the guest's describeError let through only an exhausted memory.
      return { name: 'InternalError', message: 'out of memory', line: undefined };
    }
    using json = described.value;
    const parsed = JSON.parse(context.getString(json)) as { name: string; message: string; stack: string };
    // With its memory exhausted, QuickJS cannot even allocate the error object and throws null.
    if (parsed.name === 'Uncaught' && parsed.message === 'null' && this.#memoryNearlyFull()) {
      return { name: 'InternalError', message: 'out of memory', line: undefined };
    }
    const line = /code\.js:(\d+)/.exec(parsed.stack)?.[1];
    return {
      name: this.#bounded(parsed.name),
      message: this.#bounded(parsed.message),
      line: line === undefined ? undefined : Number(line),
    };
  }

  #memoryNearlyFull(): boolean {
    const { memory } = this.#requireEngine();
    return memory.buffer.byteLength + 2 * 1024 * 1024 >= this.#settings.limits.memoryBytes;
  }

  #describe(value: QuickJSHandle): string | undefined {
    const { context, describe } = this.#requireEngine();
    if (context.typeof(value) === 'undefined') return undefined;
    const described = context.callFunction(describe, context.undefined, value);
    if (described.error !== undefined) {
      described.error.dispose();
      return '[the value could not be shown]';
    }
    using text = described.value;
    return this.#bounded(context.getString(text));
  }

  // The last expression's value and a thrown error are what the model reads, like console output, and
  // cut at the same limit; the guest sent at most one character more, which says that there was more.
  #bounded(text: string): string {
    const { maxOutputChars } = this.#settings.limits;
    return text.length <= maxOutputChars
      ? text
      : `${text.slice(0, maxOutputChars)}\n[output cut at ${maxOutputChars} characters]`;
  }

  #requireEngine(): Engine {
    if (this.#engine === undefined) throw new Error('The sandbox has no QuickJS instance.');
    return this.#engine;
  }

  /** Drops the QuickJS instance, its memory freed with it, and closes the sandbox's port. */
  dispose(): void {
    // Freeing a runtime that still holds objects aborts inside QuickJS; dropping every reference lets the
    // garbage collector reclaim the instance and its WebAssembly memory instead.
    this.#engine = undefined;
    this.#channel.toolPort.close();
  }
}

function importHint(toolNames: readonly string[]): string {
  const tools = toolNames.length === 0 ? 'no tools' : `the tools ${toolNames.join(', ')}`;
  return `Available: ${tools}, final_answer, console.log and the JavaScript built-ins (Math, JSON, Date, Array, Object, Map, Set, RegExp, Promise, ...).`;
}

function neverSettles(): GuestError {
  return {
    name: 'Error',
    message:
      'The code awaits a promise that can never settle: the sandbox has no timers or I/O, and tools return their results directly.',
    line: undefined,
  };
}

function hostFailure(reason: ResetReason, error: unknown): GuestError {
  if (reason === 'stack') return { name: 'InternalError', message: 'stack overflow', line: undefined };
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { name: 'InternalError', message: `the sandbox failed (${detail})`, line: undefined };
}
