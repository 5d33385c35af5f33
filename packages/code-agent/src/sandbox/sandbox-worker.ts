// Entry of a sandbox worker thread. It holds at most one sandbox (the one of the run that leased the
// worker) and runs its executions one at a time. It must import nothing from @tinyagent/core: a worker
// started from the TypeScript sources resolves packages without the source condition.

import { parentPort, workerData } from 'node:worker_threads';
import type { HostChannel } from './execution-state.ts';
import { QuickJSSandbox, compileQuickJS } from './quickjs-sandbox.ts';
import type { HostMessage, WorkerMessage, WorkerSetup } from './worker-protocol.ts';

if (parentPort === null) throw new Error('sandbox-worker must run as a worker thread.');
const port = parentPort;
const setup = workerData as WorkerSetup;

silenceTypeStrippingWarning();

const channel: HostChannel = {
  control: new Int32Array(setup.control),
  toolPort: setup.toolPort,
  post: (message: WorkerMessage) => port.postMessage(message),
};
const wasm = await compileQuickJS();
let current: { id: number; sandbox: QuickJSSandbox } | undefined;
// Messages are handled strictly in order, even though creating a sandbox is asynchronous.
let queue = Promise.resolve();

port.on('message', (message: HostMessage) => {
  queue = queue.then(() => handle(message));
});
channel.post({ type: 'ready' });

async function handle(message: HostMessage): Promise<void> {
  switch (message.type) {
    case 'create': {
      const started = performance.now();
      current?.sandbox.dispose();
      current = undefined;
      try {
        const sandbox = await QuickJSSandbox.create(wasm, message, channel);
        current = { id: message.sandboxId, sandbox };
        channel.post({ type: 'created', sandboxId: message.sandboxId, durationMs: performance.now() - started });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        channel.post({ type: 'create-failed', sandboxId: message.sandboxId, message: reason });
      }
      return;
    }
    case 'execute': {
      if (current?.id !== message.sandboxId) throw new Error(`Sandbox ${message.sandboxId} does not exist here.`);
      const outcome = await current.sandbox.execute(message);
      channel.post({ type: 'result', executionId: message.executionId, outcome });
      return;
    }
    case 'dispose':
      if (current?.id === message.sandboxId) {
        current.sandbox.dispose();
        current = undefined;
      }
      return;
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
