// Entry of a sandbox worker thread. It hosts many sandboxes (those the pool placed on it, of any run)
// and runs every execution of every one of them strictly one at a time, in the order they arrive;
// the creation of new sandboxes takes turns with them (see nextMessage).
// It must import nothing from @tinyagent/core: a worker started from the TypeScript sources resolves
// packages without the source condition.

import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { QuickJSSandbox, compileQuickJS } from './quickjs-sandbox.ts';
import { CONTROL, GATE_CLOSED } from './worker-protocol.ts';
import type { HostMessage, WorkerMessage } from './worker-protocol.ts';

if (parentPort === null) throw new Error('sandbox-worker must run as a worker thread.');
const port = parentPort;

silenceTypeStrippingWarning();

const post = (message: WorkerMessage): void => port.postMessage(message);
const wasm = await compileQuickJS();
const sandboxes = new Map<number, QuickJSSandbox>();
// Each sandbox's shared control array, where the worker records which execution it started and finished.
const controls = new Map<number, Int32Array>();
// Messages wait here and are handled one at a time, even though creating a sandbox is asynchronous.
const creations: HostMessage[] = [];
const others: HostMessage[] = [];
// How many of `others` go before the next creation.
let owed = 0;
let handling = false;

port.on('message', (message: HostMessage) => {
  wait(message);
  if (!handling) void handleWaiting();
});
post({ type: 'ready' });

function wait(message: HostMessage): void {
  (message.type === 'create' ? creations : others).push(message);
}

// Node hands the thread one message per turn of its event loop, each after the previous one was
// handled; the ones still in the port are taken now, so that the choice of what to handle next sees
// everything that has arrived.
function receiveArrived(): void {
  for (let received = receiveMessageOnPort(port); received !== undefined; received = receiveMessageOnPort(port)) {
    wait(received.message as HostMessage);
  }
}

async function handleWaiting(): Promise<void> {
  handling = true;
  try {
    for (let message = nextMessage(); message !== undefined; message = nextMessage()) {
      await handle(message);
      if (message.type === 'create') {
        receiveArrived();
        owed = others.length;
      }
    }
  } finally {
    handling = false;
  }
}

// After each creation, the executions and disposals waiting at that moment go first, then the next
// creation. In strict arrival order, a thousand runs starting at once queued every creation ahead of
// every execution, so all their sandboxes lived at the same time: each full garbage collection of the
// worker (one every few creations, set off by the 16 MiB of each new WebAssembly memory) then marked
// them all, a cost that grew with the square of the runs (measured: most of the worker's time). Taking
// turns lets early runs finish and free their sandboxes while later ones are created; an execution
// waits for at most one creation, and a creation for the executions that were waiting before it.
function nextMessage(): HostMessage | undefined {
  receiveArrived();
  if (owed > 0) {
    owed -= 1;
    return others.shift();
  }
  return creations.shift() ?? others.shift();
}

async function handle(message: HostMessage): Promise<void> {
  const { sandboxId } = message;
  switch (message.type) {
    case 'create': {
      const started = performance.now();
      // Each sandbox talks to the main thread on its own control array and port: a reply or an
      // interrupt meant for one can never wake or stop another on the same thread.
      const channel = { control: new Int32Array(message.control), toolPort: message.toolPort, post };
      try {
        sandboxes.set(sandboxId, await QuickJSSandbox.create(wasm, message, channel));
        controls.set(sandboxId, channel.control);
        post({ type: 'created', sandboxId, durationMs: performance.now() - started });
      } catch (error) {
        message.toolPort.close();
        const reason = error instanceof Error ? error.message : String(error);
        post({ type: 'create-failed', sandboxId, message: reason });
      }
      return;
    }
    case 'execute': {
      const { executionId } = message;
      const sandbox = sandboxes.get(sandboxId);
      const control = controls.get(sandboxId);
      if (sandbox === undefined || control === undefined) {
        post({ type: 'sandbox-failed', sandboxId, executionId, message: 'it no longer exists on its worker' });
        return;
      }
      // The main thread is replacing this worker and moved the execution to another: it must not start here too.
      if (!claimStart(control, executionId)) return;
      post({ type: 'started', sandboxId, executionId });
      try {
        const outcome = await sandbox.execute(message);
        Atomics.store(control, CONTROL.finished, executionId);
        post({ type: 'result', sandboxId, executionId, outcome });
      } catch (error) {
        Atomics.store(control, CONTROL.finished, executionId);
        // A failure outside what execute() contains (a fresh engine that could not start) ends this
        // sandbox only: the thread's other sandboxes, of other runs, carry on.
        sandbox.dispose();
        sandboxes.delete(sandboxId);
        controls.delete(sandboxId);
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        post({ type: 'sandbox-failed', sandboxId, executionId, message: reason });
      }
      return;
    }
    case 'dispose':
      sandboxes.get(sandboxId)?.dispose();
      sandboxes.delete(sandboxId);
      controls.delete(sandboxId);
      return;
  }
}

// Records that the execution starts, unless the main thread closed the sandbox's gate first: one atomic
// step, so the main thread knows for certain whether a queued execution ever began (HostLine.closeGate).
function claimStart(control: Int32Array, executionId: number): boolean {
  for (;;) {
    const last = Atomics.load(control, CONTROL.started);
    if (last === GATE_CLOSED) return false;
    if (Atomics.compareExchange(control, CONTROL.started, last, executionId) === last) return true;
  }
}

// Node flags stripTypeScriptTypes as experimental on every first use; the model's TypeScript is an
// implementation detail here, so this thread keeps the warning off the application's stderr.
function silenceTypeStrippingWarning(): void {
  const emitWarning = process.emitWarning.bind(process);
  const filtered = (warning: string | Error, ...rest: unknown[]): void => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (text.includes('stripTypeScriptTypes')) return;
    Reflect.apply(emitWarning, process, [warning, ...rest]);
  };
  process.emitWarning = filtered;
}
